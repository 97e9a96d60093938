"""The framework page and the plan page's budget panel (issue 12, item 6)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planning_cycle.models import BudgetCeiling, ProductBudget, SavingsTarget
from tests.support.budgets import WARNING, framework, plan_in_planning, products_with_budgets
from tests.support.web import ROLES
from tests.support.world import World, build_world
from workflows.models import DepartmentPlan


def stamp(html: str) -> str:
    match = re.search(r'name="expected_updated_at" value="([^"]*)"', html)
    assert match, "no edit form"
    return match.group(1)


def framework_url(world: World) -> str:
    return f"/zyklen/{world.cycle.pk}/rahmenvorgaben/"


@pytest.mark.parametrize("role", ROLES)
def test_framework_page_by_role(world: World, client_for, role: str) -> None:
    response = client_for(world.users[role]).get(framework_url(world))
    if role == "management":
        assert response.status_code == 200
        assert f'name="obergrenze-{world.department.pk}"' in response.content.decode()
    elif role == "strategy_unit":
        assert response.status_code == 200  # reads, cannot change
        assert 'name="obergrenze-' not in response.content.decode()
    elif role == "external_stakeholder":
        assert "obergrenze" not in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["strategy_unit", "department_head"])
def test_only_management_posts_the_framework(world: World, client_for, role: str) -> None:
    response = client_for(world.users[role]).post(
        framework_url(world), {"sparziel": "1", f"obergrenze-{world.department.pk}": "5"}
    )
    assert response.status_code == 403
    assert not BudgetCeiling.objects.exists()


def test_another_bodys_cycle_is_not_found(world: World, client_for) -> None:
    other = build_world(key="andere")
    response = client_for(other.users["management"]).get(framework_url(world))
    assert response.status_code == 404


def test_management_enters_the_framework_in_one_table(world: World, client_for) -> None:
    client = client_for(world.users["management"])
    d1, d2, d3 = world.departments
    response = client.post(
        framework_url(world),
        {
            "sparziel": "1",
            f"obergrenze-{d1.pk}": "1.200.000",
            f"sparziel-{d1.pk}": "",
            f"obergrenze-{d2.pk}": "950000,50",
            f"sparziel-{d2.pk}": "2,5",
            f"obergrenze-{d3.pk}": "",
            f"sparziel-{d3.pk}": "",
        },
    )
    assert response.status_code == 302
    assert dict(BudgetCeiling.objects.values_list("department__code", "amount")) == {
        "FD 31": Decimal("1200000.00"),
        "FD 32": Decimal("950000.50"),
    }
    assert dict(SavingsTarget.objects.values_list("department__code", "percent")) == {
        None: Decimal("1.00"),
        "FD 32": Decimal("2.50"),
    }
    html = client.get(framework_url(world)).content.decode()
    assert 'value="1200000"' in html and 'value="950000,5"' in html


def test_bad_rows_are_named_and_the_input_kept(world: World, client_for) -> None:
    client = client_for(world.users["management"])
    d1, d2, _d3 = world.departments
    other = build_world(key="andere")
    response = client.post(
        framework_url(world),
        {
            "sparziel": "1",
            f"obergrenze-{d1.pk}": "-5",
            f"obergrenze-{d2.pk}": "100",
            f"obergrenze-{other.department.pk}": "100",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "FD 31: Obergrenze darf nicht negativ sein." in html
    assert f'id="zeile-{d1.pk}-error"' in html and 'aria-invalid="true"' in html
    assert 'value="-5"' in html  # the input is kept
    assert f"Organisationseinheit {other.department.pk} gibt es in dieser Kommune nicht." in html
    assert not BudgetCeiling.objects.exists()


def plan_url(plan: DepartmentPlan) -> str:
    return f"/planungen/{plan.pk}/"


def test_the_plan_page_shows_planned_ceiling_and_savings_in_words(world: World, client_for) -> None:
    plan = plan_in_planning(world)
    products_with_budgets(world)
    framework(world)
    html = client_for(world.users["department_editor"]).get(plan_url(plan)).content.decode()
    assert "Haushalt 2027" in html
    assert WARNING in html
    assert "überschritten um 34.567 €" in html
    assert "Budget 2026 (Vorjahr)" in html and "1.000.000 €" in html
    assert "-234.567 € (-23,46 %)" in html
    assert "1 % des Vorjahresbudgets (10.000 €)" in html and "nicht erreicht" in html
    assert 'name="betrag-' in html


def test_the_council_member_sees_no_draft_budget(world: World, client_for) -> None:
    plan = plan_in_planning(world)
    products_with_budgets(world)
    response = client_for(world.users["council_member"]).get(plan_url(plan))
    assert "Haushalt 2027" not in response.content.decode()


def test_the_editor_saves_planned_budgets(world: World, client_for) -> None:
    plan = plan_in_planning(world)
    first, second = products_with_budgets(world)
    client = client_for(world.users["department_editor"])
    response = client.post(
        f"{plan_url(plan)}haushalt/",
        {f"betrag-{first.pk}": "790.000,00", f"betrag-{second.pk}": ""},
    )
    assert response.status_code == 302
    assert list(ProductBudget.objects.filter(year=2027).values_list("product__code", "amount")) == [
        ("11.1", Decimal("790000.00"))
    ]


def test_a_bad_amount_is_named_at_its_product(world: World, client_for) -> None:
    plan = plan_in_planning(world)
    first, _second = products_with_budgets(world)
    foreign = products_with_budgets(world, world.departments[1], prefix="X")[0]
    client = client_for(world.users["department_head"])
    response = client.post(
        f"{plan_url(plan)}haushalt/", {f"betrag-{first.pk}": "-1", f"betrag-{foreign.pk}": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Produkt 11.1: Ansatz darf nicht negativ sein." in html
    assert f'aria-describedby="betrag-{first.pk}-error"' in html
    assert f"Produkt {foreign.pk} gehört nicht zu FD 31." in html
    assert ProductBudget.objects.get(product=first, year=2027).amount == Decimal("834567.00")


def test_a_submitted_plans_budget_is_locked(world: World, client_for) -> None:
    plan = plan_in_planning(world)
    first, _second = products_with_budgets(world)
    client = client_for(world.users["department_head"])
    html = client.get(plan_url(plan)).content.decode()
    client.post(
        f"{plan_url(plan)}bearbeiten/",
        {"summary": "x", "expected_updated_at": stamp(html), "action": "submit"},
    )
    assert client.get(plan_url(plan)).content.decode().count('name="betrag-') == 0
    response = client.post(f"{plan_url(plan)}haushalt/", {f"betrag-{first.pk}": "1"})
    assert response.status_code == 409


def test_submitting_over_the_ceiling_asks_for_confirmation(world: World, client_for) -> None:
    plan = plan_in_planning(world)
    products_with_budgets(world)
    framework(world)
    client = client_for(world.users["department_head"])
    html = client.get(plan_url(plan)).content.decode()
    assert 'name="confirm_warnings"' in html
    data = {"summary": "Plan 2027", "expected_updated_at": stamp(html), "action": "submit"}

    refused = client.post(f"{plan_url(plan)}bearbeiten/", data)

    assert refused.status_code == 400
    text = refused.content.decode()
    assert "bitte bestätigen Sie, dass Sie trotz des Hinweises einreichen möchten" in text
    assert WARNING in text and "Plan 2027" in text  # the input is kept
    plan.refresh_from_db()
    assert (plan.state, plan.summary) == ("draft", "")

    done = client.post(
        f"{plan_url(plan)}bearbeiten/", {**data, "confirm_warnings": "1"}, follow=True
    )

    plan.refresh_from_db()
    assert (plan.state, plan.summary) == ("submitted", "Plan 2027")
    assert WARNING in done.content.decode()  # said again with the success message


def test_within_the_ceiling_no_confirmation_is_asked(world: World, client_for) -> None:
    plan = plan_in_planning(world)
    products_with_budgets(world)
    framework(world, ceiling=Decimal("2000000"))
    client = client_for(world.users["department_head"])
    html = client.get(plan_url(plan)).content.decode()
    assert 'name="confirm_warnings"' not in html
    response = client.post(
        f"{plan_url(plan)}bearbeiten/",
        {"summary": "x", "expected_updated_at": stamp(html), "action": "submit"},
    )
    assert response.status_code == 302


def plan_page_queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_budget_panel_costs_the_same_queries_for_few_and_many_products(
    world: World, client_for
) -> None:
    plan = plan_in_planning(world)
    framework(world)
    client = client_for(world.users["department_head"])
    products_with_budgets(world, previous={"1": Decimal(1)}, planned={"1": Decimal(2)})
    few = plan_page_queries(client, plan_url(plan))
    products_with_budgets(
        world,
        previous={str(i): Decimal(i) for i in range(2, 40)},
        planned={str(i): Decimal(i) for i in range(2, 40)},
    )
    many = plan_page_queries(client, plan_url(plan))
    assert few == many


def test_the_framework_page_costs_the_same_queries_for_few_and_many_departments(
    db, client_for
) -> None:
    small, large = build_world(key="klein", departments=3), build_world(key="gross", departments=30)
    counts = []
    for w in (small, large):
        framework(w)
        counts.append(plan_page_queries(client_for(w.users["management"]), framework_url(w)))
    assert counts[0] == counts[1]
