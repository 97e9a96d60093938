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
from functools import cached_property
from typing import NamedTuple

from django.db.models import Max, Min
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
from .status import (
    Result,
    Target,
    effective_kind,
    indicator_status,
    measure_status,
    status_labels,
)


@dataclass(eq=False)
class IndicatorState:
    """An indicator's target and actual in the period, as values and text, and its status."""

    status: Result
    target: Target | None
    actual: Decimal | None
    unit_kind: str = ""
    unit: str = ""
    target_kind_given: bool = False

    # Written on first use: the overview computes thousands of states and shows few texts.
    @cached_property
    def target_text(self) -> str:
        """Return the target with its kind and unit: `≤ 60 Tage`; empty without a target."""
        target = self.target
        if target is None:
            return ""
        return target_text(target.kind, target.value, target.upper, self.unit_kind, self.unit)

    @cached_property
    def actual_text(self) -> str:
        """Return the actual with its unit; empty without an actual."""
        return "" if self.actual is None else with_unit(self.actual, self.unit_kind, self.unit)


class IndicatorRef(NamedTuple):
    """The fields of an indicator the statuses and the overview need, without a model.

    A named tuple in the column order of the query: built straight from its row, as
    thousands of them are read at once.
    """

    pk: int
    key: str
    name: str
    unit: str
    unit_kind: str
    direction: str
    tolerance: Decimal
    strategic_goal_id: int | None
    operative_goal_id: int | None
    product_id: int | None


class GoalRef(NamedTuple):
    """A strategic or operative goal as the overview shows it, with its parent's id."""

    pk: int
    number: str
    title: str
    superseded: bool
    parent_id: int


class FieldRef(NamedTuple):
    """A policy field as the overview shows it."""

    pk: int
    name: str


@dataclass
class BodyStatus:
    """Every status of a body in one period, keyed by the ids of the rows."""

    year: int
    period: str
    indicators: dict[int, IndicatorState] = field(default_factory=dict)
    # The rows behind the statuses, in catalog order, so that the overview reads them once.
    indicator_refs: list[IndicatorRef] = field(default_factory=list)  # in the order of keys
    operative_goal_refs: list[GoalRef] = field(default_factory=list)
    strategic_goal_refs: list[GoalRef] = field(default_factory=list)
    policy_field_refs: list[FieldRef] = field(default_factory=list)
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
    """Return the years from the body's first to its last target or actual, newest first.

    From the first and the last year rather than every distinct year: two index probes
    instead of reading all of the body's values, and a year between without values simply
    shows "no data".
    """
    bounds = IndicatorValue.objects.filter(
        body_id=body_id, kind__in=[ValueKind.TARGET, ValueKind.ACTUAL]
    ).aggregate(first=Min("year"), last=Max("year"))
    if bounds["first"] is None:
        return []
    return list(range(bounds["last"], bounds["first"] - 1, -1))


def _indicator_states(
    body_id: int, year: int, period: str
) -> list[tuple[IndicatorRef, IndicatorState]]:
    """Compute every indicator's status in the period, in the order of keys (two queries).

    Reads plain rows rather than models: for thousands of indicators building model
    instances cost more than the statuses themselves.
    """
    targets: dict[int, tuple[Decimal, str | None, Decimal | None]] = {}
    actuals: dict[int, Decimal] = {}
    for indicator_id, kind, value, target_kind, upper in IndicatorValue.objects.filter(
        body_id=body_id,
        year=year,
        period=period,
        kind__in=[ValueKind.TARGET, ValueKind.ACTUAL],
    ).values_list("indicator_id", "kind", "value", "target_kind", "upper_value"):
        if kind == ValueKind.TARGET:
            targets[indicator_id] = (value, target_kind, upper)
        else:
            actuals[indicator_id] = value
    text = period_text(year, period)
    labels = status_labels()
    states: list[tuple[IndicatorRef, IndicatorState]] = []
    for row in (
        Indicator.objects.filter(body_id=body_id).order_by("key").values_list(*IndicatorRef._fields)
    ):
        ref = IndicatorRef._make(row)
        stored = targets.get(ref.pk)
        target = None
        if stored is not None:
            kind = effective_kind(stored[1], ref.direction)
            target = Target(kind, stored[0], stored[2] if kind == TargetKind.RANGE else None)
        actual = actuals.get(ref.pk)
        status = indicator_status(
            actual=actual, target=target, tolerance=ref.tolerance, period=text, labels=labels
        )
        given = bool(stored and stored[1])
        state = IndicatorState(status, target, actual, ref.unit_kind, ref.unit, given)
        states.append((ref, state))
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
        result.indicator_refs.append(indicator)
        child = leaf(indicator.name, state.status)
        if indicator.strategic_goal_id is not None:
            under[("strategic_goal", indicator.strategic_goal_id)].append(child)
        elif indicator.operative_goal_id is not None:
            under[("operative_goal", indicator.operative_goal_id)].append(child)
        elif indicator.product_id is not None:
            under[("product", indicator.product_id)].append(child)

    measures: dict[int, list[Child]] = defaultdict(list)
    for pk, goal_id, title, due_date, done_on in (
        Measure.objects.filter(body_id=body_id)
        .order_by("operative_goal", "position")
        .values_list("pk", "operative_goal_id", "title", "due_date", "done_on")
    ):
        done = measure_status(due_date=due_date, done_on=done_on, today=today)
        result.measures[pk] = done
        measures[goal_id].append(leaf(title[:80], done))

    operative = _("Operatives Ziel %(number)s")
    no_measures = roll_up([], MEASURES)  # shared by the goals without measures (read only)
    for goal in map(
        GoalRef._make,
        OperativeGoal.objects.filter(body_id=body_id)
        .order_by("position", "number")
        .values_list("pk", "number", "title", "superseded", "strategic_goal_id"),
    ):
        result.operative_goal_refs.append(goal)
        pk, number, superseded, parent_id = goal.pk, goal.number, goal.superseded, goal.parent_id
        rolled = roll_up(under[("operative_goal", pk)])
        result.operative_goals[pk] = rolled
        result.operative_goal_measures[pk] = (
            roll_up(measures[pk], MEASURES) if pk in measures else no_measures
        )
        if not superseded:
            label = operative % {"number": number}
            under[("strategic_goal", parent_id)].append(rolled.as_child(label))

    fields: dict[int, list[Child]] = defaultdict(list)
    strategic = _("Strategisches Ziel %(number)s")
    for goal in map(
        GoalRef._make,
        StrategicGoal.objects.filter(body_id=body_id)
        .order_by("position", "number")
        .values_list("pk", "number", "title", "superseded", "policy_field_id"),
    ):
        result.strategic_goal_refs.append(goal)
        pk, number, superseded, parent_id = goal.pk, goal.number, goal.superseded, goal.parent_id
        rolled = roll_up(under[("strategic_goal", pk)])
        result.strategic_goals[pk] = rolled
        if not superseded:
            label = strategic % {"number": number}
            fields[parent_id].append(rolled.as_child(label))

    top: list[Child] = []
    for pk, name in (
        PolicyField.objects.filter(body_id=body_id)
        .order_by("position", "key")
        .values_list("pk", "name")
    ):
        result.policy_field_refs.append(FieldRef(pk, name))
        rolled = roll_up(fields[pk])
        result.policy_fields[pk] = rolled
        top.append(rolled.as_child(name))
    result.body = roll_up(top)

    areas: dict[str, list[Child]] = defaultdict(list)
    for pk, code, name in (
        Product.objects.filter(body_id=body_id).order_by("code").values_list("pk", "code", "name")
    ):
        rolled = roll_up(under[("product", pk)])
        result.products[pk] = rolled
        areas[product_area(code)].append(rolled.as_child(f"{code} {name}"))
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
