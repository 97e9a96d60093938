"""How fast the reminder sweep is, compared with the least the database must do.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planning_cycle .venv/bin/python \\
        benchmarks/sweep.py

Without DATABASE_URL it runs on an in-memory SQLite database. It creates its own scratch
database (on PostgreSQL `planning_cycle_bench_sweep_<pid>`) and drops it at the end. The
world: one body (Niedersachsen), 200 departments with a head each, management and the
strategy unit, and BENCH_DEADLINES (100,000) open deadlines of which BENCH_DUE (1,000)
are due: four in five for their 1-day reminder (the 14- and 7-day ones were sent), one
in five for a weekly escalation (reminders and the first escalation were sent).
Prints on stdout (details go to stderr):

    BENCH sweep_floor_ms <ms> ms            raw SQL: SELECT the due rows ... FOR UPDATE
                                            SKIP LOCKED in a transaction, rolled back
    BENCH sweep_ms <ms> ms                  deadline_sweep over the same rows: reminders,
                                            notifications, e-mail outbox rows, next checks
    BENCH sweep_ratio <sweep/floor> x
    BENCH sweep_queries <n> queries         statements of one sweep of BENCH_DUE deadlines
    BENCH sweep_queries_10_due <n> queries  the same with 10 due: it does not grow

Each time is the best of BENCH_RUNS (5) runs; floor and sweep runs alternate, and the
due rows are reset between runs. BENCH_PROFILE=1 prints a cProfile of one sweep.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from _common import (
    PROFILE,
    SqlTimer,
    bench,
    best_of_interleaved,
    create_body,
    create_departments,
    database_label,
    env_int,
    log,
    log_profile,
    scratch_database,
    setup_django,
)

setup_django()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

DEADLINES = env_int("BENCH_DEADLINES", 100000)
DUE = env_int("BENCH_DUE", 1000)
RUNS = env_int("BENCH_RUNS", 5)
DEPARTMENTS = 200

BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 29 April 2026, 10:00: the 1-day reminders of a task due on Thursday went out
# at 08:00; a task due on Monday 20 April is escalated for the second time (28 April).
NOW = dt.datetime(2026, 4, 29, 10, tzinfo=BERLIN)
REMINDER_DUE_AT = dt.datetime(2026, 4, 30, 23, 59, tzinfo=BERLIN)
REMINDER_CHECK, REMINDER_LAST = (
    dt.datetime(2026, 4, 29, 8, tzinfo=BERLIN),
    dt.datetime(2026, 4, 23, 8, tzinfo=BERLIN),
)
ESCALATION_DUE_AT = dt.datetime(2026, 4, 20, 23, 59, tzinfo=BERLIN)
ESCALATION_CHECK, ESCALATION_LAST = (
    dt.datetime(2026, 4, 28, 8, tzinfo=BERLIN),
    dt.datetime(2026, 4, 22, 8, tzinfo=BERLIN),
)
FLOOR_SQL = (
    "SELECT * FROM notifications_deadline WHERE state = 'open' AND next_check_at <= %s "
    "ORDER BY next_check_at, id LIMIT %s"
)
LOCK_SQL = " FOR UPDATE SKIP LOCKED"  # SQLite has no row locks (one writer)


class World:
    """One body with departments, their heads, management, and the open deadlines."""

    def __init__(self) -> None:
        from notifications.models import Audience, Deadline, TaskKind
        from planning_cycle.models import Role, User
        from planning_cycle.services.audit import SYSTEM
        from planning_cycle.services.roles import role_assign
        from workflows.models import DepartmentReview

        start = time.perf_counter()
        self.body = create_body("NI")
        departments = create_departments(self.body, DEPARTMENTS)
        users = User.objects.bulk_create(
            User(username=f"user{i}", email=f"user{i}@example.org", body=self.body)
            for i in range(DEPARTMENTS + 2)
        )
        for user, department in zip(users, departments, strict=False):
            role_assign(acting_user=SYSTEM, user=user, role=Role.DEPARTMENT_HEAD, scope=department)
        role_assign(acting_user=SYSTEM, user=users[-2], role=Role.MANAGEMENT)
        role_assign(acting_user=SYSTEM, user=users[-1], role=Role.STRATEGY_UNIT)
        ctype = ContentType.objects.get_for_model(DepartmentReview)
        later = dt.datetime(2026, 6, 30, 23, 59, tzinfo=BERLIN)
        rows = []
        for i in range(DEADLINES):
            due = i < DUE
            escalation = due and i % 5 == 0
            if escalation:
                due_at, check, last = ESCALATION_DUE_AT, ESCALATION_CHECK, ESCALATION_LAST
            elif due:
                due_at, check, last = REMINDER_DUE_AT, REMINDER_CHECK, REMINDER_LAST
            else:
                # Not due: next checks spread over the coming weeks.
                due_at, check, last = later, NOW + dt.timedelta(minutes=1 + i % 40_000), None
            rows.append(
                Deadline(
                    body=self.body,
                    department=departments[i % DEPARTMENTS],
                    kind=TaskKind.REVIEW_SUBMIT,
                    audience=Audience.DEPARTMENT,
                    content_type=ctype,
                    object_id=i + 1,
                    url_path=f"/zielbilanzierungen/{i + 1}/",
                    due_at=due_at,
                    opened_at=dt.datetime(2026, 4, 1, 9, tzinfo=BERLIN),
                    next_check_at=check,
                    last_slot_at=last,
                )
            )
        Deadline.objects.bulk_create(rows, batch_size=5000)
        due_rows = Deadline.objects.filter(next_check_at__lte=NOW).order_by("id")
        self.due_ids = list(due_rows.values_list("id", flat=True))
        self.escalation_ids = list(
            due_rows.filter(due_at=ESCALATION_DUE_AT).values_list("id", flat=True)
        )
        self.reminder_ids = sorted(set(self.due_ids) - set(self.escalation_ids))
        self._earlier_reminders()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        log(
            f"  world: {DEADLINES} open deadlines, {len(self.due_ids)} due "
            f"({len(self.escalation_ids)} escalations), {time.perf_counter() - start:.1f} s"
        )

    def _earlier_reminders(self) -> None:
        """Record what earlier sweeps sent the due deadlines, as the sent check reads it."""
        from notifications.models import Reminder, ReminderKind

        sent_before = [(ReminderKind.REMINDER, 14), (ReminderKind.REMINDER, 7)]
        rows = []
        for ids, due_at, slots in (
            (self.reminder_ids, REMINDER_DUE_AT, sent_before),
            (
                self.escalation_ids,
                ESCALATION_DUE_AT,
                [*sent_before, (ReminderKind.REMINDER, 1), (ReminderKind.ESCALATION, 1)],
            ),
        ):
            for pk in ids:
                for kind, days in slots:
                    sign = -1 if kind == ReminderKind.REMINDER else 1
                    at = due_at.replace(hour=8, minute=0) + dt.timedelta(days=sign * days)
                    rows.append(
                        Reminder(
                            body=self.body,
                            deadline_id=pk,
                            kind=kind,
                            offset_days=days,
                            due_at=due_at,
                            scheduled_for=at,
                            sent_at=at,
                        )
                    )
        Reminder.objects.bulk_create(rows, batch_size=5000)

    def reset(self, due: int | None = None) -> None:
        """Undo a sweep: drop what it wrote, make the first `due` (all) due rows due again."""
        from notifications.models import Deadline, Notification, Reminder
        from workflows.models import OutboxMessage

        Notification.objects.all()._raw_delete(Notification.objects.db)  # type: ignore[attr-defined]
        OutboxMessage.objects.all()._raw_delete(OutboxMessage.objects.db)  # type: ignore[attr-defined]
        # The sweep's own reminders carry its time; earlier ones stay.
        Reminder.objects.filter(sent_at=NOW)._raw_delete(Reminder.objects.db)  # type: ignore[attr-defined]
        keep = set(self.due_ids[: DUE if due is None else due])
        for ids, check, last in (
            (self.reminder_ids, REMINDER_CHECK, REMINDER_LAST),
            (self.escalation_ids, ESCALATION_CHECK, ESCALATION_LAST),
        ):
            Deadline.objects.filter(pk__in=[i for i in ids if i in keep]).update(
                next_check_at=check, last_slot_at=last
            )
            # Rows not wanted due this time wait until after NOW.
            Deadline.objects.filter(pk__in=[i for i in ids if i not in keep]).update(
                next_check_at=NOW + dt.timedelta(days=1), last_slot_at=last
            )


def floor_run(world: World) -> float:
    """Raw SQL: select and lock the due rows, in a transaction that is rolled back; in ms."""
    world.reset()
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        lock = LOCK_SQL if connection.vendor == "postgresql" else ""
        cursor.execute(FLOOR_SQL + lock, [connection.ops.adapt_datetimefield_value(NOW), 2000])
        rows = cursor.fetchall()
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - start
    assert len(rows) == DUE, len(rows)
    return elapsed * 1e3


def sweep_run(world: World) -> float:
    """One deadline_sweep over the due rows; in ms."""
    from notifications.services.sweep import deadline_sweep

    world.reset()
    start = time.perf_counter()
    result = deadline_sweep(now=NOW)
    elapsed = time.perf_counter() - start
    assert result.deadlines == DUE, result
    assert result.reminders + result.escalations == DUE, result
    return elapsed * 1e3


def best_times(world: World) -> tuple[float, float]:
    """Warm up, then run floor and sweep alternately; return the best time of each in ms."""
    floor_run(world)
    sweep_run(world)  # warm-up: holiday cache, compiled queries
    best = best_of_interleaved(
        RUNS,
        {"floor": lambda: floor_run(world), "sweep": lambda: sweep_run(world)},
        "ms",
        ".1f",
        min,
    )
    return best["floor"], best["sweep"]


def queries_of_a_sweep(world: World, due: int) -> int:
    from notifications.services.sweep import deadline_sweep

    world.reset(due)
    with CaptureQueriesContext(connection) as ctx:
        result = deadline_sweep(now=NOW)
    assert result.deadlines == due, result
    for query in ctx.captured_queries:
        log(f"    {query['sql'][:100]}")
    return len(ctx.captured_queries)


def split_sweep(world: World) -> None:
    """Tell how much of a sweep is spent in SQL statements and how much in Python."""
    from notifications.services.sweep import deadline_sweep

    timer = SqlTimer()
    world.reset()
    start = time.perf_counter()
    with connection.execute_wrapper(timer):
        deadline_sweep(now=NOW)
    total = time.perf_counter() - start
    parts = ", ".join(f"{k} {v * 1e3:.0f}" for k, v in timer.seconds.items())
    log(f"  one sweep: {total * 1e3:.0f} ms = {timer.total * 1e3:.0f} ms SQL ({parts}) + Python")


def profile_sweep(world: World) -> None:
    """Log the time split of a sweep and a profile of one sweep."""
    from notifications.services.sweep import deadline_sweep

    split_sweep(world)
    world.reset()
    log_profile(lambda: deadline_sweep(now=NOW))


def main() -> None:
    with scratch_database("sweep"):
        log(
            f"benchmark on {database_label()}, "
            f"{DEADLINES} open deadlines, {DUE} due, best of {RUNS}"
        )
        world = World()
        floor, sweep = best_times(world)
        log(f"  queries of a sweep of {DUE} due deadlines:")
        queries = queries_of_a_sweep(world, DUE)
        log("  queries of a sweep of 10 due deadlines:")
        queries_10 = queries_of_a_sweep(world, 10)
        if PROFILE:
            profile_sweep(world)
    bench("sweep_floor_ms", floor, "ms", ".1f")
    bench("sweep_ms", sweep, "ms", ".1f")
    bench("sweep_ratio", sweep / floor, "x", ".1f")
    bench("sweep_queries", queries, "queries")
    bench("sweep_queries_10_due", queries_10, "queries")


if __name__ == "__main__":
    main()
