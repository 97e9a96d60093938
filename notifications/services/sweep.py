"""The reminder sweep: send what is due for open deadlines, each reminder once.

The beat task runs it every minute. It takes the deadlines whose `next_check_at` has come,
locked with SKIP LOCKED so that concurrent sweeps share the rows instead of sending twice,
decides per deadline which one slot to send (notifications/schedule.py), records the
reminders, notifies the responsible users and moves each deadline to its next check: a
constant number of queries, however many reminders are due.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from planning_cycle.models import Body

from ..models import (
    Deadline,
    DeadlineState,
    NotificationKind,
    Reminder,
    ReminderKind,
    ReminderPolicy,
)
from ..recipients import recipients_for
from ..schedule import Decision, Rules, Slot, deadline_decide
from .notify import NotificationSpec, notifications_insert

logger = logging.getLogger(__name__)

NOTIFICATION_KIND = {
    ReminderKind.REMINDER: NotificationKind.REMINDER,
    ReminderKind.ESCALATION: NotificationKind.ESCALATION,
}


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did; `deadlines == batch_size` means more may be waiting."""

    deadlines: int = 0
    reminders: int = 0
    escalations: int = 0
    notifications: int = 0


def _schedules(deadlines: list[Deadline]) -> dict[int, tuple[Rules, str]]:
    """Return each involved body's rules and state (one query; no policy row: defaults)."""
    bodies = Body.objects.filter(pk__in={d.body_id for d in deadlines}).select_related(
        "reminder_policy"
    )
    result = {}
    for body in bodies:
        try:
            policy = body.reminder_policy
        except ReminderPolicy.DoesNotExist:
            policy = ReminderPolicy(body=body)
        result[body.pk] = (Rules.of(policy), body.state)
    return result


# The reminders of one sweep in one statement; a slot that has its row already is passed
# over (see _reminders_create). The rows travel as one JSON parameter: Django's bulk
# insert prepares every value of every row in Python.
_REMINDERS_SQL = """
    INSERT INTO notifications_reminder
        (body_id, deadline_id, kind, offset_days, due_at, scheduled_for, sent_at)
    SELECT body_id, deadline_id, kind, offset_days, due_at, scheduled_for, sent_at
    FROM json_to_recordset(%s::json) AS v(
        body_id bigint, deadline_id bigint, kind text, offset_days integer,
        due_at timestamptz, scheduled_for timestamptz, sent_at timestamptz
    )
    ON CONFLICT ON CONSTRAINT reminder_once_per_slot DO NOTHING
    RETURNING id, deadline_id
"""


def _reminders_create(reminders: list[Reminder]) -> list[Reminder]:
    """Insert the reminders that have no row yet; return those, with their ids (one query).

    Normally all: last_slot_at keeps the sweep from choosing a sent slot. But a policy
    edited between two sweeps (another send time) can move a sent slot after
    last_slot_at; it must be passed over, not refused by the unique constraint, which
    would roll back the whole sweep, every minute again.
    """
    if not reminders:
        return []
    if connection.vendor != "postgresql":
        sent = _already_sent(reminders)
        return Reminder.objects.bulk_create(
            r for r in reminders if (r.deadline_id, r.kind, r.offset_days, r.due_at) not in sent
        )
    rows = json.dumps(
        [
            {
                "body_id": r.body_id,
                "deadline_id": r.deadline_id,
                "kind": r.kind,
                "offset_days": r.offset_days,
                "due_at": _iso(r.due_at),
                "scheduled_for": _iso(r.scheduled_for),
                "sent_at": _iso(r.sent_at),
            }
            for r in reminders
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(_REMINDERS_SQL, [rows])
        # One reminder per deadline and sweep: the deadline tells which row got which id.
        ids = {deadline_id: pk for pk, deadline_id in cursor.fetchall()}
    created = [r for r in reminders if r.deadline_id in ids]
    for r in created:
        r.pk = ids[r.deadline_id]
        r._state.adding = False
        r._state.db = connection.alias
    return created


def _already_sent(reminders: list[Reminder]) -> set[tuple[int, str, int, dt.datetime]]:
    """Return the slot keys of the reminders that have a row already (one query)."""
    offsets: dict[str, set[int]] = {}
    for r in reminders:
        offsets.setdefault(r.kind, set()).add(r.offset_days)
    # Narrowed to the chosen kinds and offsets: the earlier reminders of these deadlines
    # need not travel.
    of_slots = Q()
    for kind, days in offsets.items():
        of_slots |= Q(kind=kind, offset_days__in=days)
    rows = Reminder.objects.filter(
        of_slots, deadline_id__in=[r.deadline_id for r in reminders]
    ).values_list("deadline_id", "kind", "offset_days", "due_at")
    return set(rows)


def deadline_sweep(*, now: dt.datetime | None = None, batch_size: int = 2000) -> SweepResult:
    """Send the due reminders and escalations of up to batch_size deadlines, in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        deadlines = list(
            Deadline.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=DeadlineState.OPEN, next_check_at__lte=now)
            .order_by("next_check_at", "id")[:batch_size]
        )
        if not deadlines:
            return SweepResult()
        schedules = _schedules(deadlines)
        chosen: list[tuple[Deadline, Slot]] = []
        # The tasks of a cycle's phase share their due time: decided once per body, due
        # time and last slot sent, not once per deadline.
        decisions: dict[tuple[int, dt.datetime, dt.datetime | None], Decision] = {}
        for deadline in deadlines:
            key = (deadline.body_id, deadline.due_at, deadline.last_slot_at)
            decision = decisions.get(key)
            if decision is None:
                rules, state = schedules[deadline.body_id]
                decision = decisions[key] = deadline_decide(
                    rules,
                    due_at=deadline.due_at,
                    state=state,
                    last_slot_at=deadline.last_slot_at,
                    now=now,
                )
            deadline.next_check_at = decision.next_check_at
            if decision.slot is not None:
                deadline.last_slot_at = decision.slot.at
                chosen.append((deadline, decision.slot))
        reminders = _reminders_create(
            [
                Reminder(
                    body_id=deadline.body_id,
                    deadline=deadline,
                    kind=slot.kind,
                    offset_days=slot.offset_days,
                    due_at=deadline.due_at,
                    scheduled_for=slot.at,
                    sent_at=now,
                )
                for deadline, slot in chosen
            ]
        )
        notifications = _notify(reminders)
        _next_checks_save(deadlines)
    escalations = sum(r.kind == ReminderKind.ESCALATION for r in reminders)
    result = SweepResult(
        deadlines=len(deadlines),
        reminders=len(reminders) - escalations,
        escalations=escalations,
        notifications=notifications,
    )
    logger.info("Reminder sweep: %s", result)
    return result


# One UPDATE from one JSON parameter: Django's bulk_update builds a CASE expression per
# row and field, which for a full batch cost more time than all the rest of the sweep, and
# arrays of times are slow to quote.
_NEXT_CHECKS_SQL = """
    UPDATE notifications_deadline AS d
    SET next_check_at = v.next_check_at, last_slot_at = v.last_slot_at
    FROM json_to_recordset(%s::json)
        AS v(id bigint, next_check_at timestamptz, last_slot_at timestamptz)
    WHERE d.id = v.id
"""


def _next_checks_save(deadlines: list[Deadline]) -> None:
    """Store each deadline's next_check_at and last_slot_at (one statement)."""
    if connection.vendor != "postgresql":
        Deadline.objects.bulk_update(deadlines, ["next_check_at", "last_slot_at"])
        return
    rows = [
        {"id": d.pk, "next_check_at": _iso(d.next_check_at), "last_slot_at": _iso(d.last_slot_at)}
        for d in deadlines
    ]
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_CHECKS_SQL, [json.dumps(rows)])


def _iso(moment: dt.datetime | None) -> str | None:
    """Return a time as ISO 8601 with its offset, for PostgreSQL to read from JSON."""
    return None if moment is None else moment.isoformat()


def _notify(reminders: list[Reminder]) -> int:
    """Notify the responsible of each reminder, management too of escalations (3 queries)."""
    specs = []
    for kind, escalation in ((ReminderKind.REMINDER, False), (ReminderKind.ESCALATION, True)):
        of_kind = [r for r in reminders if r.kind == kind]
        recipients = recipients_for([r.deadline for r in of_kind], escalation=escalation)
        specs += [
            NotificationSpec(
                recipient=recipient,
                kind=NOTIFICATION_KIND[kind],
                source_key=f"reminder:{reminder.pk}",
                deadline=reminder.deadline,
                reminder=reminder,
                data={"offset_days": reminder.offset_days},
            )
            for reminder in of_kind
            for recipient in recipients[reminder.deadline_id]
        ]
    return notifications_insert(specs=specs)
