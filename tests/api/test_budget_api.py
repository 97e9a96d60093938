"""The budget in the API: the plan's budget, the cycle's framework, warnings of transitions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from planning_cycle.models import BudgetCeiling, ProductBudget
from tests.support.api import bearer
from tests.support.budgets import WARNING, framework, plan_in_planning, products_with_budgets
from tests.support.web import ROLES
from tests.support.world import World, build_world


@pytest.fixture
def api(token_for):  # type: ignore[no-untyped-def]
    def make(user):  # type: ignore[no-untyped-def]
        client = Client()
        client.defaults.update(bearer(token_for(user)))
        return client

    return make


def test_the_plan_budget_reads_planned_against_ceiling(world: World, api) -> None:
    plan = plan_in_planning(world)
    products_with_budgets(world)
    framework(world)
    body = api(world.users["department_editor"]).get(f"/api/v1/plans/{plan.pk}/budget/").json()
    assert body["planning_year"] == 2027 and body["previous_year"] == 2026
    assert Decimal(body["planned"]) == Decimal("1234567")
    assert Decimal(body["ceiling"]) == Decimal("1200000")
    assert Decimal(body["excess"]) == Decimal("34567")
    assert Decimal(body["savings_percent"]) == Decimal("-23.46")
    assert body["savings_met"] is False
    assert body["warning"] == WARNING
    assert [p["code"] for p in body["products"]] == ["11.1", "11.2"]


def test_the_plan_budget_is_patched_through_the_service(world: World, api) -> None:
    plan = plan_in_planning(world)
    first, second = products_with_budgets(world)
    client = api(world.users["department_head"])
    response = client.patch(
        f"/api/v1/plans/{plan.pk}/budget/",
        {
            "products": [
                {"product": first.pk, "amount": "100.5"},
                {"product": second.pk, "amount": None},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Decimal(response.json()["planned"]) == Decimal("100.50")
    assert list(ProductBudget.objects.filter(year=2027).values_list("amount", flat=True)) == [
        Decimal("100.50")
    ]


def test_bad_plan_budgets_are_named(world: World, api) -> None:
    plan = plan_in_planning(world)
    first, _second = products_with_budgets(world)
    response = api(world.users["department_head"]).patch(
        f"/api/v1/plans/{plan.pk}/budget/",
        {"products": [{"product": first.pk, "amount": "-1"}, {"product": 99999999, "amount": "1"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Produkt 11.1: Ansatz darf nicht negativ sein." in text
    assert "Produkt 99999999 gehört nicht zu FD 31." in text


@pytest.mark.parametrize("role", ["management", "council_member", "other_department_head"])
def test_others_may_not_patch_the_plan_budget(world: World, api, role: str) -> None:
    plan = plan_in_planning(world)
    first, _second = products_with_budgets(world)
    response = api(world.users[role]).patch(
        f"/api/v1/plans/{plan.pk}/budget/",
        {"products": [{"product": first.pk, "amount": "1"}]},
        content_type="application/json",
    )
    # Who may not see the draft does not find it; who sees it may not edit it.
    assert response.status_code in (403, 404)
    assert ProductBudget.objects.get(product=first, year=2027).amount == Decimal("834567")


def test_transitions_and_their_result_carry_the_warning(world: World, api) -> None:
    plan = plan_in_planning(world)
    products_with_budgets(world)
    framework(world)
    client = api(world.users["department_head"])
    options = client.get(f"/api/v1/plans/{plan.pk}/transitions/").json()
    submit = next(o for o in options if o["name"] == "submit")
    assert submit["enabled"] is True and submit["warnings"] == [WARNING]
    fired = client.post(
        f"/api/v1/plans/{plan.pk}/transitions/submit/", {}, content_type="application/json"
    )
    assert fired.status_code == 200
    assert fired.json()["state"] == "submitted" and fired.json()["warnings"] == [WARNING]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "external_stakeholder"])
def test_framework_reads_by_role(world: World, api, role: str) -> None:
    framework(world)
    response = api(world.users[role]).get(f"/api/v1/cycles/{world.cycle.pk}/framework/")
    if role in ("management", "strategy_unit"):
        assert response.status_code == 200
        body = response.json()
        assert Decimal(body["savings_percent"]) == Decimal(1)
        assert body["editable"] is (role == "management")
        assert Decimal(body["departments"][0]["ceiling"]) == Decimal("1200000")
    else:
        assert response.status_code == 403


def put(client: Client, world: World, data: dict) -> object:  # type: ignore[type-arg]
    return client.put(
        f"/api/v1/cycles/{world.cycle.pk}/framework/", data, content_type="application/json"
    )


@pytest.mark.parametrize("role", ["management", "strategy_unit", "department_head"])
def test_framework_put_by_role(world: World, api, role: str) -> None:
    data = {
        "savings_percent": "1",
        "departments": [{"department": world.department.pk, "ceiling": "5"}],
    }
    response = put(api(world.users[role]), world, data)
    if role == "management":
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert BudgetCeiling.objects.get().amount == Decimal(5)
    else:
        assert response.status_code == 403  # type: ignore[attr-defined]
        assert not BudgetCeiling.objects.exists()


def test_framework_put_names_bad_lines(world: World, api) -> None:
    other = build_world(key="andere")
    data = {
        "savings_percent": "1",
        "departments": [
            {"department": world.department.pk, "ceiling": "-1"},
            {"department": other.department.pk, "ceiling": "1"},
        ],
    }
    response = put(api(world.users["management"]), world, data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    text = response.content.decode()  # type: ignore[attr-defined]
    assert "FD 31: Obergrenze darf nicht negativ sein." in text
    assert f"Organisationseinheit {other.department.pk} gibt es in dieser Kommune nicht." in text
    assert not BudgetCeiling.objects.exists()


def test_framework_put_refuses_unknown_fields_and_foreign_cycles(world: World, api) -> None:
    client = api(world.users["management"])
    response = put(client, world, {"savings_percent": "1", "departments": [], "ceiling": "1"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json()["errors"][0]["field"] == "/ceiling"  # type: ignore[attr-defined]
    other = build_world(key="andere")
    response = client.get(f"/api/v1/cycles/{other.cycle.pk}/framework/")
    assert response.status_code == 404
