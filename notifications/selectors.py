"""Read-only queries of the inbox, the user's tasks, calendar feeds and failed deliveries.

Every function is scoped to the user's body (or the given body): a user never reads
another body's rows.
"""

from __future__ import annotations

import hashlib

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from planning_cycle.models import CycleMilestone, Phase, PhaseDeadline, Role, RoleAssignment, User
from workflows.models import OutboxMessage

from .models import (
    Audience,
    CalendarFeed,
    Deadline,
    DeadlineExtension,
    DeadlineState,
    EmailMode,
    Notification,
    NotificationPreference,
)
from .recipients import (
    COMMITTEE_AUDIENCE_ROLES,
    DEPARTMENT_AUDIENCE_ROLES,
    ORGANISATION_AUDIENCE_ROLES,
)

# What rendering a notification or a deadline reads besides its own row.
DEADLINE_RELATED = ("department", "organisation", "committee", "cycle")
# The recipient is the reader: what a task asks of them depends on their permissions.
NOTIFICATION_RELATED = (
    "recipient",
    "deadline",
    "deadline__department",
    "deadline__organisation",
    "deadline__committee",
    "deadline__cycle",
)


def token_hash(token: str) -> str:
    """Return the stored form (SHA-256, hex) of a calendar feed token."""
    return hashlib.sha256(token.encode()).hexdigest()


def notifications_of_user(user: User) -> QuerySet[Notification]:
    """Return the user's notifications in their body, newest first, loaded for rendering."""
    if user.body_id is None:
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient=user, body_id=user.body_id)
        .select_related(*NOTIFICATION_RELATED)
        .order_by("-created_at", "-id")
    )


def unread_count(user: User) -> int:
    """Return how many of the user's notifications are unread (one query)."""
    if user.body_id is None:
        return 0
    return Notification.objects.filter(
        recipient=user, body_id=user.body_id, read_at__isnull=True
    ).count()


def deadlines_for_user(user: User) -> QuerySet[Deadline]:
    """Return the open deadlines the user is responsible for, soonest first (one query).

    Department-audience deadlines reach the heads and editors of their department,
    invitee deadlines those of the invited department or the invited organisation's
    contact people, committee deadlines the committee's secretaries,
    management-audience deadlines the body's management.
    """
    if not user.is_active or user.body_id is None:
        return Deadline.objects.none()
    department_role = RoleAssignment.objects.filter(
        user_id=user.pk,
        body_id=user.body_id,
        role__in=DEPARTMENT_AUDIENCE_ROLES,
        department_id=OuterRef("department_id"),
    )
    organisation_role = RoleAssignment.objects.filter(
        user_id=user.pk,
        body_id=user.body_id,
        role__in=ORGANISATION_AUDIENCE_ROLES,
        organisation_id=OuterRef("organisation_id"),
    )
    committee_role = RoleAssignment.objects.filter(
        user_id=user.pk,
        body_id=user.body_id,
        role__in=COMMITTEE_AUDIENCE_ROLES,
        committee_id=OuterRef("committee_id"),
    )
    management_role = RoleAssignment.objects.filter(
        user_id=user.pk, body_id=user.body_id, role=Role.MANAGEMENT, department__isnull=True
    )
    strategy_role = RoleAssignment.objects.filter(
        user_id=user.pk, body_id=user.body_id, role=Role.STRATEGY_UNIT, department__isnull=True
    )
    council_office_role = RoleAssignment.objects.filter(
        user_id=user.pk,
        body_id=user.body_id,
        role=Role.COMMITTEE_SECRETARY,
        department__isnull=True,
        committee__isnull=True,
    )
    any_department_role = RoleAssignment.objects.filter(
        user_id=user.pk,
        body_id=user.body_id,
        role__in=DEPARTMENT_AUDIENCE_ROLES,
        department__isnull=False,
    )
    return (
        Deadline.objects.filter(body_id=user.body_id, state=DeadlineState.OPEN)
        .filter(
            Q(Exists(department_role), audience__in=(Audience.DEPARTMENT, Audience.INVITEE))
            | Q(Exists(organisation_role), audience=Audience.INVITEE)
            | Q(Exists(committee_role), audience=Audience.COMMITTEE)
            | Q(Exists(management_role), audience=Audience.MANAGEMENT)
            | Q(Exists(strategy_role), audience=Audience.STRATEGY_UNIT)
            | Q(Exists(council_office_role), audience=Audience.COUNCIL_OFFICE)
            | Q(Exists(any_department_role), audience=Audience.DEPARTMENTS)
        )
        .select_related(*DEADLINE_RELATED)
        .order_by("due_at", "id")
    )


def phase_dates_for_user(user: User) -> QuerySet[PhaseDeadline]:
    """Return the phase dates of the open cycles of the user's body (one query)."""
    if not user.is_active or user.body_id is None:
        return PhaseDeadline.objects.none()
    return (
        PhaseDeadline.objects.filter(body_id=user.body_id, switched_off=False)
        .exclude(cycle__phase=Phase.CLOSED)
        .select_related("cycle")
        .order_by("due_date", "id")
    )


def milestones_for_user(user: User) -> QuerySet[CycleMilestone]:
    """Return the milestones of the open cycles of the user's body (one query)."""
    if not user.is_active or user.body_id is None:
        return CycleMilestone.objects.none()
    return (
        CycleMilestone.objects.filter(body_id=user.body_id)
        .exclude(cycle__phase=Phase.CLOSED)
        .select_related("cycle")
        .order_by("due_date", "id")
    )


def body_deadlines(
    body_id: int, *, kind: str = "", department_id: int | None = None
) -> QuerySet[Deadline]:
    """Return a body's open deadlines with their extensions (two queries), soonest first."""
    queryset = Deadline.objects.filter(body_id=body_id, state=DeadlineState.OPEN)
    if kind:
        queryset = queryset.filter(kind=kind)
    if department_id is not None:
        queryset = queryset.filter(department_id=department_id)
    extensions = DeadlineExtension.objects.filter(body_id=body_id).select_related("actor")
    return (
        queryset.select_related(*DEADLINE_RELATED)
        .prefetch_related(Prefetch("extensions", queryset=extensions))
        .order_by("due_at", "id")
    )


def body_deadline(body_id: int, pk: int) -> Deadline | None:
    """Return one deadline of the body (any state), or None."""
    return Deadline.objects.filter(body_id=body_id, pk=pk).select_related(*DEADLINE_RELATED).first()


def failed_messages(body_id: int) -> QuerySet[OutboxMessage]:
    """Return the body's outbox messages given up after their last try, latest first."""
    return OutboxMessage.objects.filter(body_id=body_id, failed_at__isnull=False).order_by(
        "-failed_at", "-id"
    )


def preference_of(user: User) -> NotificationPreference:
    """Return the user's notification settings (the defaults, unsaved, when none are stored)."""
    found = NotificationPreference.objects.filter(user_id=user.pk).first()
    if found is None:
        return NotificationPreference(user=user, email_mode=EmailMode.IMMEDIATE, language="de")
    return found


def calendar_feed_active(user: User) -> CalendarFeed | None:
    """Return the user's calendar feed that is not revoked, or None."""
    return CalendarFeed.objects.filter(user_id=user.pk, revoked_at__isnull=True).first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """Return the active feed of a token whose owner is an active member of the feed's body."""
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active or feed.user.body_id != feed.body_id:
        return None
    return feed
