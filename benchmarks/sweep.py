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

    BENCH sweep_floor_ms <ms> ms            raw SQL doing the sweep's work in one transaction:
                                            SELECT the due rows ... FOR UPDATE SKIP LOCKED,
                                            INSERT the same reminders, notifications and
                                            e-mail outbox rows, UPDATE the next checks
    BENCH sweep_ms <ms> ms                  deadline_sweep over the same rows
    BENCH sweep_ratio <sweep/floor> x       target: at most 3
    BENCH sweep_queries <n> queries         statements of one sweep of BENCH_DUE deadlines
    BENCH sweep_queries_10_due <n> queries  the same with 10 due: it does not grow

The floor is given the sweep's decisions (which slot each due row sends, its next check:
two kinds of due rows, known in advance) and joins the recipients in the database. After
every run, floor or sweep, the rows written (reminders, notifications, outbox rows, the
due deadlines' next checks) are compared with those of the first run: both sides do the
same work, or the benchmark stops. Each time is the best of BENCH_RUNS (5) runs; floor and
sweep runs alternate, and the due rows are reset between runs (both commit). BENCH_PROFILE=1
prints the SQL/Python split and a cProfile of one sweep.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from typing import Any
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
from django.utils import timezone  # noqa: E402

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
# What the sweep decides for the two kinds of due rows (slot sent now, next check), known
# in advance; the floor writes it without computing schedules. A 1-day reminder at 08:00
# today; the first escalation would be 1 May, a holiday, so 4 May. The escalation of
# 28 April (8 days overdue); the next one on 5 May.
REMINDER_SLOT = ("reminder", 1, REMINDER_CHECK, dt.datetime(2026, 5, 4, 8, tzinfo=BERLIN))
ESCALATION_SLOT = ("escalation", 8, ESCALATION_CHECK, dt.datetime(2026, 5, 5, 8, tzinfo=BERLIN))
FOOTPRINT = ("reminders", "notifications", "outbox rows", "deadlines")
LOCK_SQL = " FOR UPDATE SKIP LOCKED"  # SQLite has no row locks (one writer)

# The floor: the sweep's writes as raw SQL, the database doing the joins. {in_ids} tests
# membership in the locked rows' ids (one parameter), {json} is the JSON object function.
FLOOR_SELECT_SQL = (
    "SELECT id FROM notifications_deadline WHERE state = 'open' AND next_check_at <= %s "
    "ORDER BY next_check_at, id LIMIT %s"
)
FLOOR_REMINDERS_SQL = """
    INSERT INTO notifications_reminder
        (body_id, deadline_id, kind, offset_days, due_at, scheduled_for, sent_at)
    SELECT body_id, id,
        CASE WHEN due_at = %(escalation_due)s THEN 'escalation' ELSE 'reminder' END,
        CASE WHEN due_at = %(escalation_due)s THEN {escalation_days} ELSE {reminder_days} END,
        due_at,
        CASE WHEN due_at = %(escalation_due)s THEN %(escalation_at)s ELSE %(reminder_at)s END,
        %(now)s
    FROM notifications_deadline WHERE id {in_ids}
"""
# Reminders tell the department's head and editors; escalations also management and the
# strategy unit. Active users of the body only, each once; e-mail as they chose.
FLOOR_NOTIFICATIONS_SQL = """
    INSERT INTO notifications_notification
        (body_id, recipient_id, kind, deadline_id, reminder_id, source_key, data, created_at,
         email_state)
    SELECT u.body_id, u.id, r.kind, r.deadline_id, r.id, 'reminder:' || r.id,
        {json}('offset_days', r.offset_days), %(created)s,
        CASE WHEN u.email = '' THEN 'none' WHEN p.email_mode IS NULL THEN 'queued'
            WHEN p.email_mode = 'immediate' THEN 'queued' WHEN p.email_mode = 'digest'
            THEN 'digest' ELSE 'none' END
    FROM (
        SELECT r.id AS reminder_id, a.user_id, a.body_id
        FROM notifications_deadline d
        JOIN notifications_reminder r ON r.deadline_id = d.id AND r.sent_at = %(now)s
        JOIN planning_cycle_roleassignment a ON a.department_id = d.department_id
        WHERE d.id {in_ids} AND d.audience = 'department'
            AND a.role IN ('department_head', 'department_editor')
        UNION
        SELECT r.id, a.user_id, a.body_id
        FROM notifications_deadline d
        JOIN notifications_reminder r ON r.deadline_id = d.id AND r.sent_at = %(now)s
        JOIN planning_cycle_roleassignment a ON a.body_id = d.body_id AND a.department_id IS NULL
        WHERE d.id {in_ids}
            AND (a.role = 'management' AND (d.audience = 'management' OR r.kind = 'escalation')
                 OR a.role = 'strategy_unit' AND r.kind = 'escalation')
    ) AS t
    JOIN notifications_reminder r ON r.id = t.reminder_id
    JOIN planning_cycle_user u ON u.id = t.user_id AND u.is_active AND u.body_id = t.body_id
    LEFT JOIN notifications_notificationpreference p ON p.user_id = u.id
"""
FLOOR_OUTBOX_SQL = """
    INSERT INTO workflows_outboxmessage (body_id, topic, payload, created_at, attempts, last_error)
    SELECT n.body_id, 'notification.email', {json}('notification_id', n.id), %(created)s, 0, ''
    FROM notifications_notification n
    JOIN notifications_reminder r ON r.id = n.reminder_id
    WHERE r.deadline_id {in_ids} AND r.sent_at = %(now)s AND n.email_state = 'queued'
"""
FLOOR_NEXT_CHECKS_SQL = """
    UPDATE notifications_deadline SET
        next_check_at = CASE WHEN due_at = %(escalation_due)s THEN %(escalation_next)s
            ELSE %(reminder_next)s END,
        last_slot_at = CASE WHEN due_at = %(escalation_due)s THEN %(escalation_at)s
            ELSE %(reminder_at)s END
    WHERE id {in_ids}
"""


class World:
    """One body with departments, their heads, management, and the open deadlines."""

    # What the first run wrote; every later run, floor or sweep, must write the same.
    expected: tuple[list[Any], ...] | None = None

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

    def footprint(self) -> tuple[list[Any], ...]:
        """Return what a sweep (or the floor) wrote, without its ids and clock times."""
        from notifications.models import Deadline, Notification, Reminder
        from workflows.models import OutboxMessage

        reminders = sorted(
            Reminder.objects.filter(sent_at=NOW).values_list(
                "body_id", "deadline_id", "kind", "offset_days", "due_at", "scheduled_for"
            )
        )
        notifications = Notification.objects.values_list(
            "pk",
            "body_id",
            "recipient_id",
            "kind",
            "deadline_id",
            "reminder__deadline_id",
            "reminder__sent_at",
            "source_key",
            "reminder_id",
            "data",
            "email_state",
            "read_at",
            "digest_id",
        )
        by_pk = {}
        for pk, *row, source_key, reminder_id, data, email_state, read_at, digest in notifications:
            assert source_key == f"reminder:{reminder_id}", source_key
            by_pk[pk] = (*row, sorted(data.items()), email_state, read_at, digest)
        outbox = sorted(
            (body_id, topic, by_pk[payload["notification_id"]], attempts, error, processed)
            for body_id, topic, payload, attempts, error, processed in (
                OutboxMessage.objects.values_list(
                    "body_id", "topic", "payload", "attempts", "last_error", "processed_at"
                )
            )
        )
        deadlines = list(
            Deadline.objects.filter(pk__in=self.due_ids)
            .order_by("pk")
            .values_list("pk", "next_check_at", "last_slot_at")
        )
        return reminders, sorted(by_pk.values()), outbox, deadlines

    def check_footprint(self, side: str) -> None:
        """Check that `side` wrote the same rows as every run before it (of either side)."""
        footprint = self.footprint()
        counts = ", ".join(
            f"{len(rows)} {name}" for name, rows in zip(FOOTPRINT, footprint, strict=True)
        )
        if self.expected is None:
            log(f"  writes: {counts}")
            self.expected = footprint
        assert footprint == self.expected, f"{side} wrote other rows: {counts}"

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
        if connection.vendor == "postgresql":
            # Without it every run leaves a few thousand dead rows in the tables and
            # indexes the next one writes, and each run is slower than the one before.
            with connection.cursor() as cursor:
                cursor.execute(
                    "VACUUM notifications_notification, workflows_outboxmessage, "
                    "notifications_reminder, notifications_deadline"
                )


def floor_sql(template: str) -> str:
    """Fill a floor statement's vendor-specific parts and the slots' offsets in."""
    offsets = {"escalation_days": ESCALATION_SLOT[1], "reminder_days": REMINDER_SLOT[1]}
    if connection.vendor == "postgresql":
        return template.format(in_ids="= ANY(%(ids)s)", json="jsonb_build_object", **offsets)
    return template.format(
        in_ids="IN (SELECT value FROM json_each(%(ids)s))", json="json_object", **offsets
    )


def floor_params(ids: list[int]) -> dict[str, Any]:
    """Return the floor statements' parameters: the locked ids, the slots, the times."""
    adapt = connection.ops.adapt_datetimefield_value
    return {
        "ids": ids if connection.vendor == "postgresql" else json.dumps(ids),
        "now": adapt(NOW),
        "created": adapt(timezone.now()),
        "escalation_due": adapt(ESCALATION_DUE_AT),
        "escalation_at": adapt(ESCALATION_SLOT[2]),
        "escalation_next": adapt(ESCALATION_SLOT[3]),
        "reminder_at": adapt(REMINDER_SLOT[2]),
        "reminder_next": adapt(REMINDER_SLOT[3]),
    }


def floor_run(world: World) -> float:
    """Raw SQL doing the sweep's work in one transaction; in ms.

    Lock the due rows (SKIP LOCKED), insert the reminders, the recipients' notifications
    and the e-mail outbox rows, and move the next checks: what the sweep writes, with its
    decisions known in advance and the recipients joined in the database.
    """
    world.reset()
    statements = [
        floor_sql(FLOOR_REMINDERS_SQL),
        floor_sql(FLOOR_NOTIFICATIONS_SQL),
        floor_sql(FLOOR_OUTBOX_SQL),
        floor_sql(FLOOR_NEXT_CHECKS_SQL),
    ]
    lock = LOCK_SQL if connection.vendor == "postgresql" else ""
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SELECT_SQL + lock, [connection.ops.adapt_datetimefield_value(NOW), 2000]
        )
        ids = [row[0] for row in cursor.fetchall()]
        params = floor_params(ids)
        for statement in statements:
            cursor.execute(statement, params)
    elapsed = time.perf_counter() - start
    assert len(ids) == DUE, len(ids)
    world.check_footprint("floor")
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
    world.check_footprint("sweep")
    return elapsed * 1e3


def best_times(world: World) -> tuple[float, float]:
    """Warm up, then run floor and sweep alternately; return the best time of each in ms."""
    sweep_run(world)  # warm-up: holiday cache, compiled queries; the rows a sweep writes
    floor_run(world)
    times: dict[str, list[float]] = {"floor": [], "sweep": []}

    def timed(side: str, run: Callable[[World], float]) -> float:
        times[side].append(run(world))
        return times[side][-1]

    best = best_of_interleaved(
        RUNS,
        {"floor": lambda: timed("floor", floor_run), "sweep": lambda: timed("sweep", sweep_run)},
        "ms",
        ".1f",
        min,
    )
    # On a shared machine the best times of the two sides may come from different moments;
    # the ratio of each round's pair tells how steady the figure is.
    ratios = sorted(s / f for f, s in zip(times["floor"], times["sweep"], strict=True))
    log(
        f"  sweep/floor per round: {', '.join(f'{r:.1f}' for r in ratios)} "
        f"(median {statistics.median(ratios):.1f})"
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
