"""The department's planned budget against its ceiling and the savings reached (Decimal)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from planning_cycle.models import BudgetCeiling, SavingsTarget
from planning_cycle.selectors.budgets import (
    cycle_framework,
    department_budget,
    euro_text,
    planning_year,
    previous_year,
)
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.budgets import DepartmentFramework, framework_set
from tests.support.budgets import WARNING, framework, products_with_budgets
from tests.support.world import World


def test_the_cycle_plans_the_year_after_its_own(world: World) -> None:
    assert (world.cycle.year, planning_year(world.cycle), previous_year(world.cycle)) == (
        2026,
        2027,
        2026,
    )


def test_planned_budget_is_the_sum_of_the_products_budgets_of_the_planning_year(
    world: World,
) -> None:
    products_with_budgets(world)
    # Another department's product and another year do not count.
    products_with_budgets(
        world, world.departments[1], previous={"9": Decimal(5)}, planned={"9": Decimal(7)}
    )
    framework(world)

    status = department_budget(world.cycle, world.department)

    assert status.planned == Decimal("1234567.00")
    assert status.previous == Decimal("1000000.00")
    assert status.ceiling == Decimal("1200000.00")
    assert status.excess == Decimal("34567.00")
    assert status.headroom is None
    assert status.savings == Decimal("-234567.00")
    assert status.savings_percent == Decimal("-23.46")
    assert status.savings_target == Decimal("1.00")
    assert status.savings_required == Decimal("10000.00")
    assert status.savings_met is False
    assert status.warning == WARNING
    assert [(r.product.code, r.previous, r.planned) for r in status.products] == [
        ("11.1", Decimal("600000.00"), Decimal("834567.00")),
        ("11.2", Decimal("400000.00"), Decimal("400000.00")),
    ]


def test_savings_of_one_percent_meet_peines_target(world: World) -> None:
    products_with_budgets(
        world,
        previous={"1": Decimal("123456.78")},
        planned={"1": Decimal("122222.21")},
    )
    framework(world, ceiling=Decimal("122222.21"))

    status = department_budget(world.cycle, world.department)

    assert status.savings == Decimal("1234.57")
    # 1234.57 / 123456.78 = 0.0100000... → 1.00 %, computed in Decimal, not float.
    assert status.savings_percent == Decimal("1.00")
    assert status.savings_required == Decimal("1234.57")
    assert status.savings_met is True
    assert status.excess is None and status.headroom == Decimal(0)
    assert status.warning is None


def test_a_department_target_overrides_the_cycles(world: World) -> None:
    products_with_budgets(world)
    framework_set(
        acting_user=SYSTEM,
        cycle=world.cycle,
        savings_percent="1",
        departments=[DepartmentFramework(department_id=world.department.pk, savings_percent="2.5")],
    )
    assert department_budget(world.cycle, world.department).savings_target == Decimal("2.50")
    assert department_budget(world.cycle, world.departments[1]).savings_target == Decimal("1.00")


def test_without_framework_or_budgets_nothing_is_claimed(world: World) -> None:
    status = department_budget(world.cycle, world.department)
    assert (status.planned, status.previous, status.ceiling) == (Decimal(0), Decimal(0), None)
    assert status.savings_percent is None  # no previous budget: no percentage
    assert status.savings_met is None and status.warning is None


def test_the_framework_overview_counts_every_taking_part_department(world: World) -> None:
    products_with_budgets(world)
    framework(world)
    overview = cycle_framework(world.cycle)
    assert overview.savings_target == Decimal("1.00")
    assert [d.department.code for d in overview.departments] == ["FD 31", "FD 32", "FD 33"]
    first = overview.departments[0]
    assert (first.planned, first.previous, first.excess) == (
        Decimal("1234567.00"),
        Decimal("1000000.00"),
        Decimal("34567.00"),
    )


def test_status_queries_do_not_grow_with_products(world: World, django_assert_num_queries) -> None:
    products_with_budgets(world, previous={str(i): Decimal(i) for i in range(30)}, planned={})
    framework(world)
    with django_assert_num_queries(4):
        status = department_budget(world.cycle, world.department)
    assert len(status.products) == 30
    with django_assert_num_queries(4):
        cycle_framework(world.cycle)


def test_euros_are_written_the_german_way() -> None:
    with translation.override("de"):
        assert euro_text(Decimal("1234567")) == "1.234.567 €"
        assert euro_text(Decimal("1234.5")) == "1.234,50 €"


def test_the_database_refuses_a_negative_ceiling_and_a_second_ceiling(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetCeiling.objects.create(
            body=world.body, cycle=world.cycle, department=world.department, amount=Decimal(-1)
        )
    BudgetCeiling.objects.create(
        body=world.body, cycle=world.cycle, department=world.department, amount=Decimal(1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetCeiling.objects.create(
            body=world.body, cycle=world.cycle, department=world.department, amount=Decimal(2)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SavingsTarget.objects.create(body=world.body, cycle=world.cycle, percent=Decimal(101))
