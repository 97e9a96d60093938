"""Statuses of a body's indicators, measures, goals, policy fields and products in one period.

`body_status` reads everything it needs in a fixed number of queries, whatever the size
of the catalog, and computes the statuses in memory (rules: docs/controlling.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from planning_cycle.models import (
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    Period,
    PolicyField,
    Product,
    StrategicGoal,
    TargetKind,
    ValueKind,
)
from planning_cycle.selectors.cycles import cycle_current

from .formatting import period_text, target_text, with_unit
from .rollup import MEASURES, Child, RollUp, leaf, roll_up
from .status import Result, Target, effective_kind, indicator_status, measure_status


@dataclass(frozen=True)
class IndicatorState:
    """An indicator's target and actual in the period, as values and text, and its status."""

    status: Result
    target: Target | None
    actual: Decimal | None
    target_text: str
    actual_text: str
    target_kind_given: bool = False


@dataclass
class BodyStatus:
    """Every status of a body in one period, keyed by the ids of the rows."""

    year: int
    period: str
    indicators: dict[int, IndicatorState] = field(default_factory=dict)
    measures: dict[int, Result] = field(default_factory=dict)
    operative_goals: dict[int, RollUp] = field(default_factory=dict)
    operative_goal_measures: dict[int, RollUp] = field(default_factory=dict)
    strategic_goals: dict[int, RollUp] = field(default_factory=dict)
    policy_fields: dict[int, RollUp] = field(default_factory=dict)
    products: dict[int, RollUp] = field(default_factory=dict)
    product_areas: dict[str, RollUp] = field(default_factory=dict)
    body: RollUp | None = None

    @property
    def period_text(self) -> str:
        """Return the period as text: `2025`, `1. Halbjahr 2025`."""
        return period_text(self.year, self.period)


def product_area(code: str) -> str:
    """Return a product's area: the code up to its first separator, else its first two digits.

    Products carry no area of their own; the municipal product framework numbers them so
    that the first two digits name the product area (365 → 36), and dotted codes
    (`2.1.1`) start with it.
    """
    code = code.strip()
    for separator in (".", " ", "-", "/"):
        if separator in code:
            return code.split(separator, 1)[0] or code
    return code[:2]


def reporting_year_default(body_id: int, today: dt.date | None = None) -> int:
    """Return the year the body's current goal review reports (else last calendar year)."""
    cycle = cycle_current(body_id)
    if cycle is not None:
        return int(cycle.year) - 1
    return (today or timezone.localdate()).year - 1


def reporting_years(body_id: int) -> list[int]:
    """Return the years the body has targets or actuals for, newest first."""
    return list(
        IndicatorValue.objects.filter(
            body_id=body_id, kind__in=[ValueKind.TARGET, ValueKind.ACTUAL]
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def _indicator_states(
    body_id: int, year: int, period: str
) -> list[tuple[Indicator, IndicatorState]]:
    """Compute every indicator's status in the period, in the order of keys (two queries)."""
    values: dict[int, dict[str, IndicatorValue]] = defaultdict(dict)
    for value in IndicatorValue.objects.filter(
        body_id=body_id,
        year=year,
        period=period,
        kind__in=[ValueKind.TARGET, ValueKind.ACTUAL],
    ).only("indicator_id", "kind", "value", "target_kind", "upper_value"):
        values[value.indicator_id][value.kind] = value
    text = period_text(year, period)
    states: list[tuple[Indicator, IndicatorState]] = []
    for indicator in (
        Indicator.objects.filter(body_id=body_id)
        .order_by("key")
        .only(
            "name",
            "unit",
            "unit_kind",
            "direction",
            "tolerance",
            "strategic_goal_id",
            "operative_goal_id",
            "product_id",
        )
    ):
        own = values.get(indicator.pk, {})
        stored_target, stored_actual = own.get(ValueKind.TARGET), own.get(ValueKind.ACTUAL)
        target = None
        if stored_target is not None:
            kind = effective_kind(stored_target.target_kind, indicator.direction)
            upper = stored_target.upper_value if kind == TargetKind.RANGE else None
            target = Target(kind=kind, value=stored_target.value, upper=upper)
        actual = stored_actual.value if stored_actual is not None else None
        state = IndicatorState(
            status=indicator_status(
                actual=actual, target=target, tolerance=indicator.tolerance, period=text
            ),
            target=target,
            actual=actual,
            target_text=target_text(
                target.kind, target.value, target.upper, indicator.unit_kind, indicator.unit
            )
            if target
            else "",
            actual_text=with_unit(actual, indicator.unit_kind, indicator.unit)
            if actual is not None
            else "",
            target_kind_given=bool(stored_target and stored_target.target_kind),
        )
        states.append((indicator, state))
    return states


def body_status(
    *, body_id: int, year: int, period: str = Period.YEAR, today: dt.date | None = None
) -> BodyStatus:
    """Return the statuses of the body's indicators, measures, goals and products.

    Seven queries, whatever the number of rows. Superseded goals get a status of their own
    but do not count for their parent (their successor does).
    """
    today = today or timezone.localdate()
    result = BodyStatus(year=year, period=period)
    under: dict[tuple[str, int], list[Child]] = defaultdict(list)
    for indicator, state in _indicator_states(body_id, year, period):
        result.indicators[indicator.pk] = state
        child = leaf(indicator.name, state.status)
        if indicator.strategic_goal_id is not None:
            under[("strategic_goal", indicator.strategic_goal_id)].append(child)
        elif indicator.operative_goal_id is not None:
            under[("operative_goal", indicator.operative_goal_id)].append(child)
        elif indicator.product_id is not None:
            under[("product", indicator.product_id)].append(child)

    measures: dict[int, list[Child]] = defaultdict(list)
    for measure in Measure.objects.filter(body_id=body_id).order_by("operative_goal", "position"):
        done = measure_status(due_date=measure.due_date, done_on=measure.done_on, today=today)
        result.measures[measure.pk] = done
        measures[measure.operative_goal_id].append(leaf(measure.title[:80], done))

    for goal in OperativeGoal.objects.filter(body_id=body_id).order_by("position", "number"):
        rolled = roll_up(under[("operative_goal", goal.pk)])
        result.operative_goals[goal.pk] = rolled
        result.operative_goal_measures[goal.pk] = roll_up(measures[goal.pk], MEASURES)
        if not goal.superseded:
            label = _("Operatives Ziel %(number)s") % {"number": goal.number}
            under[("strategic_goal", goal.strategic_goal_id)].append(rolled.as_child(label))

    fields: dict[int, list[Child]] = defaultdict(list)
    for sgoal in StrategicGoal.objects.filter(body_id=body_id).order_by("position", "number"):
        rolled = roll_up(under[("strategic_goal", sgoal.pk)])
        result.strategic_goals[sgoal.pk] = rolled
        if not sgoal.superseded:
            label = _("Strategisches Ziel %(number)s") % {"number": sgoal.number}
            fields[sgoal.policy_field_id].append(rolled.as_child(label))

    top: list[Child] = []
    for policy_field in PolicyField.objects.filter(body_id=body_id).order_by("position", "key"):
        rolled = roll_up(fields[policy_field.pk])
        result.policy_fields[policy_field.pk] = rolled
        top.append(rolled.as_child(policy_field.name))
    result.body = roll_up(top)

    areas: dict[str, list[Child]] = defaultdict(list)
    for product in Product.objects.filter(body_id=body_id).order_by("code"):
        rolled = roll_up(under[("product", product.pk)])
        result.products[product.pk] = rolled
        areas[product_area(product.code)].append(rolled.as_child(f"{product.code} {product.name}"))
    result.product_areas = {area: roll_up(children) for area, children in areas.items()}
    return result


@dataclass(frozen=True)
class ProductArea:
    """A product area (by code prefix) with its rolled-up status and its products."""

    key: str
    status: RollUp
    products: list[Product]

    @property
    def name(self) -> str:
        """Return the area's name: `Produktbereich 36`."""
        return _("Produktbereich %(key)s") % {"key": self.key}


def product_areas(products: Sequence[Product], status: BodyStatus) -> list[ProductArea]:
    """Group products (ordered by code) by their area, each area with its status."""
    grouped: dict[str, list[Product]] = defaultdict(list)
    for product in products:
        grouped[product_area(product.code)].append(product)
    return [
        ProductArea(key=key, status=status.product_areas.get(key) or roll_up([]), products=rows)
        for key, rows in grouped.items()
    ]
