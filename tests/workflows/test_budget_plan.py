"""The plan's budget: editing the planned amounts, and the ceiling warning before submission."""

from __future__ import annotations

from decimal import Decimal

import pytest
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import ProductBudget
from tests.support.budgets import WARNING, framework, plan_in_planning, products_with_budgets
from tests.support.workflows import walk
from tests.support.world import World
from workflows.services.content import ContentError
from workflows.services.transitions import (
    transition_fire,
    transition_warnings,
    transitions_available,
)
from workflows.submissions.budgets import BudgetInputError, plan_budget_set

EDITORS = {"department_head", "department_editor"}


def planned(product_id: int) -> Decimal | None:
    return (
        ProductBudget.objects.filter(product_id=product_id, year=2027)
        .values_list("amount", flat=True)
        .first()
    )


@pytest.mark.parametrize(
    "role",
    [
        "management",
        "strategy_unit",
        "department_head",
        "department_editor",
        "other_department_head",
        "council_member",
    ],
)
@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "approved"])
def test_who_edits_the_planned_budgets_in_which_state(world: World, role: str, state: str) -> None:
    plan = plan_in_planning(world)
    product = products_with_budgets(world)[0]
    plan = walk(plan, state, world.users)  # type: ignore[assignment]
    act = lambda: plan_budget_set(  # noqa: E731
        acting_user=world.users[role], plan=plan, amounts={product.pk: "700000.5"}
    )
    if role not in EDITORS:
        with pytest.raises(ContentError) as refused:
            act()
        assert refused.value.status == 403
    elif state in ("draft", "returned"):
        act()
        assert planned(product.pk) == Decimal("700000.50")
    else:
        with pytest.raises(ContentError) as refused:
            act()
        assert refused.value.status == 409
        assert planned(product.pk) == Decimal("834567.00")


def test_bad_amounts_are_named_per_product_and_nothing_is_written(world: World) -> None:
    plan = plan_in_planning(world)
    first, second = products_with_budgets(world)
    foreign = products_with_budgets(world, world.departments[1], prefix="X")[0]
    with pytest.raises(BudgetInputError) as refused:
        plan_budget_set(
            acting_user=world.users["department_head"],
            plan=plan,
            amounts={first.pk: "1", second.pk: "-5", foreign.pk: "3"},
        )
    assert refused.value.errors == {
        second.pk: "Produkt 11.2: Ansatz darf nicht negativ sein.",
        foreign.pk: f"Produkt {foreign.pk} gehört nicht zu FD 31.",
    }
    assert planned(first.pk) == Decimal("834567.00")


def test_an_empty_amount_removes_the_planned_budget(world: World) -> None:
    plan = plan_in_planning(world)
    first, _second = products_with_budgets(world)
    plan_budget_set(acting_user=world.users["department_editor"], plan=plan, amounts={first.pk: ""})
    assert planned(first.pk) is None


def test_submitting_over_the_ceiling_warns_but_goes_through(world: World) -> None:
    plan = plan_in_planning(world)
    products_with_budgets(world)
    framework(world)
    head = world.users["department_head"]
    checker = ObjectPermissionChecker(head)

    submit = next(
        o for o in transitions_available(user=head, obj=plan, checker=checker) if o.name == "submit"
    )
    assert submit.enabled and not submit.blocked_by
    assert transition_warnings(plan, "submit") == (WARNING,)

    result = transition_fire(acting_user=head, obj=plan, transition="submit")

    assert result.obj.state == "submitted"  # type: ignore[attr-defined]
    assert result.extra["warnings"] == (WARNING,)


def test_within_the_ceiling_there_is_no_warning(world: World) -> None:
    plan = plan_in_planning(world)
    products_with_budgets(world)
    framework(world, ceiling=Decimal("1234567"))
    assert transition_warnings(plan, "submit") == ()
    result = transition_fire(
        acting_user=world.users["department_head"], obj=plan, transition="submit"
    )
    assert result.extra["warnings"] == ()
