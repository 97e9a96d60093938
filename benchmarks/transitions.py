"""How fast the transition service is, compared with the least the database must do.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planning_cycle .venv/bin/python \\
        benchmarks/transitions.py

Without DATABASE_URL it runs on an in-memory SQLite database. It creates its own scratch
database (on PostgreSQL `planning_cycle_bench_<pid>`, with the test runner's utilities) and
drops it at the end. Prints exactly four lines on stdout (details go to stderr):

    BENCH transition_floor <tx/s> tx/s        raw UPDATE of a review + INSERT of a history
                                              row, one transaction each
    BENCH transition_service <tx/s> tx/s      transition_fire accepting submitted reviews,
                                              one prefetched permission checker
    BENCH transition_ratio <floor/service> x  target: at most 3
    BENCH transition_queries <n> queries      statements Django logs per transition,
                                              BEGIN and COMMIT included

Environment: BENCH_N (transitions per run, default 2000), BENCH_RUNS (best of, default 3),
BENCH_PROFILE=1 (time split SQL/Python, and cProfile one service run; to stderr).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planning_cycle.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_N", "2000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WARM_UP = min(300, N)
PROFILE = os.environ.get("BENCH_PROFILE", "") not in ("", "0")
# Per process, so that two runs at once (CI, a colleague) never drop each other's database.
SCRATCH_DB = f"planning_cycle_bench_{os.getpid()}"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def create_scratch_db() -> str:
    """Create and migrate the scratch database; return the configured name to restore."""
    settings_dict = connection.settings_dict
    settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        settings_dict["TEST"]["NAME"] = SCRATCH_DB
    return connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=False
    )


class World:
    """One body, N departments, a management user and one cycle per timed run."""

    def __init__(self) -> None:
        from planning_cycle.models import Body, BodyKind, Department, Role, User
        from planning_cycle.services.cycles import cycle_create
        from planning_cycle.services.roles import role_assign
        from workflows.models import DepartmentReview, ReviewState

        self.body = Body.objects.create(
            key="bench", name="Landkreis Benchmark", kind=BodyKind.LANDKREIS, state="NW"
        )
        Department.objects.bulk_create(
            Department(body=self.body, code=f"FD {i:05d}", name=f"Fachdienst {i}") for i in range(N)
        )
        self.management = User.objects.create(
            username="landrat", first_name="Erika", last_name="Muster", body=self.body
        )
        role_assign(acting_user=None, user=self.management, role=Role.MANAGEMENT)
        self.review_ctype = ContentType.objects.get_for_model(DepartmentReview)
        self._year = 2000
        self._cycle_create = cycle_create
        self._review_model = DepartmentReview
        self._submitted = ReviewState.SUBMITTED

    def submitted_reviews(self, count: int) -> list:
        """Return `count` fresh submitted reviews of a new cycle (set up, not measured)."""
        self._year += 1
        cycle = self._cycle_create(acting_user=None, body=self.body, year=self._year)
        reviews = self._review_model.objects.filter(cycle=cycle).order_by("pk")
        pks = list(reviews.values_list("pk", flat=True)[:count])
        # Set-up only: the benchmark measures accepting, not submitting.
        self._review_model.objects.filter(pk__in=pks).update(state=self._submitted)
        return list(self._review_model.objects.filter(pk__in=pks).order_by("pk"))


def floor_run(world: World, reviews: list) -> float:
    """Raw SQL: UPDATE the review's state and INSERT a history row, one transaction each."""
    update = "UPDATE workflows_departmentreview SET state = %s, updated_at = %s WHERE id = %s"
    insert = (
        "INSERT INTO workflows_transitionlog (body_id, content_type_id, object_id, transition, "
        "source_state, target_state, actor_id, created_at, comment, override_reason) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    body_id, ctype_id, actor_id = world.body.pk, world.review_ctype.pk, world.management.pk
    with connection.cursor() as cursor:
        start = time.perf_counter()
        for review in reviews:
            now = timezone.now()
            with transaction.atomic():
                cursor.execute(update, ["accepted", now, review.pk])
                cursor.execute(
                    insert,
                    [
                        body_id,
                        ctype_id,
                        review.pk,
                        "accept",
                        "submitted",
                        "accepted",
                        actor_id,
                        now,
                        "",
                        "",
                    ],
                )
        elapsed = time.perf_counter() - start
    return len(reviews) / elapsed


def service_run(world: World, reviews: list) -> float:
    """transition_fire accepting each review, with one prefetched checker as a request has."""
    from workflows.permissions import permission_checker
    from workflows.services.transitions import transition_fire

    user = world.management
    checker = permission_checker(user)
    start = time.perf_counter()
    for review in reviews:
        transition_fire(acting_user=user, obj=review, transition="accept", checker=checker)
    elapsed = time.perf_counter() - start
    return len(reviews) / elapsed


def best_of_interleaved(world: World) -> tuple[float, float]:
    """Run floor and service alternately (so drift on a shared machine hits both); best of each."""
    floor_run(world, world.submitted_reviews(WARM_UP))
    service_run(world, world.submitted_reviews(WARM_UP))
    rates: dict[str, list[float]] = {"floor": [], "service": []}
    for i in range(RUNS):
        for name, run in (("floor", floor_run), ("service", service_run)):
            rates[name].append(run(world, world.submitted_reviews(N)))
            log(f"  {name} run {i + 1}: {rates[name][-1]:.0f} tx/s")
    return max(rates["floor"]), max(rates["service"])


def queries_per_transition(world: World, count: int = 50) -> float:
    from workflows.permissions import permission_checker
    from workflows.services.transitions import transition_fire

    reviews = world.submitted_reviews(count)
    checker = permission_checker(world.management)
    with CaptureQueriesContext(connection) as ctx:
        for review in reviews:
            transition_fire(
                acting_user=world.management, obj=review, transition="accept", checker=checker
            )
    return len(ctx.captured_queries) / count


def split_service(world: World) -> None:
    """Tell how much of a transition is spent in SQL statements and how much elsewhere."""
    spent = {"sql": 0.0, "statements": 0}

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - start
            spent["statements"] += 1

    for name, run in (("floor", floor_run), ("service", service_run)):
        reviews = world.submitted_reviews(N)
        spent.update(sql=0.0, statements=0)
        start = time.perf_counter()
        with connection.execute_wrapper(timed):
            run(world, reviews)
        total = (time.perf_counter() - start) / N * 1e6
        sql = spent["sql"] / N * 1e6
        log(
            f"  {name} per transition: {total:.0f} us = {sql:.0f} us in "
            f"{spent['statements'] / N:g} SQL statements + {total - sql:.0f} us in Python, "
            "BEGIN and COMMIT"
        )


def profile_service(world: World) -> None:
    split_service(world)
    profiler = cProfile.Profile()
    reviews = world.submitted_reviews(N)
    profiler.enable()
    service_run(world, reviews)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    log(out.getvalue())


def main() -> None:
    old_name = create_scratch_db()
    try:
        log(
            f"benchmark on {connection.vendor} ({connection.settings_dict['NAME']}), "
            f"{N} transitions per run, best of {RUNS}"
        )
        world = World()
        floor, service = best_of_interleaved(world)
        queries = queries_per_transition(world)
        if PROFILE:
            profile_service(world)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
    print(f"BENCH transition_floor {floor:.0f} tx/s")
    print(f"BENCH transition_service {service:.0f} tx/s")
    print(f"BENCH transition_ratio {floor / service:.2f} x")
    print(f"BENCH transition_queries {queries:g} queries")


if __name__ == "__main__":
    main()
