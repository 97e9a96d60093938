"""When reminders and escalations of a deadline are due: pure functions, no database.

A reminder `d` days before the due date goes out at the policy's send time on the local
date (due date - d), moved to the previous working day when that is a weekend day or a
public holiday of the body's state: never later than promised. Escalations go out
`escalation_after_days` after the due date and then every `escalation_repeat_days`, each
moved to the next working day. The due date is the local date of the due time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from planning_cycle.workdays import is_working_day

from .models import ReminderKind, ReminderPolicy

# More escalations than anyone would wait for; bounds the loop for far-away horizons.
MAX_ESCALATIONS = 1000


@dataclass(frozen=True)
class Rules:
    """The values of a reminder policy the schedule needs."""

    reminder_days: tuple[int, ...] = (14, 7, 1)
    escalation_after_days: int = 1
    escalation_repeat_days: int = 7
    send_time: dt.time = dt.time(8, 0)
    working_days_only: bool = True

    @classmethod
    def of(cls, policy: ReminderPolicy) -> Rules:
        """Return the rules of a policy (saved or not), ignoring offsets that make no sense."""
        raw = policy.reminder_days if isinstance(policy.reminder_days, list) else []
        # The admin form validates; a row edited around it must not stop the whole sweep.
        days = {d for d in raw if isinstance(d, int) and not isinstance(d, bool) and d >= 1}
        return cls(
            reminder_days=tuple(sorted(days, reverse=True)),
            escalation_after_days=policy.escalation_after_days,
            escalation_repeat_days=policy.escalation_repeat_days,
            send_time=policy.send_time,
            working_days_only=policy.working_days_only,
        )


@dataclass(frozen=True)
class Slot:
    """One moment a reminder or escalation is due; offset_days as the policy names it."""

    at: dt.datetime
    kind: str
    offset_days: int


@dataclass(frozen=True)
class Decision:
    """What the sweep does with one deadline now: send `slot` (if any), look again later."""

    slot: Slot | None
    next_check_at: dt.datetime | None


def local_zone() -> ZoneInfo:
    zone = timezone.get_default_timezone()
    assert isinstance(zone, ZoneInfo)
    return zone


def working_day_on_or_before(day: dt.date, *, state: str) -> dt.date:
    while not is_working_day(day, state=state):
        day -= dt.timedelta(days=1)
    return day


def working_day_on_or_after(day: dt.date, *, state: str) -> dt.date:
    while not is_working_day(day, state=state):
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, rules: Rules) -> dt.datetime:
    return dt.datetime.combine(day, rules.send_time, tzinfo=local_zone())


def slots_for(rules: Rules, due_at: dt.datetime, *, state: str, until: dt.datetime) -> list[Slot]:
    """Return the slots of a due time in time order: all reminders, escalations up to `until`.

    The escalations end with the first one after `until`, so that the caller knows when
    to look again; reminders lie before the due time, escalations after it.
    """
    due_date = due_at.astimezone(local_zone()).date()
    slots = []
    for days in rules.reminder_days:
        day = due_date - dt.timedelta(days=days)
        if rules.working_days_only:
            day = working_day_on_or_before(day, state=state)
        at = _at(day, rules)
        if at < due_at:
            slots.append(Slot(at=at, kind=ReminderKind.REMINDER, offset_days=days))
    for i in range(MAX_ESCALATIONS):
        days = rules.escalation_after_days + i * rules.escalation_repeat_days
        day = due_date + dt.timedelta(days=days)
        if rules.working_days_only:
            day = working_day_on_or_after(day, state=state)
        at = _at(day, rules)
        if at <= due_at:
            # Only with 0 days after: due later that day than the send time, so
            # overdue from the next (working) day on.
            day = due_date + dt.timedelta(days=1)
            if rules.working_days_only:
                day = working_day_on_or_after(day, state=state)
            at = _at(day, rules)
        slots.append(Slot(at=at, kind=ReminderKind.ESCALATION, offset_days=days))
        if at > until or rules.escalation_repeat_days == 0:
            break
    return sorted(slots, key=_order)


def _order(slot: Slot) -> tuple[dt.datetime, int]:
    # Slots moved onto the same working day: the last of them is the one sent, the
    # others are passed over. For reminders that is the one closest to the due date,
    # for escalations the one counting the most days overdue.
    if slot.kind == ReminderKind.ESCALATION:
        return slot.at, slot.offset_days
    return slot.at, -slot.offset_days


def slot_decide(
    slots: Iterable[Slot], *, last_slot_at: dt.datetime | None, now: dt.datetime
) -> Decision:
    """Pick the one slot to send now and the time to look again.

    Of the slots due by `now` and later than the last one sent (None: nothing sent for
    this due time), only the most recent is sent: after a missed sweep a task gets one
    reminder, not all it missed.
    """
    ordered = sorted(slots, key=_order)
    due = [s for s in ordered if s.at <= now and (last_slot_at is None or s.at > last_slot_at)]
    later = [s.at for s in ordered if s.at > now]
    return Decision(slot=due[-1] if due else None, next_check_at=later[0] if later else None)


def deadline_decide(
    rules: Rules,
    *,
    due_at: dt.datetime,
    state: str,
    last_slot_at: dt.datetime | None,
    now: dt.datetime,
) -> Decision:
    """Decide for one deadline: its slots up to `now`, then `slot_decide`."""
    return slot_decide(
        slots_for(rules, due_at, state=state, until=now), last_slot_at=last_slot_at, now=now
    )
