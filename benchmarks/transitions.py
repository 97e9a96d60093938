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

import time

from _common import (
    PROFILE,
    SqlTimer,
    bench,
    best_of_interleaved,
    create_body,
    create_departments,
    create_management,
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

N = env_int("BENCH_N", 2000)
RUNS = env_int("BENCH_RUNS", 3)
WARM_UP = min(300, N)


class World:
    """One body, N departments, a management user and one cycle per timed run."""

    def __init__(self) -> None:
        from planning_cycle.services.cycles import cycle_create
        from workflows.models import DepartmentReview, ReviewState

        self.body = create_body("NW")
        create_departments(self.body, N, digits=5)
        self.management = create_management(self.body)
        self.review_ctype = ContentType.objects.get_for_model(DepartmentReview)
        self._year = 2000
        self._cycle_create = cycle_create
        self._review_model = DepartmentReview
        self._submitted = ReviewState.SUBMITTED

    def submitted_reviews(self, count: int) -> list:
        """Return `count` fresh submitted reviews of a new cycle (set up, not measured)."""
        self._year += 1
        cycle = self._cycle_create(acting_user=self.management, body=self.body, year=self._year)
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
    from planning_cycle.access import permission_checker
    from workflows.services.transitions import transition_fire

    user = world.management
    checker = permission_checker(user)
    start = time.perf_counter()
    for review in reviews:
        transition_fire(acting_user=user, obj=review, transition="accept", checker=checker)
    elapsed = time.perf_counter() - start
    return len(reviews) / elapsed


def best_rates(world: World) -> tuple[float, float]:
    """Warm up, then run floor and service alternately; return the best rate of each."""
    floor_run(world, world.submitted_reviews(WARM_UP))
    service_run(world, world.submitted_reviews(WARM_UP))
    best = best_of_interleaved(
        RUNS,
        {
            "floor": lambda: floor_run(world, world.submitted_reviews(N)),
            "service": lambda: service_run(world, world.submitted_reviews(N)),
        },
        "tx/s",
        ".0f",
        max,
    )
    return best["floor"], best["service"]


def queries_per_transition(world: World, count: int = 50) -> float:
    from planning_cycle.access import permission_checker
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
    for name, run in (("floor", floor_run), ("service", service_run)):
        reviews = world.submitted_reviews(N)
        timer = SqlTimer()
        start = time.perf_counter()
        with connection.execute_wrapper(timer):
            run(world, reviews)
        total = (time.perf_counter() - start) / N * 1e6
        sql = timer.total / N * 1e6
        log(
            f"  {name} per transition: {total:.0f} us = {sql:.0f} us in "
            f"{timer.statements / N:g} SQL statements + {total - sql:.0f} us in Python, "
            "BEGIN and COMMIT"
        )


def profile_service(world: World) -> None:
    """Log the time split of a transition and a profile of one service run."""
    split_service(world)
    reviews = world.submitted_reviews(N)
    log_profile(lambda: service_run(world, reviews))


def main() -> None:
    with scratch_database():
        log(f"benchmark on {database_label()}, {N} transitions per run, best of {RUNS}")
        world = World()
        floor, service = best_rates(world)
        queries = queries_per_transition(world)
        if PROFILE:
            profile_service(world)
    bench("transition_floor", floor, "tx/s", ".0f")
    bench("transition_service", service, "tx/s", ".0f")
    bench("transition_ratio", floor / service, "x", ".2f")
    bench("transition_queries", queries, "queries", "g")


if __name__ == "__main__":
    main()
