"""The indicators a department reports on in its goal review, with their values of a year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from planning_cycle.models import Indicator, IndicatorValue, OperativeGoal, Period, ValueKind


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator with its baseline and its target and actual value of one year."""

    indicator: Indicator
    year: int
    baseline: IndicatorValue | None
    target: Decimal | None
    actual: Decimal | None

    @property
    def subject(self) -> str:
        """The goal or product the indicator measures."""
        if self.indicator.operative_goal_id is not None:
            goal = self.indicator.operative_goal
            return f"{goal.number} {goal.title}" if goal else ""
        return str(self.indicator.product or "")


def department_indicators(*, body_id: int, department_id: int) -> QuerySet[Indicator]:
    """Return the body's indicators of a department's operative goals and products."""
    goal_ids = OperativeGoal.departments.through.objects.filter(
        department_id=department_id, operativegoal__body_id=body_id
    ).values("operativegoal_id")
    return (
        Indicator.objects.filter(body_id=body_id)
        .filter(Q(operative_goal_id__in=goal_ids) | Q(product__department_id=department_id))
        .select_related("operative_goal", "product")
        .order_by("key")
    )


def department_indicator_rows(*, body_id: int, department_id: int, year: int) -> list[IndicatorRow]:
    """Return a department's indicators with baseline, target and actual of a year.

    Two queries, whatever the number of indicators.
    """
    values = IndicatorValue.objects.filter(
        body_id=body_id,
        kind__in=[ValueKind.TARGET, ValueKind.ACTUAL],
        year=year,
        period=Period.YEAR,
    ) | IndicatorValue.objects.filter(body_id=body_id, kind=ValueKind.BASELINE)
    indicators = department_indicators(
        body_id=body_id, department_id=department_id
    ).prefetch_related(Prefetch("values", queryset=values.order_by("year"), to_attr="shown_values"))
    rows = []
    for indicator in indicators:
        by_kind = {v.kind: v for v in indicator.shown_values}  # type: ignore[attr-defined]
        target = by_kind.get(ValueKind.TARGET)
        actual = by_kind.get(ValueKind.ACTUAL)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                year=year,
                baseline=by_kind.get(ValueKind.BASELINE),
                target=target.value if target else None,
                actual=actual.value if actual else None,
            )
        )
    return rows
