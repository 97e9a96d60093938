"""POST /api/v1/indicators/{id}/actuals/: importing actual values through the service's rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from planning_cycle.models import Indicator, IndicatorValue, Product, TokenScope, ValueKind
from planning_cycle.services.tokens import api_token_create
from tests.support.workflows import operative_goal, walk
from tests.support.world import World, build_world
from workflows.models import DepartmentReview

PROBLEM = "application/problem+json"

# Who may set an actual value of FD 31's indicators (the world's department), as the
# service decides it: FD 31's editor and head; nobody else, also not management.
ROLES = {
    "department_head": True,
    "department_editor": True,
    "other_department_head": False,
    "management": False,
    "strategy_unit": False,
    "committee_secretary": False,
    "council_member": False,
    "external_stakeholder": False,
}


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def indicators(world: World) -> dict[str, Indicator]:
    """An indicator of an operative goal of FD 31 and one of FD 31's product."""
    goal = operative_goal(world.body)
    goal.departments.add(world.department)
    product = Product.objects.create(
        body=world.body, code="1.1", name="Produkt", department=world.department
    )
    return {
        "goal": Indicator.objects.create(
            body=world.body, key="k-goal", name="Quote", unit="%", operative_goal=goal
        ),
        "product": Indicator.objects.create(
            body=world.body, key="k-product", name="Fälle", unit="Anzahl", product=product
        ),
    }


def as_user(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def post(client: Client, indicator: Indicator, body: Any, **headers: Any) -> Any:
    return client.post(
        f"/api/v1/indicators/{indicator.pk}/actuals/",
        body,
        content_type="application/json",
        **headers,
    )


def actual(indicator: Indicator, year: int = 2025) -> Decimal | None:
    return (
        IndicatorValue.objects.filter(indicator=indicator, year=year, kind=ValueKind.ACTUAL)
        .values_list("value", flat=True)
        .first()
    )


@pytest.mark.parametrize(("role", "allowed"), ROLES.items())
@pytest.mark.parametrize("subject", ["goal", "product"])
def test_who_may_import_an_actual(
    world: World, indicators: dict[str, Indicator], role: str, allowed: bool, subject: str
) -> None:
    indicator = indicators[subject]

    response = post(as_user(world, role), indicator, {"year": 2025, "value": "12.5"})

    if allowed:
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["indicator"], body["year"], body["kind"]) == (indicator.pk, 2025, "actual")
        assert Decimal(body["value"]) == Decimal("12.5")
        assert actual(indicator) == Decimal("12.5")
    else:
        assert response.status_code == 403
        assert response["Content-Type"] == PROBLEM
        assert actual(indicator) is None


@pytest.mark.parametrize("review_state", ["submitted", "accepted"])
def test_the_actual_is_locked_once_the_review_is_submitted(
    world: World, indicators: dict[str, Indicator], review_state: str
) -> None:
    # The review of cycle 2026 reports on 2025.
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    walk(review, review_state, world.users)

    response = post(
        as_user(world, "department_editor"), indicators["goal"], {"year": 2025, "value": 3}
    )

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"]
    assert actual(indicators["goal"]) is None


def test_a_returned_review_opens_the_actual_again(
    world: World, indicators: dict[str, Indicator]
) -> None:
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    walk(review, "returned", world.users)

    response = post(
        as_user(world, "department_head"), indicators["goal"], {"year": 2025, "value": 3}
    )

    assert response.status_code == 200
    assert actual(indicators["goal"]) == Decimal(3)


def test_numbers_and_strings_upsert_one_row(world: World, indicators: dict[str, Indicator]) -> None:
    client, indicator = as_user(world, "department_editor"), indicators["goal"]

    assert post(client, indicator, {"year": 2025, "value": 1}).status_code == 200
    assert post(client, indicator, {"year": 2025, "value": 2.25}).status_code == 200
    assert post(client, indicator, {"year": 2025, "value": "-1.2345"}).status_code == 200

    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1
    assert actual(indicator) == Decimal("-1.2345")


@pytest.mark.parametrize("empty", [None, ""])
def test_an_empty_value_removes_the_actual(
    world: World, indicators: dict[str, Indicator], empty: str | None
) -> None:
    client, indicator = as_user(world, "department_editor"), indicators["goal"]
    post(client, indicator, {"year": 2025, "value": "4"})

    response = post(client, indicator, {"year": 2025, "value": empty})

    assert response.status_code == 204
    assert actual(indicator) is None


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"year": 2025, "value": "abc"}, "/value", "Zahl"),
        ({"year": 2025, "value": "NaN"}, "/value", "Zahl"),
        ({"year": 2025, "value": "1.23456"}, "/value", "Nachkommastellen"),
        ({"year": 2025, "value": "1000000000000"}, "/value", "zu groß"),
        ({"year": 2025, "value": "1e30"}, "/value", "zu groß"),
        ({"year": 2025, "value": 10**30}, "/value", "zu groß"),
        ({"year": 2025, "value": 10**40}, "/value", "40"),
        ({"year": 2025, "value": True}, "/value", "Zahl"),
        ({"year": 2025, "value": [1]}, "/value", "Zahl"),
        ({"year": 2025, "value": "1" * 41}, "/value", "40 Zeichen"),
        ({"year": 2025}, "/value", ""),
        ({"value": "1"}, "/year", ""),
        ({"year": "zwanzig", "value": "1"}, "/year", ""),
        ({"year": 1999, "value": "1"}, "/year", "zwischen"),
        ({"year": 2101, "value": "1"}, "/year", "zwischen"),
    ],
)
def test_invalid_input_names_the_field(
    world: World, indicators: dict[str, Indicator], body: dict[str, Any], field: str, words: str
) -> None:
    indicator = indicators["goal"]

    response = post(as_user(world, "department_editor"), indicator, body)

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert words in errors[0]["message"]
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


def test_a_body_that_is_not_json_is_refused(world: World, indicators: dict[str, Indicator]) -> None:
    response = post(as_user(world, "department_editor"), indicators["goal"], "{kaputt")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_the_messages_follow_the_requested_language(
    world: World, indicators: dict[str, Indicator]
) -> None:
    response = post(
        as_user(world, "department_editor"),
        indicators["goal"],
        {"year": 2025, "value": "abc"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json()["errors"][0]["message"] == "Please enter a number, for example 48.5."


def test_a_read_only_token_cannot_import(world: World, indicators: dict[str, Indicator]) -> None:
    _token, secret = api_token_create(
        acting_user=world.users["department_editor"], name="Lesen", scope=TokenScope.READ
    )

    response = post(Client(), indicators["goal"], {"year": 2025, "value": "1"}, **bearer(secret))

    assert response.status_code == 403
    assert "nur lesen" in response.json()["detail"]
    assert actual(indicators["goal"]) is None


def test_a_read_write_token_imports(world: World, indicators: dict[str, Indicator]) -> None:
    _token, secret = api_token_create(
        acting_user=world.users["department_editor"],
        name="Fachverfahren",
        scope=TokenScope.READ_WRITE,
    )

    response = post(Client(), indicators["goal"], {"year": 2025, "value": "7"}, **bearer(secret))

    assert response.status_code == 200, response.content
    assert actual(indicators["goal"]) == Decimal(7)


def test_a_token_of_a_refused_role_is_refused(
    world: World, indicators: dict[str, Indicator]
) -> None:
    _token, secret = api_token_create(
        acting_user=world.users["management"], name="Skript", scope=TokenScope.READ_WRITE
    )

    response = post(Client(), indicators["goal"], {"year": 2025, "value": "7"}, **bearer(secret))

    assert response.status_code == 403
    assert actual(indicators["goal"]) is None


def test_another_bodys_indicator_is_not_found(world: World) -> None:
    other = build_world(key="andere-kommune")
    goal = operative_goal(other.body)
    goal.departments.add(other.department)
    foreign = Indicator.objects.create(
        body=other.body, key="k", name="Quote", unit="%", operative_goal=goal
    )

    response = post(as_user(world, "department_editor"), foreign, {"year": 2025, "value": "1"})

    assert response.status_code == 404
    assert not IndicatorValue.objects.filter(indicator=foreign).exists()


def test_get_is_not_allowed_on_actuals(world: World, indicators: dict[str, Indicator]) -> None:
    client = as_user(world, "department_editor")

    response = client.get(f"/api/v1/indicators/{indicators['goal'].pk}/actuals/")

    assert response.status_code == 405
