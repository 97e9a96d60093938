"""Reads of the budget link: a department's planned budget against its ceiling and savings.

The cycle of year Y plans the budget of year Y + 1 (Kreis Soest: planning until
November, budget introduced in December, resolved in March of Y + 1); the savings are
measured against the budget of year Y, the year before the planning year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from planning_cycle.models import (
    BudgetCeiling,
    Department,
    PlanningCycle,
    Product,
    ProductBudget,
    SavingsTarget,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def planning_year(cycle: PlanningCycle) -> int:
    """Return the budget year the cycle plans: the year after the cycle's year."""
    return cycle.year + 1


def previous_year(cycle: PlanningCycle) -> int:
    """Return the year whose budget the savings are measured against (the cycle's year)."""
    return cycle.year


def euro_text(amount: Decimal) -> str:
    """Format an amount in euros, grouped, with cents only where there are any."""
    value = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    places = 0 if value == value.to_integral_value() else 2
    return f"{formats.number_format(value, decimal_pos=places, force_grouping=True)} €"


def percent_text(value: Decimal) -> str:
    """Format a percentage without trailing zeros (1 %, 1,5 %)."""
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    shown = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{formats.number_format(shown, force_grouping=True)} %"


def ceiling_message(planned: Decimal, ceiling: Decimal) -> str:
    """Say by how much the planned budget exceeds the ceiling."""
    return _(
        "Das geplante Budget %(planned)s überschreitet die Obergrenze %(ceiling)s um %(excess)s."
    ) % {
        "planned": euro_text(planned),
        "ceiling": euro_text(ceiling),
        "excess": euro_text(planned - ceiling),
    }


@dataclass(frozen=True)
class ProductBudgetRow:
    """A product of the department with its budget of the previous and the planning year."""

    product: Product
    previous: Decimal | None
    planned: Decimal | None


@dataclass(frozen=True)
class BudgetStatus:
    """A department's planned budget against its ceiling and its savings target."""

    department: Department
    planning_year: int
    previous_year: int
    planned: Decimal
    previous: Decimal
    ceiling: Decimal | None
    savings_target: Decimal | None
    products: list[ProductBudgetRow] = field(default_factory=list)

    @property
    def excess(self) -> Decimal | None:
        """Return by how much the planned budget exceeds the ceiling (None when it does not)."""
        if self.ceiling is None or self.planned <= self.ceiling:
            return None
        return self.planned - self.ceiling

    @property
    def headroom(self) -> Decimal | None:
        """Return what is left below the ceiling (None without a ceiling or when exceeded)."""
        if self.ceiling is None or self.planned > self.ceiling:
            return None
        return self.ceiling - self.planned

    @property
    def savings(self) -> Decimal:
        """Return the previous year's budget minus the planned one (negative: it grows)."""
        return self.previous - self.planned

    @property
    def savings_percent(self) -> Decimal | None:
        """Return the savings in percent of the previous year's budget (None without one)."""
        if self.previous == ZERO:
            return None
        return (self.savings / self.previous * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def savings_required(self) -> Decimal | None:
        """Return the savings the target asks for, in euros."""
        if self.savings_target is None:
            return None
        return (self.previous * self.savings_target / HUNDRED).quantize(
            CENT, rounding=ROUND_HALF_UP
        )

    @property
    def savings_met(self) -> bool | None:
        """Tell whether the savings reach the target (None without a target)."""
        required = self.savings_required
        return None if required is None else self.savings >= required

    @property
    def warning(self) -> str | None:
        """Return the warning shown before submission when the ceiling is exceeded."""
        if self.ceiling is None or self.excess is None:
            return None
        return ceiling_message(self.planned, self.ceiling)


def savings_target_of(cycle: PlanningCycle, department_id: int) -> Decimal | None:
    """Return the department's savings target: its own, else the cycle's (one query)."""
    rows = SavingsTarget.objects.filter(
        Q(department_id=department_id) | Q(department__isnull=True), cycle=cycle
    ).values_list("department_id", "percent")
    by_department: dict[int | None, Decimal] = dict(rows)
    return by_department.get(department_id, by_department.get(None))


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def department_budget(cycle: PlanningCycle, department: Department) -> BudgetStatus:
    """Return the department's budget status in the cycle (four queries)."""
    year, before = planning_year(cycle), previous_year(cycle)
    products = list(
        Product.objects.filter(body_id=cycle.body_id, department_id=department.pk)
        .order_by("code", "pk")
        .prefetch_related(
            Prefetch(
                "budgets",
                queryset=ProductBudget.objects.filter(year__in=(year, before)),
                to_attr="framework_budgets",
            )
        )
    )
    rows = []
    for product in products:
        amounts = {b.year: b.amount for b in product.framework_budgets}  # type: ignore[attr-defined]
        rows.append(ProductBudgetRow(product, amounts.get(before), amounts.get(year)))
    ceiling = (
        BudgetCeiling.objects.filter(cycle=cycle, department_id=department.pk)
        .values_list("amount", flat=True)
        .first()
    )
    return BudgetStatus(
        department=department,
        planning_year=year,
        previous_year=before,
        planned=_sum(r.planned for r in rows),
        previous=_sum(r.previous for r in rows),
        ceiling=ceiling,
        savings_target=savings_target_of(cycle, department.pk),
        products=rows,
    )


def ceiling_warning(cycle: PlanningCycle, department_id: int) -> str | None:
    """Return the ceiling warning of a department's plan, or None (two queries)."""
    ceiling = (
        BudgetCeiling.objects.filter(cycle=cycle, department_id=department_id)
        .values_list("amount", flat=True)
        .first()
    )
    if ceiling is None:
        return None
    planned = (
        ProductBudget.objects.filter(
            body_id=cycle.body_id,
            product__department_id=department_id,
            year=planning_year(cycle),
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    return ceiling_message(planned, ceiling) if planned > ceiling else None


@dataclass(frozen=True)
class Framework:
    """The cycle's framework: the savings target and every taking-part department's status."""

    cycle: PlanningCycle
    savings_target: Decimal | None
    departments: list[BudgetStatus]
    # The departments' own savings targets (overriding the cycle's), by department id.
    overrides: dict[int, Decimal] = field(default_factory=dict)


def cycle_framework(cycle: PlanningCycle) -> Framework:
    """Return the framework of a cycle for all taking-part departments (four queries)."""
    year, before = planning_year(cycle), previous_year(cycle)
    departments = list(
        Department.objects.filter(body_id=cycle.body_id, takes_part=True).order_by("code", "pk")
    )
    ceilings = dict(
        BudgetCeiling.objects.filter(cycle=cycle).values_list("department_id", "amount")
    )
    targets: dict[int | None, Decimal] = dict(
        SavingsTarget.objects.filter(cycle=cycle).values_list("department_id", "percent")
    )
    sums: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    totals = (
        ProductBudget.objects.filter(
            body_id=cycle.body_id, year__in=(year, before), product__department__isnull=False
        )
        .values_list("product__department_id", "year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for department_id, budget_year, total in totals:
        sums[(department_id, budget_year)] = total
    general = targets.pop(None, None)
    return Framework(
        cycle=cycle,
        savings_target=general,
        overrides={k: v for k, v in targets.items() if k is not None},
        departments=[
            BudgetStatus(
                department=d,
                planning_year=year,
                previous_year=before,
                planned=sums[(d.pk, year)],
                previous=sums[(d.pk, before)],
                ceiling=ceilings.get(d.pk),
                savings_target=targets.get(d.pk, general),
            )
            for d in departments
        ],
    )
