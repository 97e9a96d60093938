"""Django admin of the notifications: the reminder policy is edited here, the rest is shown.

Deadlines open and close with their tasks and are extended on the deadlines page (with a
reason); reminders, notifications and digests are records of what was sent.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from planning_cycle.admin import BODY_FILTER, BodyScopedAdmin, ReadOnlyAdmin

from .models import (
    CalendarFeed,
    Deadline,
    DeadlineExtension,
    Digest,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderPolicy,
)
from .services.policy import reminder_policy_save


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(BodyScopedAdmin):
    list_display = (
        "body",
        "reminder_days",
        "escalation_after_days",
        "escalation_repeat_days",
        "decision_days",
        "send_time",
        "working_days_only",
    )

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        reminder_policy_save(acting_user=request.user, policy=obj)  # type: ignore[arg-type]


class ExtensionInline(admin.TabularInline):
    model = DeadlineExtension
    extra = 0
    can_delete = False
    fields = ("previous_due_at", "new_due_at", "reason", "actor", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ("kind", "department", "cycle", "due_at", "state", "next_check_at")
    list_filter = (BODY_FILTER, "state", "kind", "audience")
    list_select_related = ("department", "cycle")
    search_fields = ("department__code", "department__name")
    date_hierarchy = "due_at"
    inlines = [ExtensionInline]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("deadline", "kind", "offset_days", "scheduled_for", "sent_at")
    list_filter = (BODY_FILTER, "kind")
    list_select_related = ("deadline", "deadline__department")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "kind", "deadline", "created_at", "read_at", "email_state")
    list_filter = (BODY_FILTER, "kind", "email_state")
    list_select_related = ("recipient", "deadline", "deadline__department")
    search_fields = ("recipient__username", "recipient__last_name")


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "date", "created_at")
    list_filter = (BODY_FILTER,)
    list_select_related = ("recipient",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    body_lookup = "user__body"
    list_display = ("user", "email_mode", "language", "updated_at")
    list_filter = ("email_mode", "language")
    list_select_related = ("user",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "revoked_at")
    list_filter = (BODY_FILTER,)
    list_select_related = ("user",)
    exclude = ("token_hash",)
