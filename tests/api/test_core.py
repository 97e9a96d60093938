"""The core domain's read API: body scoping, roles, filters, paging and query counts.

External stakeholders are refused (403) on every core resource: the web shows them only a
notice until consultation rounds exist, and the API follows it; /me/ still answers them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from planning_cycle.models import (
    Body,
    Department,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    PolicyField,
    Product,
    ProductBudget,
    StrategicGoal,
    ValueKind,
    Vision,
)
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.cycles import cycle_create
from planning_cycle.services.tokens import api_token_create
from tests.support.world import World, build_world

LIST_ENDPOINTS = (
    "bodies",
    "departments",
    "cycles",
    "policy-fields",
    "strategic-goals",
    "operative-goals",
    "measures",
    "indicators",
    "indicator-values",
    "products",
    "product-budgets",
)


def add_rows(body: Body, department: Department, count: int, start: int = 0) -> None:
    """Add `count` rows of every core resource to the body (numbered from `start`)."""
    vision, _ = Vision.objects.get_or_create(body=body, key="leitbild", defaults={"title": "L"})
    for i in range(start, start + count):
        child = Department.objects.create(
            body=body, parent=department, code=f"UA {i:03d}", name=f"Unterabteilung {i}"
        )
        cycle_create(acting_user=SYSTEM, body=body, year=2030 + i)
        field = PolicyField.objects.create(
            body=body, vision=vision, key=f"pf-{i}", name=f"Politikfeld {i}", position=i
        )
        product = Product.objects.create(
            body=body, code=f"P.{i:03d}", name=f"Produkt {i}", department=child
        )
        ProductBudget.objects.create(body=body, product=product, year=2026, amount=Decimal(i))
        strategic = StrategicGoal.objects.create(
            body=body, policy_field=field, number=f"S{i}", title=f"Ziel {i}", position=i
        )
        strategic.products.add(product)
        goal = OperativeGoal.objects.create(
            body=body,
            strategic_goal=strategic,
            key=f"oz-{i}",
            number=f"{i}.1",
            title=f"Operatives Ziel {i}",
            position=i,
        )
        goal.departments.add(department, child)
        goal.products.add(product)
        Measure.objects.create(
            body=body,
            operative_goal=goal,
            key=f"m-{i}",
            title=f"Maßnahme {i}",
            owner=child,
            partners=["Kreissportbund"],
        )
        indicator = Indicator.objects.create(
            body=body, key=f"k-{i}", name=f"Kennzahl {i}", unit="%", operative_goal=goal
        )
        Indicator.objects.create(
            body=body, key=f"ks-{i}", name=f"Kennzahl S{i}", unit="%", strategic_goal=strategic
        )
        IndicatorValue.objects.create(
            body=body, indicator=indicator, year=2024, kind=ValueKind.BASELINE, value=1
        )
        IndicatorValue.objects.create(
            body=body, indicator=indicator, year=2026, kind=ValueKind.TARGET, value=2
        )


API = "/api/v1"
PROBLEM = "application/problem+json"
READERS = [
    role
    for role in (
        "management",
        "strategy_unit",
        "department_head",
        "department_editor",
        "other_department_head",
        "committee_secretary",
        "council_member",
    )
]


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def get(client: Client, path: str, **headers: Any) -> Any:
    return client.get(f"{API}/{path}", **headers)


def results(client: Client, path: str) -> list[dict[str, Any]]:
    response = get(client, path)
    assert response.status_code == 200, response.content
    return response.json()["results"]  # type: ignore[no-any-return]


@pytest.fixture
def rows(world: World) -> World:
    add_rows(world.body, world.department, 2)
    return world


@pytest.fixture
def other(db: None) -> World:
    other = build_world(key="andere-kommune")
    add_rows(other.body, other.department, 2, start=50)
    return other


def reader(world: World, role: str = "department_head") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


# --- body scoping -----------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_lists_never_contain_rows_of_another_body(rows: World, other: World, endpoint: str) -> None:
    client = reader(rows)
    ours = results(client, f"{endpoint}/?page_size=100")
    theirs = results(reader(other), f"{endpoint}/?page_size=100")

    assert ours and theirs
    assert not {r["id"] for r in ours} & {r["id"] for r in theirs}
    for row in theirs:
        response = get(client, f"{endpoint}/{row['id']}/")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM


def test_the_body_list_holds_the_users_own_body_only(rows: World, other: World) -> None:
    client = reader(rows)

    assert [b["id"] for b in results(client, "bodies/")] == [rows.body.pk]
    assert get(client, f"bodies/{rows.body.pk}/").json()["key"] == rows.body.key
    assert get(client, f"bodies/{other.body.pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "departments/{department}/",
        "cycles/{cycle}/",
        "operative-goals/{goal}/",
        "indicators/{indicator}/",
    ],
)
def test_another_bodys_object_is_not_found(rows: World, other: World, path: str) -> None:
    ids = {
        "department": other.department.pk,
        "cycle": other.cycle.pk,
        "goal": OperativeGoal.objects.filter(body=other.body).first().pk,  # type: ignore[union-attr]
        "indicator": Indicator.objects.filter(body=other.body).first().pk,  # type: ignore[union-attr]
    }

    response = get(reader(rows, "management"), path.format(**ids))

    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_filters_on_ids_of_another_body_find_nothing(rows: World, other: World) -> None:
    client = reader(rows)

    assert results(client, f"departments/?parent={other.department.pk}") == []
    assert results(client, f"operative-goals/?department={other.department.pk}") == []


@pytest.mark.parametrize("path", ["departments/abc/", "cycles/99999999999999999999/"])
def test_malformed_or_huge_ids_are_not_found(rows: World, path: str) -> None:
    assert get(reader(rows), path).status_code == 404


# --- who may read -----------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("endpoint", [*LIST_ENDPOINTS, "catalog"])
def test_every_role_of_the_body_reads(rows: World, role: str, endpoint: str) -> None:
    response = get(reader(rows, role), f"{endpoint}/")

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("endpoint", [*LIST_ENDPOINTS, "catalog"])
def test_external_stakeholders_are_refused(rows: World, endpoint: str) -> None:
    client = reader(rows, "external_stakeholder")

    response = get(client, f"{endpoint}/")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert "Externe Beteiligte" in response.json()["detail"]
    assert get(client, "me/").status_code == 200


def test_external_stakeholders_cannot_read_one_object_either(rows: World) -> None:
    client = reader(rows, "external_stakeholder")

    assert get(client, f"departments/{rows.department.pk}/").status_code == 403


def test_a_platform_administrator_without_body_is_refused(rows: World) -> None:
    admin = build_world(key="ohne").users["management"]
    admin.body = None
    admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)

    assert get(client, "departments/").status_code == 403


def test_without_credentials_the_answer_is_401(rows: World) -> None:
    assert get(Client(), "departments/").status_code == 401


def test_a_read_token_reads(rows: World) -> None:
    _token, secret = api_token_create(
        acting_user=rows.users["council_member"], name="Ratsinfo", scope="read"
    )

    response = get(Client(), "operative-goals/", **bearer(secret))

    assert response.status_code == 200
    assert {g["key"] for g in response.json()["results"]} == {"oz-0", "oz-1"}


# --- shapes and filters -----------------------------------------------------------------


def test_a_cycle_carries_its_phase_deadlines(rows: World) -> None:
    cycle = get(reader(rows), f"cycles/{rows.cycle.pk}/").json()

    assert cycle["year"] == 2026 and cycle["phase"] == "goal_review"
    phases = [d["phase"] for d in cycle["deadlines"]]
    assert "goal_review" in phases and "budget_resolution" in phases
    dates = [d["due_date"] for d in cycle["deadlines"]]
    assert dates == sorted(dates)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cycles/?year=2031", {"year": [2031]}),
        ("cycles/?phase=closed", {"year": []}),
        ("cycles/?phase=goal_review&year=2026", {"year": [2026]}),
        ("departments/?takes_part=true&parent={department}", {"code": ["UA 000", "UA 001"]}),
        ("operative-goals/?number=1.1", {"key": ["oz-1"]}),
        ("operative-goals/?department={department}", {"key": ["oz-0", "oz-1"]}),
        ("operative-goals/?strategic_goal={strategic}", {"key": ["oz-0"]}),
        ("strategic-goals/?number=S1", {"number": ["S1"]}),
        ("measures/?operative_goal={goal}", {"key": ["m-0"]}),
        ("indicators/?operative_goal={goal}", {"key": ["k-0"]}),
        ("indicators/?strategic_goal={strategic}", {"key": ["ks-0"]}),
        ("indicator-values/?indicator={indicator}&kind=target", {"year": [2026]}),
        ("indicator-values/?indicator={indicator}&year=2024", {"kind": ["baseline"]}),
        ("products/?code=P.001", {"code": ["P.001"]}),
        ("product-budgets/?year=2026", {"amount": ["0.00", "1.00"]}),
    ],
)
def test_filters(rows: World, query: str, expected: dict[str, list[Any]]) -> None:
    goal = OperativeGoal.objects.get(body=rows.body, key="oz-0")
    ids = {
        "department": rows.department.pk,
        "strategic": goal.strategic_goal_id,
        "goal": goal.pk,
        "indicator": Indicator.objects.get(body=rows.body, key="k-0").pk,
    }
    ((field, values),) = expected.items()

    found = results(reader(rows), query.format(**ids))

    assert [r[field] for r in found] == values


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("cycles/?year=zwei", "year"),
        ("cycles/?phase=unbekannt", "phase"),
        ("departments/?parent=1.5", "parent"),
        ("indicator-values/?kind=x", "kind"),
    ],
)
def test_invalid_filters_are_400_naming_the_parameter(
    rows: World, query: str, parameter: str
) -> None:
    response = get(reader(rows), query)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == [f"/{parameter}"]


def test_operative_goal_shows_departments_and_products(rows: World) -> None:
    goal = OperativeGoal.objects.get(body=rows.body, key="oz-0")

    shown = get(reader(rows), f"operative-goals/{goal.pk}/").json()

    assert sorted(shown["departments"]) == sorted(goal.departments.values_list("pk", flat=True))
    assert shown["products"] == [Product.objects.get(body=rows.body, code="P.000").pk]


def test_the_catalog_is_one_tree(rows: World) -> None:
    catalog = get(reader(rows), "catalog/").json()

    assert [v["key"] for v in catalog["visions"]] == ["leitbild"]
    fields = catalog["policy_fields"]
    assert [f["key"] for f in fields] == ["pf-0", "pf-1"]
    strategic = fields[0]["strategic_goals"][0]
    assert strategic["number"] == "S0"
    assert [i["key"] for i in strategic["indicators"]] == ["ks-0"]
    operative = strategic["operative_goals"][0]
    assert operative["key"] == "oz-0"
    assert [m["key"] for m in operative["measures"]] == ["m-0"]
    values = operative["indicators"][0]["values"]
    assert [(v["year"], v["kind"]) for v in values] == [(2024, "baseline"), (2026, "target")]


def test_pages_follow_the_cursor_without_gaps_or_repeats(rows: World) -> None:
    add_rows(rows.body, rows.department, 5, start=10)
    client = reader(rows)
    seen: list[int] = []
    url: str | None = f"{API}/measures/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [m["id"] for m in page["results"]]
        url = page["next"]

    assert seen == sorted(Measure.objects.filter(body=rows.body).values_list("pk", flat=True))


# --- query counts -----------------------------------------------------------------------


def count_queries(client: Client, path: str, **headers: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = get(client, path, **headers)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("endpoint", [*LIST_ENDPOINTS, "catalog"])
def test_list_query_count_does_not_grow_with_the_rows(
    world: World, endpoint: str, record_property: Any
) -> None:
    add_rows(world.body, world.department, 2)
    client = reader(world)
    path = f"{endpoint}/?page_size=100"
    few = count_queries(client, path)
    few_rows = len(get(client, path).json().get("results", []))

    add_rows(world.body, world.department, 18, start=2)
    many = count_queries(client, path)
    many_rows = len(get(client, path).json().get("results", []))

    record_property("queries", many)
    assert endpoint in ("bodies", "catalog") or many_rows > few_rows
    assert few == many, f"{endpoint}: {few} queries for few rows, {many} for many"


def test_a_token_costs_one_query_less_than_a_session(world: World) -> None:
    add_rows(world.body, world.department, 2)
    _token, secret = api_token_create(
        acting_user=world.users["department_head"], name="Skript", scope="read"
    )
    script = Client()
    few = count_queries(script, "operative-goals/?page_size=100", **bearer(secret))
    add_rows(world.body, world.department, 18, start=2)
    many = count_queries(script, "operative-goals/?page_size=100", **bearer(secret))

    assert few == many == count_queries(reader(world), "operative-goals/?page_size=100") - 1


def test_every_core_operation_is_named_and_tagged_in_the_schema(world: World) -> None:
    client = reader(world)
    schema = client.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    core = {
        path: operations
        for path, operations in schema["paths"].items()
        if path.split("/")[3] in {*LIST_ENDPOINTS, "catalog"} and "transitions" not in path
    }

    # List and one object each, the catalog, the actuals, a cycle's framework and its
    # milestones (the list, one milestone, marking one done).
    assert len(core) == 2 * len(LIST_ENDPOINTS) + 6
    for path, operations in core.items():
        for method, operation in operations.items():
            if method in ("get", "post"):
                assert operation["summary"] and operation["summary"].isascii(), path
                assert operation["tags"] == [path.split("/")[3]], path
    actuals = core[f"{API}/indicators/{{id}}/actuals/"]["post"]
    assert actuals["operationId"] == "indicators_actual_set"
    assert set(actuals["requestBody"]["content"]["application/json"]["schema"].values()) == {
        "#/components/schemas/ActualInputRequest"
    }
