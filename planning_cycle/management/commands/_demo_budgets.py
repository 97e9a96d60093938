"""Demo budget framework of Peine's 2026 cycle: ceilings per department, 1 % savings target.

FD 67 gets two products with budgets 2026 and 2027, so its plan's budget panel compares a
planned budget with its ceiling (slightly above it: the plan warns before submission).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from planning_cycle.models import (
    Body,
    BudgetCeiling,
    Department,
    PlanningCycle,
    Product,
    ProductBudget,
)
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.budgets import DepartmentFramework, framework_set

# Landkreis Peine's resolution: every budget saves 1 % against the year before.
SAVINGS_PERCENT = Decimal(1)
# The ceilings of the taking-part departments (EUR); FD 67's is 1 % below its 2026 budget.
CEILINGS = {
    "FD 10": Decimal("4850000.00"),
    "FD 20": Decimal("2310000.00"),
    "FD 32": Decimal("3120000.00"),
    "FD 37": Decimal("9870000.00"),
    "FD 40": Decimal("18400000.00"),
    "FD 41": Decimal("11250000.00"),
    "FD 50": Decimal("61300000.00"),
    "FD 51": Decimal("48700000.00"),
    "FD 53": Decimal("5620000.00"),
    "FD 60": Decimal("1980000.00"),
    "FD 65": Decimal("14600000.00"),
    "FD 66": Decimal("7450000.00"),
    "FD 67": Decimal("1237500.00"),
}
# FD 67's products: code, name, budget of the previous year (2026), planned budget (2027).
PRODUCTS = (
    ("5610", "Umweltschutzmaßnahmen", Decimal("850000.00"), Decimal("862000.00")),
    ("5611", "Klimaschutz und Energie", Decimal("400000.00"), Decimal("403000.00")),
)
DEPARTMENT = "FD 67"


def budgets_seed(body: Body, cycle: PlanningCycle, write: Callable[[str], None]) -> None:
    """Create FD 67's products and set the cycle's framework once (idempotent)."""
    department = Department.objects.get(body=body, code=DEPARTMENT)
    for code, name, previous, planned in PRODUCTS:
        product, _created = Product.objects.get_or_create(
            body=body, code=code, defaults={"name": name, "department": department}
        )
        for year, amount in ((cycle.year, previous), (cycle.year + 1, planned)):
            ProductBudget.objects.get_or_create(
                body=body, product=product, year=year, defaults={"amount": amount}
            )
    if BudgetCeiling.objects.filter(cycle=cycle).exists():
        return
    departments = Department.objects.filter(body=body, takes_part=True, code__in=CEILINGS)
    framework_set(
        acting_user=SYSTEM,
        cycle=cycle,
        savings_percent=SAVINGS_PERCENT,
        departments=[
            DepartmentFramework(department_id=d.pk, ceiling=CEILINGS[d.code]) for d in departments
        ],
    )
    write(
        f"{body}: Rahmenvorgaben {cycle.year} gesetzt "
        f"({departments.count()} Obergrenzen, Sparziel {SAVINGS_PERCENT} %)."
    )
