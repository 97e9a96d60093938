"""How fast the controlling overview renders, compared with a raw SQL fetch of the same rows.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planning_cycle PYTHONPATH=. \\
        .venv/bin/python benchmarks/controlling_overview.py

Scratch database `planning_cycle_bench_controlling_<pid>`: one body with 2,000 indicators
(10 policy fields x 5 strategic goals x 4 operative goals x 10 indicators) and 5 years of
half-year targets and actuals (40,000 values), plus the Peine catalog
(catalogs/landkreis-peine.yaml) imported as a second body. Prints on stdout:

    BENCH controlling_overview_floor_ms <n> ms   raw SQL: the period's targets and actuals
                                                 joined to indicators, operative and
                                                 strategic goals and policy fields, fetched
    BENCH controlling_overview_ms <n> ms         GET /ziele/controlling/?jahr=2025&zeitraum=h1
                                                 as management, HTML rendered
    BENCH controlling_overview_ratio <n> x       overview / floor (target ≤ 3)
    BENCH controlling_overview_queries <n> queries  statements of one overview request
                                                 (asserted equal with 40 and 2,000 indicators)
    BENCH controlling_zielbilanz_pdf_peine_ms <n> ms  the Zielbilanz PDF of the Peine catalog
    BENCH controlling_catalog_pdf_peine_ms <n> ms     the goal catalog PDF of Peine

Environment: BENCH_RUNS (best of, default 5), BENCH_PROFILE=1 (cProfile of one overview).
"""

from __future__ import annotations

import logging
import time
from decimal import Decimal

from _common import (
    PROFILE,
    ROOT,
    bench,
    best_of_interleaved,
    create_body,
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

RUNS = env_int("BENCH_RUNS", 5)
FIELDS, STRATEGIC, OPERATIVE, INDICATORS = 10, 5, 4, 10
YEARS = range(2021, 2026)
URL = "/ziele/controlling/?jahr=2025&zeitraum=h1"

FLOOR_SQL = """
SELECT i.id, i.key, i.name, i.unit, i.unit_kind, i.direction, i.tolerance,
       v.kind, v.value, v.target_kind, v.upper_value,
       o.id, o.number, o.title, s.id, s.number, s.title, f.id, f.name
FROM planning_cycle_indicator i
JOIN planning_cycle_operativegoal o ON o.id = i.operative_goal_id
JOIN planning_cycle_strategicgoal s ON s.id = o.strategic_goal_id
JOIN planning_cycle_policyfield f ON f.id = s.policy_field_id
LEFT JOIN planning_cycle_indicatorvalue v
       ON v.indicator_id = i.id AND v.year = %s AND v.period = %s AND v.kind IN ('target', 'actual')
WHERE i.body_id = %s
ORDER BY f.position, s.position, o.position, i.key
"""


def build_fields(body_id: int, first: int, count: int) -> None:
    """Create `count` policy fields (numbered from `first`) with goals, indicators, values."""
    from planning_cycle.models import (
        Indicator,
        IndicatorValue,
        OperativeGoal,
        PolicyField,
        StrategicGoal,
        ValueKind,
    )

    fields = PolicyField.objects.bulk_create(
        PolicyField(body_id=body_id, key=f"pf{n}", name=f"Handlungsfeld {n}", position=n)
        for n in range(first, first + count)
    )
    sgoals = StrategicGoal.objects.bulk_create(
        StrategicGoal(
            body_id=body_id,
            policy_field=f,
            number=f"{f.position}.{s}",
            title=f"Strategisches Ziel {f.position}.{s}",
            position=s,
        )
        for f in fields
        for s in range(STRATEGIC)
    )
    ogoals = OperativeGoal.objects.bulk_create(
        OperativeGoal(
            body_id=body_id,
            strategic_goal=s,
            key=f"{s.number}.{o}",
            number=f"{s.number}.{o}",
            title=f"Operatives Ziel {s.number}.{o}: Angebote ausbauen",
            position=o,
        )
        for s in sgoals
        for o in range(OPERATIVE)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            body_id=body_id,
            key=f"k{o.number}.{i}",
            name=f"Kennzahl {o.number}.{i}",
            unit="%",
            unit_kind="percent",
            operative_goal=o,
        )
        for o in ogoals
        for i in range(INDICATORS)
    )
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(
                body_id=body_id,
                indicator=indicator,
                year=year,
                period=period,
                kind=kind,
                value=Decimal(50 + (n * 7 + year) % 20 if kind == ValueKind.ACTUAL else 55),
            )
            for n, indicator in enumerate(indicators)
            for year in YEARS
            for period in ("h1", "h2")
            for kind in (ValueKind.TARGET, ValueKind.ACTUAL)
        ),
        batch_size=5000,
    )


def floor() -> float:
    """Fetch the overview's rows with one raw SQL statement; return the milliseconds."""
    from planning_cycle.models import Body

    body_id = Body.objects.get(key="bench").pk
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [2025, "h1", body_id])
        rows = cursor.fetchall()
    elapsed = (time.perf_counter() - start) * 1000
    assert len(rows) == FIELDS * STRATEGIC * OPERATIVE * INDICATORS * 2, len(rows)
    return elapsed


def render(client: Client) -> float:
    """Request the overview; return the milliseconds."""
    start = time.perf_counter()
    response = client.get(URL)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def peine_pdfs() -> tuple[float, float]:
    """Import the Peine catalog; return the Zielbilanz and catalog PDF times in ms."""
    from planning_cycle.catalog.importer import catalog_import
    from planning_cycle.controlling.reports.data import goal_review
    from planning_cycle.controlling.reports.pdf import catalog_pdf, goal_review_pdf
    from planning_cycle.models import Body

    catalog_import(acting_user=None, path=ROOT / "catalogs" / "landkreis-peine.yaml")
    body = Body.objects.get(key="landkreis-peine")
    goal_review_pdf(goal_review(body=body, year=2025, period="year"))  # warm WeasyPrint
    best_review = best_catalog = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        pdf = goal_review_pdf(goal_review(body=body, year=2025, period="year"))
        best_review = min(best_review, (time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        catalog = catalog_pdf(body)
        best_catalog = min(best_catalog, (time.perf_counter() - start) * 1000)
    log(f"  Peine: Zielbilanz {len(pdf)} bytes, catalog {len(catalog)} bytes")
    return best_review, best_catalog


def main() -> None:
    # No setup_test_environment(): its instrumented template rendering (a signal per
    # template) would add about a third to the page's time, which production does not pay.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    with scratch_database("controlling"), override_settings(ALLOWED_HOSTS=["testserver"]):
        body = create_body("NI")
        management = create_management(body)
        client = Client()
        client.force_login(management)
        build_fields(body.pk, 0, 1)
        client.get(URL)
        small = queries(client)
        build_fields(body.pk, 1, FIELDS - 1)
        # Statistics as autovacuum keeps them in production, for the floor and the page alike.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client.get(URL)
        large = queries(client)
        assert small == large, (small, large)
        log(
            f"benchmark on {database_label()}: {FIELDS * STRATEGIC * OPERATIVE * INDICATORS} "
            f"indicators, {len(YEARS)} years of half-year values; queries {small} = {large}"
        )
        best = best_of_interleaved(
            RUNS, {"floor": floor, "overview": lambda: render(client)}, "ms", ".1f", min
        )
        if PROFILE:
            log_profile(lambda: render(client), cumulative=40, tottime=20)
        review_ms, catalog_ms = peine_pdfs()
    bench("controlling_overview_floor_ms", best["floor"], "ms", ".1f")
    bench("controlling_overview_ms", best["overview"], "ms", ".1f")
    bench("controlling_overview_ratio", best["overview"] / best["floor"], "x", ".2f")
    bench("controlling_overview_queries", large, "queries")
    bench("controlling_zielbilanz_pdf_peine_ms", review_ms, "ms", ".0f")
    bench("controlling_catalog_pdf_peine_ms", catalog_ms, "ms", ".0f")


if __name__ == "__main__":
    main()
