"""Deadlines, reminders, the inbox and the user's notification settings."""

from .deadlines import (
    Audience,
    Deadline,
    DeadlineExtension,
    DeadlineState,
    Reminder,
    ReminderKind,
    ReminderPolicy,
    TaskKind,
)
from .inbox import (
    CONSULTATION_KINDS,
    CalendarFeed,
    Digest,
    EmailMode,
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
)

__all__ = [
    "CONSULTATION_KINDS",
    "Audience",
    "CalendarFeed",
    "Deadline",
    "DeadlineExtension",
    "DeadlineState",
    "Digest",
    "EmailMode",
    "EmailState",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Reminder",
    "ReminderKind",
    "ReminderPolicy",
    "TaskKind",
]
