"""Indicator values and targets as text: numbers in the current language, units, target kinds."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planning_cycle.models import Period, TargetKind, UnitKind

StrOrPromise = str | Promise

# How a value of each unit kind is written when the indicator's unit label is empty.
UNIT_SYMBOLS: dict[str, StrOrPromise] = {
    UnitKind.COUNT: "",
    UnitKind.PERCENT: "%",
    UnitKind.EURO: "€",
    UnitKind.DAYS: gettext_lazy("Tage"),
    UnitKind.MINUTES: gettext_lazy("Minuten"),
    UnitKind.RATIO: "",
}

TARGET_SIGNS: dict[str, str] = {
    TargetKind.AT_LEAST: "≥",
    TargetKind.AT_MOST: "≤",
    TargetKind.EXACTLY: "=",
}


def number(value: Decimal) -> str:
    """Return a decimal without trailing zeros, in the current language's notation."""
    amount = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(amount, force_grouping=True)


def with_unit(value: Decimal, unit_kind: str, unit: str) -> str:
    """Return a value with its unit: `10 %`, `1.200 €`, `4 Gemeinden`, a ratio as `1:25`."""
    if unit_kind == UnitKind.RATIO:
        return f"1:{number(value)}"
    label = unit.strip() or str(UNIT_SYMBOLS.get(unit_kind, ""))
    return f"{number(value)}\u00a0{label}" if label else number(value)


def target_text(kind: str, value: Decimal, upper: Decimal | None, unit_kind: str, unit: str) -> str:
    """Return a target with its kind: `≥ 60 %`, `≤ 1:25`, `= 4`, `40 bis 60 %`."""
    if kind == TargetKind.RANGE and upper is not None:
        if unit_kind == UnitKind.RATIO:
            return _("%(lower)s bis %(upper)s") % {
                "lower": with_unit(value, unit_kind, unit),
                "upper": with_unit(upper, unit_kind, unit),
            }
        return _("%(lower)s bis %(upper)s") % {
            "lower": number(value),
            "upper": with_unit(upper, unit_kind, unit),
        }
    return f"{TARGET_SIGNS.get(kind, '')}\u00a0{with_unit(value, unit_kind, unit)}"


def period_text(year: int, period: str) -> str:
    """Return a reporting period as text: `2025`, `1. Halbjahr 2025`."""
    if period == Period.YEAR:
        return str(year)
    return f"{Period(period).label} {year}"
