"""Helpers of the budget tests: products with budgets and a framework, set through services."""

from __future__ import annotations

from decimal import Decimal

from planning_cycle.models import Department, Phase, Product, ProductBudget
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.budgets import DepartmentFramework, framework_set
from tests.support.workflows import walk
from tests.support.world import World
from workflows.models import DepartmentPlan

# FD 31 plans 1.234.567 € for 2027 against 1.000.000 € in 2026 and a ceiling of 1.200.000 €.
PREVIOUS = {"11.1": Decimal("600000.00"), "11.2": Decimal("400000.00")}
PLANNED = {"11.1": Decimal("834567.00"), "11.2": Decimal("400000.00")}
CEILING = Decimal("1200000")
WARNING = "Das geplante Budget 1.234.567 € überschreitet die Obergrenze 1.200.000 € um 34.567 €."


def products_with_budgets(
    world: World,
    department: Department | None = None,
    *,
    previous: dict[str, Decimal] = PREVIOUS,
    planned: dict[str, Decimal] = PLANNED,
    prefix: str = "",
) -> list[Product]:
    """Create the department's products with their budgets of 2026 and 2027."""
    department = department or world.department
    products = []
    for code in sorted(set(previous) | set(planned)):
        product = Product.objects.create(
            body=world.body, code=f"{prefix}{code}", name=f"Produkt {code}", department=department
        )
        for year, amounts in ((2026, previous), (2027, planned)):
            if code in amounts:
                ProductBudget.objects.create(
                    body=world.body, product=product, year=year, amount=amounts[code]
                )
        products.append(product)
    return products


def framework(world: World, *, ceiling: Decimal = CEILING, percent: str = "1") -> None:
    """Set the cycle's framework: FD 31's ceiling and a savings target of `percent` %."""
    framework_set(
        acting_user=SYSTEM,
        cycle=world.cycle,
        savings_percent=percent,
        departments=[DepartmentFramework(department_id=world.department.pk, ceiling=ceiling)],
    )


def plan_in_planning(world: World) -> DepartmentPlan:
    """Walk the cycle to the planning phase and return FD 31's plan."""
    walk(world.cycle, Phase.PLANNING, world.users)
    world.cycle.refresh_from_db()
    return DepartmentPlan.objects.select_related("cycle", "department").get(
        cycle=world.cycle, department=world.department
    )
