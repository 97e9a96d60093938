"""An indicator's targets and actuals per period, for its page's trend chart and table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from planning_cycle.models import Indicator, IndicatorValue, Period, ValueKind

from .formatting import period_text, target_text, with_unit
from .reports.charts import Series, trend_chart
from .status import Target, effective_kind, indicator_status

PERIOD_ORDER = {code: n for n, code in enumerate(Period.values)}


@dataclass(frozen=True)
class TrendRow:
    """One period of the indicator: target and actual as text and value, and the status."""

    label: str
    target: Decimal | None
    actual: Decimal | None
    target_text: str
    actual_text: str
    status_label: str
    status_reason: str


def indicators_of_body(body_id: int) -> QuerySet[Indicator]:
    """Return the body's indicators with what their page shows."""
    return Indicator.objects.filter(body_id=body_id).select_related(
        "strategic_goal", "operative_goal", "product"
    )


def indicator_trend(indicator: Indicator) -> tuple[list[TrendRow], SafeString]:
    """Return the indicator's periods (oldest first) and the trend chart of targets and actuals."""
    values: dict[tuple[int, str], dict[str, IndicatorValue]] = {}
    for value in IndicatorValue.objects.filter(
        indicator=indicator, kind__in=[ValueKind.TARGET, ValueKind.ACTUAL]
    ):
        values.setdefault((value.year, value.period), {})[value.kind] = value
    keys = sorted(values, key=lambda k: (k[0], PERIOD_ORDER.get(k[1], 0)))
    rows: list[TrendRow] = []
    targets: list[tuple[int, Decimal]] = []
    actuals: list[tuple[int, Decimal]] = []
    for index, (year, period) in enumerate(keys):
        stored = values[(year, period)]
        stored_target, stored_actual = stored.get(ValueKind.TARGET), stored.get(ValueKind.ACTUAL)
        target = None
        if stored_target is not None:
            kind = effective_kind(stored_target.target_kind, indicator.direction)
            target = Target(kind=kind, value=stored_target.value, upper=stored_target.upper_value)
            targets.append((index, stored_target.value))
        actual = stored_actual.value if stored_actual is not None else None
        if actual is not None:
            actuals.append((index, actual))
        label = period_text(year, period)
        status = indicator_status(
            actual=actual, target=target, tolerance=indicator.tolerance, period=label
        )
        rows.append(
            TrendRow(
                label=label,
                target=target.value if target else None,
                actual=actual,
                target_text=target_text(
                    target.kind, target.value, target.upper, indicator.unit_kind, indicator.unit
                )
                if target
                else "",
                actual_text=with_unit(actual, indicator.unit_kind, indicator.unit)
                if actual is not None
                else "",
                status_label=status.label,
                status_reason=status.reason,
            )
        )
    chart = trend_chart(
        [row.label for row in rows],
        [
            Series(_("Zielwert (gestrichelt, Quadrate)"), "6 4", "square", targets),
            Series(_("Istwert (durchgezogen, Punkte)"), "", "circle", actuals),
        ],
        _("Verlauf von Ziel- und Istwerten: %(name)s") % {"name": indicator.name},
    )
    return rows, chart
