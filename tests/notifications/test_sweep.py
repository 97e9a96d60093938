"""The reminder sweep with frozen time: each reminder once, at its slot, never after done."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import (
    Deadline,
    DeadlineState,
    Notification,
    NotificationKind,
    Reminder,
    ReminderKind,
    TaskKind,
)
from notifications.services.deadlines import deadline_extend, end_of_day
from notifications.services.notify import EMAIL_TOPIC
from notifications.services.sweep import SweepResult, deadline_sweep
from planning_cycle.models import Department, User
from tests.support.notifications import DeadlineFactory, ReminderPolicyFactory
from tests.support.world import World, build_world
from workflows.models import DepartmentReview, OutboxMessage
from workflows.services.transitions import transition_fire

BERLIN = ZoneInfo("Europe/Berlin")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


# The world's cycle is built on 1 April 2026; its goal reviews are due on Thursday 30 April
# (end of the day, Kreis Soest's calendar): reminders on 16, 23 and 29 April at 08:00.
# 1 May (Labour Day) is a Friday, so the first escalation goes out on Monday 4 May.
START = local(2026, 4, 1, 9)
SLOT_14, SLOT_7, SLOT_1 = local(2026, 4, 16, 8), local(2026, 4, 23, 8), local(2026, 4, 29, 8)
ESCALATION_1, ESCALATION_8 = local(2026, 5, 4, 8), local(2026, 5, 8, 8)
MINUTE = dt.timedelta(minutes=1)


def sweep_at(when: dt.datetime, **kwargs: Any) -> SweepResult:
    with time_machine.travel(when, tick=False):
        return deadline_sweep(**kwargs)


def at(when: dt.datetime, action: Callable[[], Any]) -> Any:
    with time_machine.travel(when, tick=False):
        return action()


@pytest.fixture
def world(db: None) -> World:
    """The shared world, built (and its deadlines opened) on START."""
    with time_machine.travel(START, tick=False):
        world = build_world()
    return world


def review_of(world: World, department: Department | None = None) -> DepartmentReview:
    return DepartmentReview.objects.get(
        cycle=world.cycle, department=department or world.department
    )


def submit_deadline(world: World, department: Department | None = None) -> Deadline:
    review = review_of(world, department)
    return Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(DepartmentReview),
        object_id=review.pk,
        kind=TaskKind.REVIEW_SUBMIT,
    )


def sent(deadline: Deadline) -> list[tuple[str, int]]:
    return [
        (r.kind, r.offset_days) for r in Reminder.objects.filter(deadline=deadline).order_by("id")
    ]


def inbox(user: User, deadline: Deadline) -> list[tuple[str, int]]:
    return [
        (n.kind, n.data["offset_days"])
        for n in Notification.objects.filter(recipient=user, deadline=deadline).order_by("id")
    ]


# --- timing ------------------------------------------------------------------------------


def test_the_world_opens_review_deadlines_to_be_checked_at_once(world: World) -> None:
    deadline = submit_deadline(world)
    assert deadline.due_at == local(2026, 4, 30, 23, 59)
    assert deadline.next_check_at == START
    assert deadline.last_slot_at is None


def test_one_reminder_at_each_slot_none_before_none_twice(world: World) -> None:
    deadline = submit_deadline(world)
    head, editor = world.users["department_head"], world.users["department_editor"]
    sweep_at(START)
    deadline.refresh_from_db()
    assert deadline.next_check_at == SLOT_14
    assert sent(deadline) == []

    for slot, offset in ((SLOT_14, 14), (SLOT_7, 7), (SLOT_1, 1)):
        sweep_at(slot - MINUTE)
        assert len(sent(deadline)) == [14, 7, 1].index(offset), "nothing before the slot"
        sweep_at(slot)
        sweep_at(slot + MINUTE)
        sweep_at(slot + dt.timedelta(hours=6))
    assert sent(deadline) == [
        (ReminderKind.REMINDER, 14),
        (ReminderKind.REMINDER, 7),
        (ReminderKind.REMINDER, 1),
    ]
    reminder = NotificationKind.REMINDER
    for user in (head, editor):
        assert inbox(user, deadline) == [(reminder, 14), (reminder, 7), (reminder, 1)]
    # Management hears nothing before the task is overdue.
    assert inbox(world.users["management"], deadline) == []
    deadline.refresh_from_db()
    assert deadline.last_slot_at == SLOT_1
    assert deadline.next_check_at == ESCALATION_1


def test_reminder_records_its_slot_and_queues_one_email_per_notification(world: World) -> None:
    deadline = submit_deadline(world)
    sweep_at(START)
    result = sweep_at(SLOT_14 + dt.timedelta(minutes=3))
    # Three departments' reviews; the third department has nobody to tell.
    assert result == SweepResult(deadlines=3, reminders=3, escalations=0, notifications=3)
    reminder = Reminder.objects.get(deadline=deadline)
    assert reminder.due_at == deadline.due_at
    assert reminder.scheduled_for == SLOT_14
    assert reminder.sent_at == SLOT_14 + dt.timedelta(minutes=3)
    notifications = Notification.objects.filter(reminder=reminder)
    assert {n.source_key for n in notifications} == {f"reminder:{reminder.pk}"}
    assert {n.recipient for n in notifications} == {
        world.users["department_head"],
        world.users["department_editor"],
    }
    emails = OutboxMessage.objects.filter(topic=EMAIL_TOPIC)
    assert sorted(m.payload["notification_id"] for m in emails) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )


def test_nothing_is_sent_when_the_task_is_done_before_the_reminder(world: World) -> None:
    deadline = submit_deadline(world)
    sweep_at(START)
    review = review_of(world)
    at(
        local(2026, 4, 10, 11),
        lambda: transition_fire(
            acting_user=world.users["department_head"], obj=review, transition="submit"
        ),
    )
    for when in (SLOT_14, SLOT_7, SLOT_1, ESCALATION_1, ESCALATION_8):
        sweep_at(when)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.DONE
    assert sent(deadline) == []
    assert Notification.objects.filter(deadline=deadline).count() == 0
    # The other departments' reviews were not submitted: they were reminded and escalated.
    assert sent(submit_deadline(world, world.departments[1])) == [
        (ReminderKind.REMINDER, 14),
        (ReminderKind.REMINDER, 7),
        (ReminderKind.REMINDER, 1),
        (ReminderKind.ESCALATION, 1),
        (ReminderKind.ESCALATION, 8),
    ]


def test_reminders_stop_once_the_task_is_done(world: World) -> None:
    deadline = submit_deadline(world)
    sweep_at(START)
    sweep_at(SLOT_14)
    review = review_of(world)
    at(
        local(2026, 4, 20, 15),
        lambda: transition_fire(
            acting_user=world.users["department_head"], obj=review, transition="submit"
        ),
    )
    for when in (SLOT_7, SLOT_1, ESCALATION_1, ESCALATION_8):
        sweep_at(when)
    assert sent(deadline) == [(ReminderKind.REMINDER, 14)]
    assert inbox(world.users["department_head"], deadline) == [(NotificationKind.REMINDER, 14)]


def test_overdue_task_escalates_to_management_and_strategy_unit_weekly(world: World) -> None:
    deadline = submit_deadline(world)
    sweep_at(START)
    sweep_at(SLOT_1)
    sweep_at(local(2026, 5, 1, 8))  # Labour Day: not yet
    assert sent(deadline)[-1] == (ReminderKind.REMINDER, 1)
    sweep_at(ESCALATION_1)
    sweep_at(ESCALATION_1 + dt.timedelta(hours=1))
    sweep_at(local(2026, 5, 7, 8))  # not before the week is over
    sweep_at(ESCALATION_8)
    assert sent(deadline) == [
        (ReminderKind.REMINDER, 1),
        (ReminderKind.ESCALATION, 1),
        (ReminderKind.ESCALATION, 8),
    ]
    escalation = NotificationKind.ESCALATION
    for role in ("department_head", "department_editor", "management", "strategy_unit"):
        assert inbox(world.users[role], deadline)[-2:] == [(escalation, 1), (escalation, 8)]
    # Management was not reminded before the due time, only told of the overdue task.
    assert inbox(world.users["management"], deadline) == [(escalation, 1), (escalation, 8)]
    assert inbox(world.users["council_member"], deadline) == []
    deadline.refresh_from_db()
    assert deadline.next_check_at == local(2026, 5, 15, 8)


def test_catch_up_after_the_scheduler_was_down_sends_only_the_latest(world: World) -> None:
    deadline = submit_deadline(world)
    sweep_at(START)
    # Down from 2 April until the afternoon before the due date: one reminder, the last.
    result = sweep_at(local(2026, 4, 29, 15))
    assert result.reminders == 3  # one per department's review
    assert sent(deadline) == [(ReminderKind.REMINDER, 1)]
    assert inbox(world.users["department_head"], deadline) == [(NotificationKind.REMINDER, 1)]
    # Down again for three weeks after the due date: one escalation, the latest.
    sweep_at(local(2026, 5, 20, 10))
    assert sent(deadline) == [(ReminderKind.REMINDER, 1), (ReminderKind.ESCALATION, 15)]


def test_the_body_policy_decides_days_and_send_time(world: World) -> None:
    ReminderPolicyFactory(
        body=world.body, reminder_days=[3], send_time=dt.time(10, 0), escalation_repeat_days=0
    )
    deadline = submit_deadline(world)
    sweep_at(START)
    sweep_at(SLOT_14)
    sweep_at(local(2026, 4, 27, 9, 59))
    assert sent(deadline) == []
    sweep_at(local(2026, 4, 27, 10))
    sweep_at(local(2026, 5, 4, 10))
    sweep_at(local(2026, 6, 4, 10))
    assert sent(deadline) == [(ReminderKind.REMINDER, 3), (ReminderKind.ESCALATION, 1)]
    deadline.refresh_from_db()
    assert deadline.next_check_at is None  # no repeat: nothing left to check


def test_changing_the_send_time_after_a_reminder_does_not_send_it_again(world: World) -> None:
    policy = ReminderPolicyFactory(body=world.body)
    deadline = submit_deadline(world)
    sweep_at(START)
    sweep_at(SLOT_14)
    policy.send_time = dt.time(9, 0)
    policy.save()
    # Looked at again at 08:00 on 23 April, the 14-day slot lies at 09:00 on 16 April,
    # after the one sent: it is passed over (not refused by the unique constraint, which
    # would roll back the whole sweep), and the 7-day one follows at 09:00.
    result = sweep_at(SLOT_7)
    assert result == SweepResult(deadlines=3)
    assert sent(deadline) == [(ReminderKind.REMINDER, 14)]
    deadline.refresh_from_db()
    assert deadline.last_slot_at == local(2026, 4, 16, 9)
    assert deadline.next_check_at == local(2026, 4, 23, 9)
    sweep_at(local(2026, 4, 23, 9))
    assert sent(deadline) == [(ReminderKind.REMINDER, 14), (ReminderKind.REMINDER, 7)]


def test_extension_rearms_the_reminders_for_the_new_due_time(world: World) -> None:
    deadline = submit_deadline(world)
    sweep_at(START)
    sweep_at(SLOT_1)
    new_due = end_of_day(dt.date(2026, 5, 31))  # a Sunday
    at(
        local(2026, 4, 29, 12),
        lambda: deadline_extend(
            acting_user=world.users["management"],
            deadline=deadline,
            new_due_at=new_due,
            reason="Personalausfall im Fachdienst",
        ),
    )
    sweep_at(local(2026, 4, 29, 12, 1))
    sweep_at(ESCALATION_1)  # the old due time escalates no more
    assert sent(deadline) == [(ReminderKind.REMINDER, 1)]
    deadline.refresh_from_db()
    # 14 days before is Sunday 17 May: moved to Friday 15 May.
    assert deadline.next_check_at == local(2026, 5, 15, 8)
    for when in (local(2026, 5, 15, 8), local(2026, 5, 22, 8), local(2026, 5, 29, 8)):
        sweep_at(when)
    reminders = list(Reminder.objects.filter(deadline=deadline).order_by("id"))
    assert [(r.offset_days, r.due_at) for r in reminders] == [
        (1, local(2026, 4, 30, 23, 59)),
        (14, new_due),
        (7, new_due),
        (1, new_due),  # the same offset again, for the new due time
    ]
    assert inbox(world.users["department_head"], deadline) == [
        (NotificationKind.REMINDER, 1),
        (NotificationKind.REMINDER, 14),
        (NotificationKind.REMINDER, 7),
        (NotificationKind.REMINDER, 1),
    ]


def test_batch_size_takes_the_longest_waiting_first(world: World) -> None:
    sweep_at(START)
    first = sweep_at(SLOT_1, batch_size=2)
    assert first.deadlines == 2
    rest = sweep_at(SLOT_1 + MINUTE, batch_size=2)
    assert rest.deadlines == 1
    assert Reminder.objects.filter(offset_days=1).count() == 3


# --- queries -----------------------------------------------------------------------------


def _due_deadlines(world: World, count: int, start_id: int) -> None:
    """Create `count` deadlines due for a reminder and `count` for an escalation at SLOT_1."""
    review = review_of(world, world.departments[1])  # one department head
    for i in range(count):
        DeadlineFactory(
            review=review,
            object_id=start_id + i,
            due_at=local(2026, 4, 30, 23, 59),
            next_check_at=SLOT_1 - MINUTE,
        )
        # Overdue, of a department without users: management and strategy unit are told.
        DeadlineFactory(
            review=review,
            department=world.departments[2],
            object_id=start_id + i,
            kind=TaskKind.PLAN_SUBMIT,
            due_at=local(2026, 4, 20, 23, 59),
            next_check_at=SLOT_1 - MINUTE,
        )


def test_query_count_does_not_grow_with_the_number_of_due_reminders(world: World) -> None:
    sweep_at(START)
    sweep_at(SLOT_1)  # the world's own reviews are reminded; next look on 4 May
    counts = {}
    for count, start_id in ((1, 10_000), (25, 20_000)):
        _due_deadlines(world, count, start_id)
        with CaptureQueriesContext(connection) as ctx:
            result = sweep_at(SLOT_1 + MINUTE * count)  # a later minute: a fresh sweep
        # Each reminder tells one department head, each escalation management and the
        # strategy unit.
        assert result == SweepResult(
            deadlines=2 * count, reminders=count, escalations=count, notifications=3 * count
        )
        counts[count] = len(ctx.captured_queries)
    assert counts[1] == counts[25], counts
    # Lock, policies, reminders (passing over sent slots), 2 x recipients, notifications
    # with their e-mails, deadline update; and the savepoint pair of the transaction inside
    # the test's. Elsewhere than on PostgreSQL the sent check, the notifications and the
    # e-mails are a query each.
    assert counts[1] <= (9 if connection.vendor == "postgresql" else 11), counts


def test_a_sweep_with_nothing_due_costs_one_query(world: World) -> None:
    sweep_at(START)
    with CaptureQueriesContext(connection) as ctx:
        assert sweep_at(START + MINUTE) == SweepResult()
    assert len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]) == 1


# --- two sweepers at once (PostgreSQL) -----------------------------------------------------

TIMEOUT = 10


@pytest.fixture
def race_world(transactional_db: None) -> World:
    with time_machine.travel(START, tick=False):
        world = build_world(key="sweep-race", departments=20)
    sweep_at(START)
    return world


def _after_lock(
    locked: threading.Event,
    wait_for: threading.Event | None = None,
    timed_out: list[bool] | None = None,
) -> Callable[..., Any]:
    """An execute wrapper: after the sweep's locking SELECT, tell so (and wait for the other)."""

    def wrapper(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        result = execute(sql, *args)
        if "FOR UPDATE" in sql:
            locked.set()
            if wait_for is not None and not wait_for.wait(TIMEOUT) and timed_out is not None:
                timed_out.append(True)
        return result

    return wrapper


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SKIP LOCKED needs PostgreSQL (set DATABASE_URL, or run `make test` with it)",
)
@pytest.mark.django_db(transaction=True)
def test_a_second_sweeper_skips_the_rows_the_first_holds(race_world: World) -> None:
    # 20 review and 20 plan deadlines; the reviews are due for their 1-day reminder.
    a_locked, b_selected = threading.Event(), threading.Event()
    results: dict[str, SweepResult] = {}
    errors: list[BaseException] = []
    b_waited = {"waited": False}
    a_timed_out: list[bool] = []

    def sweeper(name: str) -> None:
        try:
            if name == "a":
                # A holds its rows locked until B's SELECT has returned.
                with connection.execute_wrapper(_after_lock(a_locked, b_selected, a_timed_out)):
                    results[name] = deadline_sweep(now=SLOT_1, batch_size=12)
            else:
                b_waited["waited"] = not a_locked.wait(TIMEOUT)
                with connection.execute_wrapper(_after_lock(b_selected)):
                    results[name] = deadline_sweep(now=SLOT_1, batch_size=12)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(3 * TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a sweeper hangs"
    assert errors == []
    assert not b_waited["waited"]
    # B's SELECT returned while A still held its 12 rows (it did not wait for them):
    # B took the other 8, none twice.
    assert a_timed_out == []
    assert results["a"].deadlines == 12
    assert results["b"].deadlines == 8
    assert results["a"].reminders + results["b"].reminders == 20
    counts = Reminder.objects.values_list("deadline_id", flat=True)
    assert len(counts) == len(set(counts)) == 20


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SKIP LOCKED needs PostgreSQL (set DATABASE_URL, or run `make test` with it)",
)
@pytest.mark.django_db(transaction=True)
def test_sweepers_racing_send_each_reminder_once(race_world: World) -> None:
    sweepers = 4
    barrier = threading.Barrier(sweepers, timeout=TIMEOUT)
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def sweeper() -> None:
        try:
            barrier.wait()
            for minute in range(3):
                results.append(deadline_sweep(now=SLOT_1 + MINUTE * minute, batch_size=7))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(sweepers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(3 * TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a sweeper hangs"
    assert errors == []
    assert sum(r.reminders for r in results) == 20
    keys = list(Reminder.objects.values_list("deadline_id", "kind", "offset_days", "due_at"))
    assert len(keys) == len(set(keys)) == 20
    sources = list(Notification.objects.values_list("recipient_id", "source_key"))
    assert len(sources) == len(set(sources)) == sum(r.notifications for r in results) > 0
