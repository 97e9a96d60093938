"""The reminder schedule: working days per state, slots, and which one to send now."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from notifications.models import ReminderKind, ReminderPolicy
from notifications.schedule import (
    Rules,
    Slot,
    deadline_decide,
    slot_decide,
    slots_for,
)
from planning_cycle.workdays import holidays_of, is_working_day

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER, ESCALATION = ReminderKind.REMINDER, ReminderKind.ESCALATION
RULES = Rules()  # the model's defaults: 14, 7, 1 days before; 1 day after, then weekly


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


# The goal review of the 2026 cycle: due Thursday 30 April 2026 (end of the day).
DUE = local(2026, 4, 30, 23, 59)


def times(slots: list[Slot], kind: str | None = None) -> list[tuple[dt.datetime, int]]:
    return [(s.at, s.offset_days) for s in slots if kind is None or s.kind == kind]


# --- the calendar ------------------------------------------------------------------------


def test_reformation_day_is_a_holiday_in_lower_saxony_but_not_in_north_rhine_westphalia() -> None:
    reformation_day = dt.date(2025, 10, 31)  # a Friday
    assert reformation_day in holidays_of("NI", 2025)
    assert not is_working_day(reformation_day, state="NI")
    assert is_working_day(reformation_day, state="NW")


def test_unknown_or_missing_state_uses_the_nationwide_holidays() -> None:
    for state in ("", "XX", "ni-"):
        assert dt.date(2026, 10, 3) in holidays_of(state, 2026)  # German Unity Day
        assert dt.date(2025, 10, 31) not in holidays_of(state, 2025)
    assert holidays_of("ni", 2025) == holidays_of("NI", 2025)


def test_weekends_are_no_working_days() -> None:
    assert is_working_day(dt.date(2026, 4, 17), state="NI")  # Friday
    assert not is_working_day(dt.date(2026, 4, 18), state="NI")
    assert not is_working_day(dt.date(2026, 4, 19), state="NI")


# --- slots -------------------------------------------------------------------------------


def test_reminders_at_send_time_before_the_due_date_and_escalation_after_the_holiday() -> None:
    slots = slots_for(RULES, DUE, state="NI", until=local(2026, 5, 4, 8))
    assert times(slots, REMINDER) == [
        (local(2026, 4, 16, 8), 14),
        (local(2026, 4, 23, 8), 7),
        (local(2026, 4, 29, 8), 1),
    ]
    # 1 May is Labour Day (a Friday): the first escalation waits for Monday 4 May; the
    # list ends with the first escalation after the horizon.
    assert times(slots, ESCALATION) == [(local(2026, 5, 4, 8), 1), (local(2026, 5, 8, 8), 8)]
    assert [s.at for s in slots] == sorted(s.at for s in slots)


def test_reminder_on_a_weekend_moves_to_the_friday_before() -> None:
    slots = slots_for(RULES, local(2026, 5, 11, 12), state="NI", until=local(2026, 5, 1))
    assert times(slots, REMINDER) == [
        (local(2026, 4, 27, 8), 14),
        (local(2026, 5, 4, 8), 7),
        (local(2026, 5, 8, 8), 1),  # Sunday 10 May → Friday 8 May
    ]


def test_reminder_on_easter_monday_moves_before_good_friday() -> None:
    slots = slots_for(
        Rules(reminder_days=(1,)), local(2026, 4, 7, 12), state="NI", until=local(2026, 4, 1)
    )
    assert times(slots, REMINDER) == [(local(2026, 4, 2, 8), 1)]


@pytest.mark.parametrize(
    ("state", "expected"),
    [("NI", local(2025, 10, 30, 8)), ("NW", local(2025, 10, 31, 8))],
)
def test_reminder_on_reformation_day_moves_only_where_it_is_a_holiday(
    state: str, expected: dt.datetime
) -> None:
    slots = slots_for(
        Rules(reminder_days=(1,)), local(2025, 11, 1, 12), state=state, until=local(2025, 10, 1)
    )
    assert times(slots, REMINDER) == [(expected, 1)]


def test_reminder_on_german_unity_day_moves_to_the_day_before() -> None:
    slots = slots_for(
        Rules(reminder_days=(1,)), local(2025, 10, 4, 12), state="", until=local(2025, 10, 1)
    )
    assert times(slots, REMINDER) == [(local(2025, 10, 2, 8), 1)]


def test_without_working_days_only_nothing_moves() -> None:
    rules = Rules(reminder_days=(1,), working_days_only=False)
    slots = slots_for(rules, local(2026, 4, 7, 12), state="NI", until=local(2026, 4, 7))
    assert times(slots) == [(local(2026, 4, 6, 8), 1), (local(2026, 4, 8, 8), 1)]


def test_send_time_is_local_time_on_both_sides_of_the_clock_change() -> None:
    # Easter 2026 is 5 April; 14 days before is Sunday 22 March → Friday 20 March (CET),
    # 1 day before is Saturday 4 April → Thursday 2 April (CEST, Good Friday skipped).
    rules = Rules(reminder_days=(14, 1), send_time=dt.time(9, 30))
    slots = slots_for(rules, local(2026, 4, 5, 12), state="NI", until=local(2026, 3, 1))
    reminders = [s.at for s in slots if s.kind == REMINDER]
    assert [at.astimezone(dt.UTC) for at in reminders] == [
        dt.datetime(2026, 3, 20, 8, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 2, 7, 30, tzinfo=dt.UTC),
    ]


def test_escalation_repeats_until_just_after_the_horizon() -> None:
    slots = slots_for(RULES, DUE, state="NI", until=local(2026, 5, 29, 8))
    assert times(slots, ESCALATION) == [
        (local(2026, 5, 4, 8), 1),
        (local(2026, 5, 8, 8), 8),
        (local(2026, 5, 15, 8), 15),
        (local(2026, 5, 22, 8), 22),
        (local(2026, 5, 29, 8), 29),
        (local(2026, 6, 5, 8), 36),
    ]


def test_without_repeat_there_is_one_escalation() -> None:
    rules = Rules(escalation_after_days=3, escalation_repeat_days=0)
    slots = slots_for(rules, DUE, state="NI", until=local(2027, 1, 1))
    assert times(slots, ESCALATION) == [(local(2026, 5, 4, 8), 3)]  # Sunday 3 May → Monday


def test_escalation_on_the_due_day_waits_until_the_task_is_overdue() -> None:
    rules = Rules(escalation_after_days=0, escalation_repeat_days=0)
    morning_due = slots_for(rules, local(2026, 4, 29, 0, 0), state="NI", until=local(2027, 1, 1))
    evening_due = slots_for(rules, local(2026, 4, 29, 18), state="NI", until=local(2027, 1, 1))
    assert times(morning_due, ESCALATION) == [(local(2026, 4, 29, 8), 0)]
    assert times(evening_due, ESCALATION) == [(local(2026, 4, 30, 8), 0)]


def test_reminder_not_before_a_due_time_earlier_than_the_send_time() -> None:
    # Offset 0 would fall on the due day at 08:00, after a due time of 07:00.
    slots = slots_for(
        Rules(reminder_days=(1, 0)), local(2026, 4, 29, 7), state="NI", until=local(2026, 4, 1)
    )
    assert times(slots, REMINDER) == [(local(2026, 4, 28, 8), 1)]


def test_rules_of_a_policy_take_its_values_and_ignore_nonsense_days() -> None:
    assert Rules.of(ReminderPolicy()) == RULES
    policy = ReminderPolicy(
        reminder_days=[3, "7", 0, True, 10, 3, -1],
        escalation_after_days=2,
        escalation_repeat_days=0,
        send_time=dt.time(7, 15),
        working_days_only=False,
    )
    assert Rules.of(policy) == Rules(
        reminder_days=(10, 3),
        escalation_after_days=2,
        escalation_repeat_days=0,
        send_time=dt.time(7, 15),
        working_days_only=False,
    )
    assert Rules.of(ReminderPolicy(reminder_days={"14": True})).reminder_days == ()


# --- deciding ----------------------------------------------------------------------------

SLOT_14, SLOT_7, SLOT_1 = local(2026, 4, 16, 8), local(2026, 4, 23, 8), local(2026, 4, 29, 8)
ESCALATION_1 = local(2026, 5, 4, 8)
MINUTE = dt.timedelta(minutes=1)


def decide(now: dt.datetime, last_slot_at: dt.datetime | None) -> tuple[object, object]:
    decision = deadline_decide(RULES, due_at=DUE, state="NI", last_slot_at=last_slot_at, now=now)
    slot = decision.slot
    return (slot and (slot.kind, slot.offset_days)), decision.next_check_at


@pytest.mark.parametrize(
    ("at", "offset", "previous", "following"),
    [
        (SLOT_14, 14, None, SLOT_7),
        (SLOT_7, 7, SLOT_14, SLOT_1),
        (SLOT_1, 1, SLOT_7, ESCALATION_1),
    ],
)
def test_before_at_and_after_each_reminder(
    at: dt.datetime, offset: int, previous: dt.datetime | None, following: dt.datetime
) -> None:
    # The sweep before the slot: nothing new, look again at the slot.
    assert decide(at - MINUTE, previous) == (None, at)
    # At the slot: send it, look again at the next one.
    assert decide(at, previous) == ((REMINDER, offset), following)
    # A little later (the sweep ran late): still this one, once.
    assert decide(at + dt.timedelta(hours=3), previous) == ((REMINDER, offset), following)
    # Once it is sent, nothing more until the next slot.
    assert decide(at + dt.timedelta(hours=3), at) == (None, following)


def test_escalation_after_the_due_time_then_weekly() -> None:
    assert decide(DUE + MINUTE, SLOT_1) == (None, ESCALATION_1)
    assert decide(ESCALATION_1, SLOT_1) == ((ESCALATION, 1), local(2026, 5, 8, 8))
    assert decide(local(2026, 5, 8, 8), ESCALATION_1) == ((ESCALATION, 8), local(2026, 5, 15, 8))


def test_catch_up_sends_only_the_latest_missed_slot() -> None:
    # The scheduler was down from before the 14-day slot until after the 1-day slot.
    assert decide(SLOT_1 + dt.timedelta(hours=5), None) == ((REMINDER, 1), ESCALATION_1)
    # Down over the 7- and 1-day slots, after the 14-day one went out.
    assert decide(SLOT_1 + MINUTE, SLOT_14) == ((REMINDER, 1), ESCALATION_1)
    # Down for weeks after the due date: one escalation, the latest.
    assert decide(local(2026, 5, 20, 10), SLOT_7) == ((ESCALATION, 15), local(2026, 5, 22, 8))


def test_nothing_left_after_the_single_escalation() -> None:
    rules = Rules(escalation_repeat_days=0)
    decision = deadline_decide(
        rules, due_at=DUE, state="NI", last_slot_at=ESCALATION_1, now=local(2026, 6, 1)
    )
    assert decision.slot is None
    assert decision.next_check_at is None


def test_reminders_moved_onto_the_same_day_are_sent_once_the_nearest() -> None:
    # Due Tuesday after Easter: the 2- and 1-day reminders both fall on Thursday 2 April.
    rules = Rules(reminder_days=(2, 1), escalation_repeat_days=0)
    slots = slots_for(rules, local(2026, 4, 7, 12), state="NI", until=local(2026, 4, 2, 9))
    assert times(slots, REMINDER) == [(local(2026, 4, 2, 8), 2), (local(2026, 4, 2, 8), 1)]
    first = slot_decide(slots, last_slot_at=None, now=local(2026, 4, 2, 9))
    assert first.slot is not None
    assert first.slot.offset_days == 1
    second = slot_decide(slots, last_slot_at=first.slot.at, now=local(2026, 4, 2, 9, 1))
    assert second.slot is None


def test_escalations_moved_onto_the_same_monday_count_the_most_days() -> None:
    rules = Rules(escalation_after_days=1, escalation_repeat_days=1)
    # Due Friday 8 May: Saturday (1), Sunday (2) and Monday (3) all fall on Monday 11 May.
    slots = slots_for(rules, local(2026, 5, 8, 12), state="NI", until=local(2026, 5, 11, 9))
    decision = slot_decide(slots, last_slot_at=None, now=local(2026, 5, 11, 9))
    assert decision.slot == Slot(at=local(2026, 5, 11, 8), kind=ESCALATION, offset_days=3)
    assert decision.next_check_at == local(2026, 5, 12, 8)
