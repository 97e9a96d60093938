"""How fast the API's goal-agreement list is, compared with a plain JSON view of the same rows.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planning_cycle PYTHONPATH=. \\
        .venv/bin/python benchmarks/api_list.py

Without DATABASE_URL it runs on an in-memory SQLite database. It creates its own scratch
database (on PostgreSQL `planning_cycle_bench_api_<pid>`) with 10,000 goal agreements of one
body, and drops it at the end. Both sides page through all of them, 100 per page, in-process
through django.test.Client (no network). Prints exactly six lines on stdout (details go to
stderr):

    BENCH api_list_floor <n> req/s      a plain Django view: the same 100 rows per page with
                                        values() and json, no authentication, no checks
    BENCH api_list <n> req/s            GET /api/v1/goal-agreements/?page_size=100, following
                                        `next`, as management with an API token
    BENCH api_list_ratio <n> x          floor / API
    BENCH api_list_queries <n> queries  statements of one API page
    BENCH api_list_sorted <n> req/s     the same list sorted by department code, then most
                                        recently changed (`ordering=department,-updated_at`)
    BENCH api_list_sorted_ratio <n> x   floor / sorted API

Environment: BENCH_AGREEMENTS (rows, default 10,000; a multiple of 100), BENCH_RUNS (best of,
default 3), BENCH_PROFILE=1 (cProfile of one API pass to stderr).
"""

from __future__ import annotations

import time

from _common import (
    PROFILE,
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

from django.db import connection  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)
from django.urls import include, path  # noqa: E402

AGREEMENTS = env_int("BENCH_AGREEMENTS", 10000)
RUNS = env_int("BENCH_RUNS", 3)
PAGE = 100
API_URL = f"/api/v1/goal-agreements/?page_size={PAGE}"
SORTED_URL = f"{API_URL}&ordering=department,-updated_at"
FLOOR_URL = "/bench/floor/"


def floor_view(request: HttpRequest) -> JsonResponse:
    """The same 100 agreements, newest first, serialised by hand: the least there is to do."""
    from workflows.models import GoalAgreement

    rows = GoalAgreement.objects.order_by("-pk")
    before = request.GET.get("before")
    if before:
        rows = rows.filter(pk__lt=int(before))
    values = list(
        rows.values(
            "id",
            "cycle_id",
            "cycle__year",
            "cycle__title",
            "department_id",
            "department__code",
            "department__name",
            "operative_goal_id",
            "operative_goal__number",
            "operative_goal__title",
            "state",
            "outcome",
            "balance",
            "effects",
            "programmes",
            "processes",
            "resources",
            "carried_over_from_id",
            "updated_at",
        )[: PAGE + 1]
    )
    more = len(values) > PAGE
    values = values[:PAGE]
    results = [
        {
            "id": v["id"],
            "cycle": {"id": v["cycle_id"], "year": v["cycle__year"], "title": v["cycle__title"]},
            "department": {
                "id": v["department_id"],
                "code": v["department__code"],
                "name": v["department__name"],
            },
            "operative_goal": {
                "id": v["operative_goal_id"],
                "number": v["operative_goal__number"],
                "title": v["operative_goal__title"],
            },
            "state": v["state"],
            "outcome": v["outcome"],
            "balance": v["balance"],
            "effects": v["effects"],
            "programmes": v["programmes"],
            "processes": v["processes"],
            "resources": v["resources"],
            "carried_over_from": v["carried_over_from_id"],
            "updated_at": v["updated_at"].isoformat(),
        }
        for v in values
    ]
    next_url = f"{FLOOR_URL}?before={values[-1]['id']}" if more else None
    return JsonResponse({"next": next_url, "results": results})


# This module is the URL configuration while the benchmark runs: the floor plus the site.
urlpatterns = [
    path(FLOOR_URL.strip("/") + "/", floor_view),
    path("", include("planning_cycle.urls")),
]


def build() -> str:
    """One body with 100 departments and 100 operative goals; an agreement for each pair.

    Returns the secret of a read API token of management (who sees every agreement).
    """
    from planning_cycle.models import OperativeGoal, PolicyField, StrategicGoal, TokenScope
    from planning_cycle.services.audit import SYSTEM
    from planning_cycle.services.cycles import cycle_create
    from planning_cycle.services.tokens import api_token_create
    from workflows.models import GoalAgreement

    body = create_body("NW")
    departments = create_departments(body, 100)
    field = PolicyField.objects.create(body=body, key="pf", name="Handlungsfeld")
    sgoal = StrategicGoal.objects.create(
        body=body, policy_field=field, number="1", title="Strategisches Ziel"
    )
    goals = OperativeGoal.objects.bulk_create(
        OperativeGoal(
            body=body,
            strategic_goal=sgoal,
            key=f"1.{i}",
            number=f"1.{i}",
            title=f"Operatives Ziel {i}: Ganztagsangebote ausbauen",
        )
        for i in range(AGREEMENTS // len(departments))
    )
    management = create_management(body)
    cycle = cycle_create(acting_user=SYSTEM, body=body, year=2026)
    GoalAgreement.objects.bulk_create(
        (
            GoalAgreement(
                body=body,
                cycle=cycle,
                operative_goal=goal,
                department=department,
                effects=f"Wirkung {goal.number} für {department.code}: mehr Plätze, kürzere Wege.",
                programmes="Programm A; Produkt 2.1.1",
            )
            for goal in goals
            for department in departments
        ),
        batch_size=1000,
    )
    _token, secret = api_token_create(
        acting_user=management, name="Benchmark", scope=TokenScope.READ
    )
    return secret


def page_through(client: Client, url: str) -> tuple[int, float, int]:
    """Follow `next` from `url` through every page; return pages, seconds and rows."""
    next_url: str | None = url
    pages = rows = 0
    start = time.perf_counter()
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        rows += len(body["results"])
        pages += 1
        next_url = body["next"]
    return pages, time.perf_counter() - start, rows


def rate(client: Client, url: str) -> float:
    """Page through once from `url`; return the pages per second."""
    pages, seconds, _rows = page_through(client, url)
    return pages / seconds


def queries_per_page(client: Client) -> int:
    client.get(API_URL)  # warm: the first request loads what later ones have cached
    first = client.get(API_URL).json()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(first["next"])
    assert response.status_code == 200
    for query in ctx.captured_queries:
        log(f"  query: {query['sql'][:160]}")
    return len(ctx.captured_queries)


def main() -> None:
    setup_test_environment()
    with (
        scratch_database("api"),
        override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]),
    ):
        secret = build()
        log(
            f"benchmark on {database_label()}: "
            f"{AGREEMENTS} agreements, {PAGE} per page, best of {RUNS}"
        )
        api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        floor = Client()
        # Warm-up, and both sides must deliver every row.
        sides = (("floor", floor, FLOOR_URL), ("api", api, API_URL), ("sorted", api, SORTED_URL))
        for name, client, url in sides:
            pages, _seconds, rows = page_through(client, url)
            assert rows == AGREEMENTS, (name, rows)
            log(f"  {name}: {pages} pages, {rows} rows")

        best = best_of_interleaved(
            RUNS,
            {
                "floor": lambda: rate(floor, FLOOR_URL),
                "api": lambda: rate(api, API_URL),
                "sorted": lambda: rate(api, SORTED_URL),
            },
            "req/s",
            ".0f",
            max,
        )
        queries = queries_per_page(api)
        if PROFILE:
            log_profile(lambda: page_through(api, API_URL), cumulative=40, tottime=0)
    bench("api_list_floor", best["floor"], "req/s", ".0f")
    bench("api_list", best["api"], "req/s", ".0f")
    bench("api_list_ratio", best["floor"] / best["api"], "x", ".2f")
    bench("api_list_queries", queries, "queries")
    bench("api_list_sorted", best["sorted"], "req/s", ".0f")
    bench("api_list_sorted_ratio", best["floor"] / best["sorted"], "x", ".2f")


if __name__ == "__main__":
    main()
