"""How fast the OParl paper list and paper object are, compared with raw SQL of the same rows.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planning_cycle PYTHONPATH=. \\
        .venv/bin/python benchmarks/oparl_papers.py

Without DATABASE_URL it runs on an in-memory SQLite database. It creates its own scratch
database (on PostgreSQL `planning_cycle_bench_oparl_<pid>`) with 10,000 public papers of one
body, each with two consultation steps (pre-deliberation, decision) and a main file, and
drops it at the end. Both sides run in-process through django.test.Client (no network).
Prints on stdout (details go to stderr):

    BENCH oparl_papers_floor <n> ms/page     a plain view: raw SQL of the page's 100 papers,
                                             their steps and files, dumped as JSON lists
    BENCH oparl_papers <n> ms/page           GET /oparl/v1/body/<id>/papers/ following `next`
    BENCH oparl_papers_ratio <n> x           OParl / floor (target ≤ 3)
    BENCH oparl_papers_queries <n> queries   statements of one list page
    BENCH oparl_paper_floor <n> ms/req       raw SQL of one paper, its steps and files
    BENCH oparl_paper <n> ms/req             GET /oparl/v1/paper/<id>/
    BENCH oparl_paper_ratio <n> x            OParl / floor

Environment: BENCH_PAPERS (default 10,000; a multiple of 100), BENCH_RUNS (best of, default
3), BENCH_PROFILE=1 (cProfile of one OParl pass to stderr).
"""

from __future__ import annotations

import json
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
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)
from django.urls import include, path  # noqa: E402

PAPERS = env_int("BENCH_PAPERS", 10000)
RUNS = env_int("BENCH_RUNS", 3)
PAGE = 100
FLOOR_URL = "/bench/floor/"
SINGLE = 200  # paper objects fetched per single-object run

PAPER_SQL = (
    "SELECT id, body_id, title, reference, date, paper_type, external_url, created_at, "
    "updated_at FROM council_paper WHERE body_id = %s AND public AND NOT deleted "
    "ORDER BY id LIMIT %s OFFSET %s"
)
STEP_SQL = (
    "SELECT s.id, s.paper_id, s.committee_id, s.role, s.part, s.created_at, s.updated_at, "
    "s.agenda_item_id, a.meeting_id, a.public, a.deleted FROM council_consultationstep s "
    "LEFT JOIN council_agendaitem a ON a.id = s.agenda_item_id "
    "WHERE s.paper_id = ANY(%s) AND NOT s.deleted ORDER BY s.position, s.id"
)
FILE_SQL = (
    "SELECT id, paper_id, role, name, media_type, size, created_at, updated_at "
    "FROM council_paperfile WHERE paper_id = ANY(%s) AND public AND NOT deleted "
    "ORDER BY position, id"
)


def _rows(paper_sql: str, params: list[int]) -> list[list[object]]:
    with connection.cursor() as cursor:
        cursor.execute(paper_sql, params)
        papers = cursor.fetchall()
        ids = [p[0] for p in papers]
        cursor.execute(STEP_SQL, [ids])
        steps = cursor.fetchall()
        cursor.execute(FILE_SQL, [ids])
        files = cursor.fetchall()
    return [list(papers), list(steps), list(files)]


def floor_view(request: HttpRequest) -> HttpResponse:
    """The same papers, steps and files by raw SQL, dumped as they come: the least to do."""
    body = int(request.GET["body"])
    page = int(request.GET.get("page", "1"))
    single = request.GET.get("paper")
    if single:
        sql = PAPER_SQL.replace("WHERE body_id = %s", "WHERE id = %s AND body_id = %s")
        data = _rows(sql, [int(single), body, 1, 0])
    else:
        data = _rows(PAPER_SQL, [body, PAGE, (page - 1) * PAGE])
    more = len(data[0]) == PAGE
    next_url = f"{FLOOR_URL}?body={body}&page={page + 1}" if more and not single else None
    return HttpResponse(
        json.dumps({"data": data, "next": next_url}, default=str),
        content_type="application/json",
    )


urlpatterns = [
    path(FLOOR_URL.strip("/") + "/", floor_view),
    path("", include("planning_cycle.urls")),
]


def build() -> int:
    """One body, its council and main committee, PAPERS papers with two steps and a file."""
    from django.utils import timezone

    from planning_cycle.models import Committee, CommitteeKind
    from workflows.council.models import ConsultationStep, Paper, PaperFile
    from workflows.council.states import FileRole, StepRole

    body = create_body("ST")
    department = create_departments(body, 1)[0]
    user = create_management(body)
    council = Committee.objects.create(body=body, name="Kreistag", kind=CommitteeKind.COUNCIL)
    main = Committee.objects.create(
        body=body, name="Kreisausschuss", kind=CommitteeKind.MAIN_COMMITTEE, position=1
    )
    now = timezone.now()
    papers = Paper.objects.bulk_create(
        (
            Paper(
                body=body,
                reference=f"2026/FD 000/{i:05d}",
                reference_year=2026,
                reference_number=i,
                title=f"Vorlage {i}: Ausbau der Ganztagsangebote an Grundschulen",
                proposed_resolution="Der Kreistag beschließt.",
                lead_department=department,
                created_by=user,
                created_at=now,
            )
            for i in range(1, PAPERS + 1)
        ),
        batch_size=1000,
    )
    ConsultationStep.objects.bulk_create(
        (
            ConsultationStep(
                body=body, paper=paper, committee=committee, role=role, position=position
            )
            for paper in papers
            for position, (committee, role) in enumerate(
                ((main, StepRole.PRE_DELIBERATION), (council, StepRole.DECISION)), start=1
            )
        ),
        batch_size=2000,
    )
    PaperFile.objects.bulk_create(
        (
            PaperFile(
                body=body,
                paper=paper,
                role=FileRole.MAIN,
                name=f"vorlage-{paper.reference_number}.pdf",
                media_type="application/pdf",
                size=123456,
                sha256="0" * 64,
                file=f"council/{body.pk}/{paper.pk}/x",
                uploaded_by=user,
            )
            for paper in papers
        ),
        batch_size=2000,
    )
    return body.pk


def page_through(client: Client, url: str) -> tuple[int, float, int]:
    """Follow `next` from `url` through every page; return pages, seconds and papers."""
    next_url: str | None = url
    pages = rows = 0
    start = time.perf_counter()
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        rows += len(body["data"] if isinstance(body["data"][0], dict) else body["data"][0])
        pages += 1
        links = body.get("links")
        next_url = links.get("next") if links is not None else body["next"]
    return pages, time.perf_counter() - start, rows


def ms_per_page(client: Client, url: str) -> float:
    pages, seconds, _rows = page_through(client, url)
    return seconds * 1000 / pages


def ms_per_object(client: Client, urls: list[str]) -> float:
    start = time.perf_counter()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
    return (time.perf_counter() - start) * 1000 / len(urls)


def queries_per_page(client: Client, url: str) -> int:
    second = client.get(url).json()["links"]["next"]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(second)
    assert response.status_code == 200
    for query in ctx.captured_queries:
        log(f"  query: {query['sql'][:160]}")
    return len(ctx.captured_queries)


def main() -> None:
    from workflows.council.models import Paper

    setup_test_environment()
    with (
        scratch_database("oparl"),
        override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]),
    ):
        body = build()
        log(f"benchmark on {database_label()}: {PAPERS} papers, {PAGE} per page, best of {RUNS}")
        client = Client()
        oparl_url = f"/oparl/v1/body/{body}/papers/?limit={PAGE}"
        floor_url = f"{FLOOR_URL}?body={body}"
        ids = list(Paper.objects.order_by("?").values_list("pk", flat=True)[:SINGLE])
        object_urls = [f"/oparl/v1/paper/{pk}/" for pk in ids]
        floor_objects = [f"{FLOOR_URL}?body={body}&paper={pk}" for pk in ids]
        for name, url in (("floor", floor_url), ("oparl", oparl_url)):
            pages, _seconds, rows = page_through(client, url)
            assert rows == PAPERS, (name, rows)
            log(f"  {name}: {pages} pages, {rows} papers")
        best = best_of_interleaved(
            RUNS,
            {
                "floor": lambda: ms_per_page(client, floor_url),
                "oparl": lambda: ms_per_page(client, oparl_url),
                "floor_object": lambda: ms_per_object(client, floor_objects),
                "oparl_object": lambda: ms_per_object(client, object_urls),
            },
            "ms",
            ".2f",
            min,
        )
        queries = queries_per_page(client, oparl_url)
        if PROFILE:
            log_profile(lambda: page_through(client, oparl_url), cumulative=40, tottime=20)
    bench("oparl_papers_floor", best["floor"], "ms/page", ".2f")
    bench("oparl_papers", best["oparl"], "ms/page", ".2f")
    bench("oparl_papers_ratio", best["oparl"] / best["floor"], "x", ".2f")
    bench("oparl_papers_queries", queries, "queries")
    bench("oparl_paper_floor", best["floor_object"], "ms/req", ".2f")
    bench("oparl_paper", best["oparl_object"], "ms/req", ".2f")
    bench("oparl_paper_ratio", best["oparl_object"] / best["floor_object"], "x", ".2f")


if __name__ == "__main__":
    main()
