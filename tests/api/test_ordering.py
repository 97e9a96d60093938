"""Sorting the API lists (`ordering`) and paging them by cursor: exact with ties and gaps.

The expected order is always the database's own ORDER BY of the same fields (empty values
last, the id deciding ties), read without the API; the API must give exactly that order,
page by page forward and backward, whatever the page size.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.db import connection, models, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications.models import Audience, Deadline, Notification, NotificationKind, TaskKind
from planning_cycle.models import (
    Committee,
    Department,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    PlanningCycle,
    PolicyField,
    Product,
    ProductBudget,
    StrategicGoal,
)
from tests.api.consultation import sortable_rows
from tests.api.test_core import add_rows
from tests.support.factories import cycle_for
from tests.support.notifications import DeadlineFactory, NotificationFactory
from tests.support.workflows import agreement, operative_goal, walk
from tests.support.world import World
from workflows.consultation.models import ConsultationRound, Evaluation, Invitation, Statement
from workflows.council.models import (
    ConsultationStep,
    LegislativeTerm,
    Location,
    Meeting,
    Paper,
    Person,
)
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement

pytestmark = pytest.mark.django_db

API = "/api/v1"
PROBLEM = "application/problem+json"
SUBMISSION = {
    "updated_at": "updated_at",
    "state": "state",
    "department": "department__code",
    "cycle": "cycle__year",
}
# What each list may be sorted by: public name -> model path (the specification).
SORTABLE: dict[str, tuple[type[models.Model], dict[str, str]]] = {
    "departments": (Department, {"code": "code", "name": "name"}),
    "cycles": (
        PlanningCycle,
        {"year": "year", "created_at": "created_at", "updated_at": "updated_at"},
    ),
    "policy-fields": (PolicyField, {"position": "position", "key": "key", "name": "name"}),
    "strategic-goals": (
        StrategicGoal,
        {"position": "position", "number": "number", "title": "title"},
    ),
    "operative-goals": (
        OperativeGoal,
        {"position": "position", "number": "number", "title": "title"},
    ),
    "measures": (
        Measure,
        {
            "position": "position",
            "key": "key",
            "title": "title",
            "due_date": "due_date",
            "cost": "cost",
        },
    ),
    "indicators": (Indicator, {"key": "key", "name": "name"}),
    "indicator-values": (
        IndicatorValue,
        {"year": "year", "period": "period", "kind": "kind", "value": "value"},
    ),
    "products": (Product, {"code": "code", "name": "name"}),
    "product-budgets": (ProductBudget, {"year": "year", "amount": "amount"}),
    "reviews": (DepartmentReview, SUBMISSION),
    "plans": (DepartmentPlan, SUBMISSION),
    "goal-agreements": (
        GoalAgreement,
        {**SUBMISSION, "operative_goal": "operative_goal__number"},
    ),
    "deadlines": (
        Deadline,
        {
            "due_at": "due_at",
            "opened_at": "opened_at",
            "kind": "kind",
            "department": "department__code",
        },
    ),
    "tasks": (
        Deadline,
        {
            "due_at": "due_at",
            "opened_at": "opened_at",
            "kind": "kind",
            "department": "department__code",
        },
    ),
    "notifications": (Notification, {"created_at": "created_at", "kind": "kind"}),
    "consultation-rounds": (
        ConsultationRound,
        {"deadline": "deadline", "updated_at": "updated_at", "state": "state"},
    ),
    "consultation-invitations": (Invitation, {"updated_at": "updated_at", "state": "state"}),
    "statements": (
        Statement,
        {"updated_at": "updated_at", "released_at": "released_at", "state": "state"},
    ),
    "dispositions": (Evaluation, {"updated_at": "updated_at", "state": "state"}),
    "committees": (Committee, {"position": "position", "name": "name", "updated_at": "updated_at"}),
    "meetings": (Meeting, {"start": "start", "updated_at": "updated_at"}),
    "papers": (
        Paper,
        {"date": "date", "reference_number": "reference_number", "updated_at": "updated_at"},
    ),
    "consultation-steps": (
        ConsultationStep,
        {"result_date": "result_date", "state": "state", "updated_at": "updated_at"},
    ),
    "persons": (
        Person,
        {"family_name": "family_name", "given_name": "given_name", "updated_at": "updated_at"},
    ),
    "legislative-terms": (
        LegislativeTerm,
        {"start_date": "start_date", "name": "name", "updated_at": "updated_at"},
    ),
    "locations": (Location, {"description": "description", "updated_at": "updated_at"}),
}
# Lists of consultation rounds: sorted on rows of their own (`consultation_data`).
CONSULTATION = ("consultation-rounds", "consultation-invitations", "statements", "dispositions")
# The council's lists: their sorting is tested with council rows in tests/council/api/.
COUNCIL = (
    "committees",
    "meetings",
    "papers",
    "consultation-steps",
    "persons",
    "legislative-terms",
    "locations",
)
CASES = [
    (endpoint, f"{sign}{name}")
    for endpoint, (_model, fields) in SORTABLE.items()
    if endpoint not in ("tasks", "notifications")  # per user: see their own tests
    and endpoint not in CONSULTATION
    and endpoint not in COUNCIL
    for name in fields
    for sign in ("", "-")
]


def management(world: World) -> Client:
    client = Client()
    client.force_login(world.users["management"])
    return client


def expected_ids(
    queryset: models.QuerySet[Any], fields: dict[str, str], ordering: str
) -> list[int]:
    """Return the ids in the database's order of `ordering` (empty last, ties by id)."""
    terms = []
    last_descending = False
    for term in ordering.split(","):
        descending = term.startswith("-")
        path = fields[term.lstrip("-")]
        expression = F(path)
        terms.append(
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
        last_descending = descending
    terms.append(F("id").desc() if last_descending else F("id").asc())
    return list(queryset.order_by(*terms).values_list("id", flat=True))


def walk_pages(client: Client, url: str) -> tuple[list[list[int]], str | None]:
    """Follow `next` links from `url`; return the pages' ids and the last page's `previous`."""
    pages: list[list[int]] = []
    previous: str | None = None
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        next_url, previous = body["next"], body["previous"]
        assert len(pages) < 500, "the cursor does not advance"
    return pages, previous


def walk_back(client: Client, url: str | None) -> list[list[int]]:
    """Follow `previous` links from `url`; return the pages' ids, last page first."""
    pages: list[list[int]] = []
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["previous"]
        assert len(pages) < 500, "the cursor does not go back"
    return pages


def assert_pages(client: Client, path: str, expected: list[int], page_size: int) -> None:
    """The pages forward, and back from the last one, give exactly `expected`."""
    pages, previous = walk_pages(client, f"{path}&page_size={page_size}")
    assert [i for page in pages for i in page] == expected
    assert all(len(page) == page_size for page in pages[:-1])
    back = walk_back(client, previous)
    assert list(reversed(back)) == pages[:-1]


@pytest.fixture
def data(world: World) -> World:
    """Rows of every list with many equal and empty values, in two cycles."""
    add_rows(world.body, world.department, 7)
    # Equal values: every budget in one year, measures without due date or cost but some.
    measures = list(Measure.objects.filter(body=world.body).order_by("id"))
    for i, measure in enumerate(measures):
        measure.position = i % 2
        measure.due_date = dt.date(2027, 1, 1 + i % 3) if i % 3 else None
        measure.cost = Decimal(i % 2) if i % 4 else None
        measure.save()
    Department.objects.filter(body=world.body, code="UA 003").update(name="Unterabteilung 1")
    second = cycle_for(world.body, year=2027)
    goals = [operative_goal(world.body, number=f"9.{i}", position=i) for i in range(3)]
    for cycle in (world.cycle, second):
        for i in range(6):  # each goal agreed by two departments in each cycle
            agreement(cycle, world.departments[i // 3], goals[i % 3])
    walk(GoalAgreement.objects.filter(body=world.body).order_by("id")[1], "submitted", world.users)
    walk(DepartmentReview.objects.filter(cycle=second).order_by("id")[0], "submitted", world.users)
    # Deadlines: one per review and kind; two of them without a department.
    Deadline.objects.filter(body=world.body).delete()
    now = timezone.now()
    for i, review in enumerate(DepartmentReview.objects.filter(body=world.body).order_by("id")):
        DeadlineFactory(review=review, due_at=now + dt.timedelta(days=i % 2))
        DeadlineFactory(
            review=review,
            kind=TaskKind.REVIEW_DECIDE,
            audience=Audience.MANAGEMENT,
            department=None if i < 2 else review.department,
            due_at=now + dt.timedelta(days=i % 3),
        )
    return world


@pytest.mark.parametrize(("endpoint", "ordering"), CASES)
def test_every_sort_field_pages_in_the_databases_order(
    data: World, endpoint: str, ordering: str
) -> None:
    model, fields = SORTABLE[endpoint]
    expected = expected_ids(model._default_manager.filter(body=data.body), fields, ordering)
    assert len(expected) >= 4

    assert_pages(management(data), f"{API}/{endpoint}/?ordering={ordering}", expected, 3)


@pytest.fixture
def consultation_data(world: World) -> World:
    sortable_rows(world)
    return world


@pytest.mark.parametrize(
    ("endpoint", "ordering"),
    [
        (endpoint, f"{sign}{name}")
        for endpoint in CONSULTATION
        for name in SORTABLE[endpoint][1]
        for sign in ("", "-")
    ],
)
def test_every_consultation_sort_field_pages_in_the_databases_order(
    consultation_data: World, endpoint: str, ordering: str
) -> None:
    model, fields = SORTABLE[endpoint]
    expected = expected_ids(
        model._default_manager.filter(body=consultation_data.body), fields, ordering
    )
    assert len(expected) >= 4

    assert_pages(
        management(consultation_data), f"{API}/{endpoint}/?ordering={ordering}", expected, 3
    )


@pytest.mark.parametrize(
    ("endpoint", "ordering"),
    [
        ("measures", "position,-due_date,cost"),
        ("measures", "-cost,due_date"),
        ("goal-agreements", "cycle,-department,state"),
        ("goal-agreements", "-state,operative_goal"),
        ("deadlines", "department,-kind,due_at"),
        ("indicator-values", "kind,-year"),
    ],
)
def test_several_sort_fields_page_in_the_databases_order(
    data: World, endpoint: str, ordering: str
) -> None:
    model, fields = SORTABLE[endpoint]
    expected = expected_ids(model._default_manager.filter(body=data.body), fields, ordering)

    for page_size in (1, 2, 5):
        assert_pages(
            management(data), f"{API}/{endpoint}/?ordering={ordering}", expected, page_size
        )


def test_empty_values_come_last_in_both_directions(data: World) -> None:
    client = management(data)
    for ordering in ("due_date", "-due_date"):
        rows = client.get(f"{API}/measures/?ordering={ordering}&page_size=100").json()["results"]
        dates = [row["due_date"] for row in rows]
        filled = [d for d in dates if d is not None]
        assert dates == sorted(filled, reverse=ordering.startswith("-")) + [None] * (
            len(dates) - len(filled)
        )


def test_a_long_run_of_equal_values_pages_exactly(world: World) -> None:
    """More equal values than DRF's own cursor can skip by offset (it caps at 1,000)."""
    first = operative_goal(world.body)
    goals = OperativeGoal.objects.bulk_create(
        OperativeGoal(
            body=world.body,
            strategic_goal_id=first.strategic_goal_id,
            key=f"oz-{i}",
            number=f"2.{i}",
            title=f"Ziel {i}",
        )
        for i in range(1100)
    )
    GoalAgreement.objects.bulk_create(
        GoalAgreement(
            body=world.body, cycle=world.cycle, department=world.department, operative_goal=goal
        )
        for goal in goals
    )
    client = management(world)
    expected = list(
        GoalAgreement.objects.filter(body=world.body).order_by("-id").values_list("id", flat=True)
    )

    pages, _previous = walk_pages(client, f"{API}/goal-agreements/?ordering=-state&page_size=100")

    assert [i for page in pages for i in page] == expected


def test_rows_added_while_paging_are_neither_repeated_nor_skipped_after_the_cursor(
    world: World,
) -> None:
    for i in range(4):
        Department.objects.create(body=world.body, code=f"K {i * 2}", name=f"Kreisamt {i}")
    client = management(world)
    first = client.get(f"{API}/departments/?ordering=code&page_size=3").json()
    seen = [row["code"] for row in first["results"]]
    assert seen == ["FD 31", "FD 32", "FD 33"]

    Department.objects.create(body=world.body, code="FD 30", name="vor dem Cursor")
    Department.objects.create(body=world.body, code="K 5", name="nach dem Cursor")
    rest, _previous = walk_pages(client, first["next"])
    codes = dict(Department.objects.values_list("id", "code"))

    assert [codes[i] for page in rest for i in page] == ["K 0", "K 2", "K 4", "K 5", "K 6"]


def test_the_default_order_is_unchanged(data: World) -> None:
    client = management(data)
    measures, _previous = walk_pages(client, f"{API}/measures/?page_size=7")
    deadlines, _previous = walk_pages(client, f"{API}/deadlines/?page_size=7")

    assert [i for page in measures for i in page] == list(
        Measure.objects.filter(body=data.body).order_by("id").values_list("id", flat=True)
    )
    assert [i for page in deadlines for i in page] == list(
        Deadline.objects.filter(body=data.body, state="open")
        .order_by("due_at", "id")
        .values_list("id", flat=True)
    )


def test_tasks_and_notifications_sort_too(data: World) -> None:
    boss = data.users["management"]
    decide = Deadline.objects.filter(body=data.body, kind=TaskKind.REVIEW_DECIDE)
    for i, deadline in enumerate(decide):
        for kind in (NotificationKind.REMINDER, NotificationKind.ESCALATION)[: 1 + i % 2]:
            NotificationFactory(recipient=boss, deadline=deadline, kind=kind)
    tasks = SORTABLE["tasks"][1]
    inbox = Notification.objects.filter(recipient=boss)
    client = management(data)

    for ordering in ("-due_at,department", "department,kind"):
        expected = expected_ids(decide, tasks, ordering)
        assert_pages(client, f"{API}/tasks/?ordering={ordering}", expected, 2)
    for ordering in ("kind", "-kind,created_at"):
        expected = expected_ids(inbox, SORTABLE["notifications"][1], ordering)
        assert len(expected) >= 6
        assert_pages(client, f"{API}/notifications/?ordering={ordering}", expected, 2)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "departments/?ordering=parent",
        "departments/?ordering=code,unbekannt",
        "goal-agreements/?ordering=summary",
        "deadlines/?ordering=--due_at",
        "measures/?ordering=operative_goal__title",
    ],
)
def test_an_unknown_sort_field_is_a_400_naming_the_parameter(data: World, query: str) -> None:
    response = management(data).get(f"{API}/{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["/ordering"]
    assert errors[0]["message"].startswith(f"Nach „{query.split('=')[1].split(',')[-1]}“ kann")
    assert "möglich sind" in errors[0]["message"]


def test_the_message_follows_the_requested_language(data: World) -> None:
    response = management(data).get(
        f"{API}/departments/?ordering=parent", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.json()["errors"][0]["message"] == (
        "Cannot sort by “parent”; possible are code, name (with a minus in front: descending)."
    )


def test_a_field_named_twice_counts_once(data: World) -> None:
    client = management(data)
    once = client.get(f"{API}/departments/?ordering=-name").json()["results"]
    twice = client.get(f"{API}/departments/?ordering=-name,name,-name").json()["results"]

    assert once == twice


def cursor_of(url: str) -> str:
    return parse_qs(urlparse(url).query)["cursor"][0]


def forged(**tokens: str) -> str:
    return base64.b64encode(urlencode(tokens).encode("ascii")).decode("ascii")


def test_a_cursor_of_another_sort_order_is_refused_with_a_reason(data: World) -> None:
    client = management(data)
    by_name = client.get(f"{API}/departments/?ordering=name&page_size=2").json()
    cursor = cursor_of(by_name["next"])

    response = client.get(f"{API}/departments/?ordering=code&cursor={cursor}")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert "anderen Sortierung" in response.json()["detail"]


@pytest.mark.parametrize(
    "cursor",
    [
        "nicht-base64!",
        base64.b64encode(b"\xff\xfe").decode(),
        forged(s="code,id"),
        forged(s="code,id", p="kein json"),
        forged(s="code,id", p=json.dumps(["FD 31"])),
        forged(s="code,id", p=json.dumps(["FD 31", "eins"])),
        forged(s="code,id", p=json.dumps(["FD 31", "9" * 40])),
        forged(s="code,id", p=json.dumps(["FD\x0031", "1"])),
        forged(s="code,id", p=json.dumps([None, "1"])),
        forged(s="code,id", p=json.dumps([["FD 31"], "1"])),
        forged(s="code,id", p=json.dumps(["FD 31", "1"]), r="x"),
    ],
)
def test_a_broken_cursor_is_a_404_not_an_error(data: World, cursor: str) -> None:
    response = management(data).get(f"{API}/departments/?ordering=code&cursor={cursor}")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("ordering", "position"),
    [("cost,id", ["NaN", "1"]), ("cost,id", ["1e400", "1"]), ("due_date,id", ["2027-02-30", "1"])],
)
def test_a_cursor_value_the_field_cannot_hold_is_a_404(
    data: World, ordering: str, position: list[str]
) -> None:
    cursor = forged(s=ordering, p=json.dumps(position))
    url = f"{API}/measures/?ordering={ordering.split(',')[0]}&cursor={cursor}"

    assert management(data).get(url).status_code == 404


# --- query counts -------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize(
    "endpoint", [e for e in SORTABLE if e != "notifications" and e not in COUNCIL]
)
def test_sorting_costs_no_query(request: pytest.FixtureRequest, endpoint: str) -> None:
    rows = "consultation_data" if endpoint in CONSULTATION else "data"
    client = management(request.getfixturevalue(rows))
    plain = count_queries(client, f"{API}/{endpoint}/?page_size=2")
    page = client.get(f"{API}/{endpoint}/?page_size=2").json()
    assert page["next"], "needs a second page"
    for name in SORTABLE[endpoint][1]:
        first = client.get(f"{API}/{endpoint}/?ordering=-{name}&page_size=2").json()
        assert count_queries(client, f"{API}/{endpoint}/?ordering=-{name}&page_size=2") == plain
        if first["next"]:
            assert count_queries(client, first["next"]) == plain, name


def test_every_sort_field_of_the_schema_is_specified_here(data: World) -> None:
    schema = management(data).get(f"{API}/schema/?format=json").json()
    offered = {}
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["name"] == "ordering":
                endpoint = path.removeprefix(f"{API}/").strip("/")
                offered[endpoint] = {v for v in parameter["schema"]["items"]["enum"]}
    assert offered == {
        endpoint: {f"{sign}{name}" for name in fields for sign in ("", "-")}
        for endpoint, (_model, fields) in SORTABLE.items()
        if endpoint != "notifications"
    } | {"notifications": {"created_at", "-created_at", "kind", "-kind"}}


# --- any data, any order, any page size ---------------------------------------------------

MEASURE_FIELDS = SORTABLE["measures"][1]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 2),
            st.sampled_from(["a", "B", "b", "Ä", "a b"]),
            st.none() | st.sampled_from([dt.date(2027, 1, 1), dt.date(2026, 12, 31)]),
            st.none() | st.sampled_from([Decimal("0"), Decimal("0.5"), Decimal("12")]),
        ),
        min_size=0,
        max_size=12,
    ),
    terms=st.lists(
        st.tuples(st.sampled_from(sorted(MEASURE_FIELDS)), st.booleans()),
        min_size=1,
        max_size=3,
        unique_by=lambda term: term[0],
    ),
    page_size=st.integers(1, 5),
)
def test_any_rows_in_any_order_page_exactly(
    world: World,
    rows: list[tuple[int, str, dt.date | None, Decimal | None]],
    terms: list[tuple[str, bool]],
    page_size: int,
) -> None:
    """Each example in a savepoint rolled back at its end: the next starts from the world."""
    with transaction.atomic():
        goal = operative_goal(world.body)
        Measure.objects.bulk_create(
            Measure(
                body=world.body,
                operative_goal=goal,
                key=f"m{i}",
                title=title,
                position=position,
                due_date=due_date,
                cost=cost,
            )
            for i, (position, title, due_date, cost) in enumerate(rows)
        )
        ordering = ",".join(("-" if descending else "") + name for name, descending in terms)
        measures = Measure.objects.filter(body=world.body)
        expected = expected_ids(measures, MEASURE_FIELDS, ordering)

        assert_pages(management(world), f"{API}/measures/?ordering={ordering}", expected, page_size)
        transaction.set_rollback(True)
