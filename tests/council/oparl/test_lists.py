"""Lists: pagination to the end, the four filters, `limit`, and a fixed query count."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.council.oparl.schemas import validate
from tests.support.council import DECISION, PRE, Committees, committees_build, paper_build
from tests.support.oparl import file_add, papers_bulk, person_add
from tests.support.world import World, build_world
from workflows.council.models import Paper
from workflows.council.services.papers import paper_update

pytestmark = pytest.mark.django_db

BERLIN = dt.timezone(dt.timedelta(hours=1))


def _all(client: Client, url: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Follow `next` from the first page to the last; return every object."""
    found: list[dict[str, Any]] = []
    page: dict[str, Any] = client.get(url, params or {}).json()
    pages = 1
    while True:
        found += page["data"]
        for obj in page["data"]:
            validate(obj)
        if "next" not in page["links"]:
            assert page["links"]["self"] == page["links"]["last"]
            assert page["pagination"]["currentPage"] == page["pagination"]["totalPages"] == pages
            return found
        following = client.get(page["links"]["next"]).json()
        assert following["links"]["prev"] == page["links"]["self"]
        assert following["links"]["first"] == page["links"]["first"]
        page = following
        pages += 1


@pytest.fixture
def council(db: None) -> tuple[World, Committees]:
    world = build_world()
    return world, committees_build(world)


def test_next_links_reach_every_paper_once(
    client: Client, council: tuple[World, Committees]
) -> None:
    world, c = council
    papers_bulk(world, c, 7)
    papers_bulk(world, c, 2, public=False)
    url = f"/oparl/v1/body/{world.body.pk}/papers/"
    first = client.get(url, {"limit": "3"}).json()
    assert first["pagination"] == {
        "totalElements": 7,
        "elementsPerPage": 3,
        "currentPage": 1,
        "totalPages": 3,
    }
    assert first["links"]["next"].endswith("papers/?limit=3&page=2")
    ids = [p["id"] for p in _all(client, url, {"limit": "3"})]
    assert len(ids) == len(set(ids)) == 7
    public = Paper.objects.filter(body=world.body, public=True).values_list("pk", flat=True)
    assert sorted(int(i.rstrip("/").rsplit("/", 1)[1]) for i in ids) == sorted(public)


def _moment(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("created_since", "2026-02-01T00:00:00+01:00", {"Februar", "März"}),
        ("created_until", "2026-02-01T12:00:00+01:00", {"Januar", "Februar"}),
        ("modified_since", "2026-03-01T12:00:00+01:00", {"März", "Januar"}),
        ("modified_until", "2026-02-15T00:00:00+01:00", {"Februar"}),
    ],
)
def test_each_filter(
    client: Client,
    council: tuple[World, Committees],
    name: str,
    value: str,
    expected: set[str],
) -> None:
    world, c = council
    made = {}
    for month, title in ((1, "Januar"), (2, "Februar"), (3, "März")):
        with time_machine.travel(_moment(2026, month, 1), tick=False):
            made[title] = paper_build(world, [(c.council, DECISION)], title=title)
    # January's paper changes in April: modified then, created still in January.
    with time_machine.travel(_moment(2026, 4, 1), tick=False):
        january = made["Januar"]
        paper_update(
            acting_user=world.users["committee_secretary"],
            paper=january,
            title="Januar",
            paper_type=january.paper_type,
            lead_department=january.lead_department,
            public=True,
            reasoning="Ergänzt im April.",
        )
    url = f"/oparl/v1/body/{world.body.pk}/papers/"
    found = _all(client, url, {name: value})
    assert {p["name"] for p in found} == expected
    # The filter is kept in every link (spec 2.5), encoded.
    page = client.get(url, {name: value, "limit": "1"}).json()
    for link in page["links"].values():
        assert f"{name}={quote(value, safe='')}" in link


def test_filters_combine_and_include_the_named_second(
    client: Client, council: tuple[World, Committees]
) -> None:
    world, c = council
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, 30, 15, 600000, tzinfo=BERLIN)):
        paper_build(world, [(c.council, DECISION)], title="Mai")
    url = f"/oparl/v1/body/{world.body.pk}/papers/"
    shown = client.get(url).json()["data"][0]
    assert shown["created"] == "2026-05-04T11:30:15+02:00"  # summer time in Berlin
    both = {"created_since": shown["created"], "created_until": shown["created"]}
    assert len(client.get(url, both).json()["data"]) == 1
    later = {"created_since": "2026-05-04T10:30:16+01:00"}
    assert client.get(url, later).json()["data"] == []


@pytest.mark.parametrize(
    "query",
    [
        "created_since=gestern",
        "modified_since=2026-01-01",
        "modified_until=2026-01-01T00:00:00",
        "created_until=2026-01-01T00:00:00 01:00",
        "limit=0",
        "limit=viele",
        "page=-1",
        "omit_internal=ja",
    ],
)
def test_bad_values_are_refused_with_the_error_object(
    client: Client, council: tuple[World, Committees], query: str
) -> None:
    world, _c = council
    response = client.get(f"/oparl/v1/body/{world.body.pk}/papers/?{query}")
    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["type"] == "https://schema.oparl.org/1.1/Error"
    assert query.split("=")[0] in data["message"]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Statements per list page: body check, count, rows, and one per embedded list.
LIST_QUERIES = {
    "papers": 5,
    "meetings": 4,
    "persons": 4,
    "organizations": 4,
    "memberships": 3,
    "agenda-items": 3,
    "consultations": 3,
    "files": 3,
    "legislative-terms": 3,
    "locations": 3,
}


def _grow(world: World, c: Committees, n: int, start: int = 0) -> None:
    from tests.support.council import meeting_build, schedule, steps_of
    from workflows.council.models import LegislativeTerm, Location

    for i in range(start, start + n):
        paper = paper_build(world, [(c.main, PRE), (c.council, DECISION)], title=f"V {i}")
        file_add(world, paper, name=f"anlage-{i}.pdf")
        meeting = meeting_build(world, c.main, days=3 + i)
        schedule(world, steps_of(paper)[0], meeting)
        person_add(world, f"Person {i}", committees=(c.main, c.social))
        LegislativeTerm.objects.create(
            body=world.body, name=f"WP {i}", start_date=dt.date(1950 + i, 1, 1)
        )
        Location.objects.create(body=world.body, description=f"Raum {i}")


def test_query_count_of_a_page_is_the_same_for_5_and_50_rows(
    client: Client, council: tuple[World, Committees], django_assert_num_queries: Any
) -> None:
    world, c = council
    _grow(world, c, 5)
    base = f"/oparl/v1/body/{world.body.pk}/"
    for segment, count in LIST_QUERIES.items():
        assert _queries(client, base + segment + "/") == count, segment
    _grow(world, c, 45, start=5)
    for segment, count in LIST_QUERIES.items():
        with django_assert_num_queries(count):
            response = client.get(base + segment + "/")
        if segment != "organizations":
            assert len(response.json()["data"]) >= 50, segment
    # One paper with everything embedded, and the filtered list with deleted papers.
    paper = Paper.objects.filter(body=world.body).first()
    assert paper is not None
    with django_assert_num_queries(3):
        client.get(f"/oparl/v1/paper/{paper.pk}/")
    synced = f"{base}papers/?modified_since=2000-01-01T00%3A00%3A00%2B01%3A00"
    with django_assert_num_queries(LIST_QUERIES["papers"]):
        client.get(synced)
