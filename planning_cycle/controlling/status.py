"""The status rules: an actual against its target, a measure against its deadline.

Pure functions without database access; the rules are documented in docs/controlling.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache, partial
from typing import NamedTuple

from django.db import models
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from planning_cycle.models import Direction, TargetKind

from .formatting import number

HUNDRED = Decimal(100)


class Status(models.TextChoices):
    """How an indicator's actual stands against its target."""

    MET = "met", gettext_lazy("erfüllt")
    WITHIN_TOLERANCE = "within_tolerance", gettext_lazy("im Toleranzbereich")
    MISSED = "missed", gettext_lazy("verfehlt")
    NO_DATA = "no_data", gettext_lazy("keine Daten")


class MeasureStatus(models.TextChoices):
    """How a measure stands against its deadline."""

    DONE = "done", gettext_lazy("erledigt")
    ON_TIME = "on_time", gettext_lazy("im Zeitplan")
    LATE = "late", gettext_lazy("verspätet")
    NO_DEADLINE = "no_deadline", gettext_lazy("ohne Frist")


# KERN badge variant and icon per status: the label always says the status in words.
BADGES: dict[str, tuple[str, str]] = {
    Status.MET: ("success", "success"),
    Status.WITHIN_TOLERANCE: ("warning", "warning"),
    Status.MISSED: ("danger", "danger"),
    Status.NO_DATA: ("info", "info"),
    MeasureStatus.DONE: ("success", "check"),
    MeasureStatus.ON_TIME: ("info", "info"),
    MeasureStatus.LATE: ("danger", "warning"),
    MeasureStatus.NO_DEADLINE: ("info", "info"),
}


@dataclass(frozen=True, eq=False)
class Result:
    """A computed status with its German label and the reason for it.

    The reason may be given as a function: a catalog of thousands of indicators computes
    every status, but a page shows few reasons, so their text is written on first use.
    """

    code: str
    label: str
    explanation: str | Callable[[], str] = field(default="", repr=False)

    @cached_property
    def reason(self) -> str:
        """Return the German reason of the status (written on first use)."""
        return self.explanation() if callable(self.explanation) else self.explanation

    @property
    def variant(self) -> str:
        """Return the KERN badge variant of the status."""
        return BADGES.get(self.code, ("info", "info"))[0]

    @property
    def icon(self) -> str:
        """Return the KERN icon of the status."""
        return BADGES.get(self.code, ("info", "info"))[1]


class Target(NamedTuple):
    """A target of a definite kind; `upper` only for a range (a tuple: made per indicator)."""

    kind: str
    value: Decimal
    upper: Decimal | None = None


def effective_kind(target_kind: str | None, direction: str) -> str:
    """Return the target's kind; without one the direction decides (lower: at most)."""
    if target_kind:
        return target_kind
    return TargetKind.AT_MOST if direction == Direction.LOWER else TargetKind.AT_LEAST


def tolerance_band(target: Target, tolerance: Decimal) -> tuple[Decimal, Decimal]:
    """Return the lowest and the highest actual that are still within tolerance.

    Each bound widens by `tolerance` percent of its own absolute value: a bound of 0 does
    not widen. At least uses only the lower, at most only the upper end.
    """
    lower = target.value
    upper = target.upper if target.kind == TargetKind.RANGE and target.upper is not None else lower
    return (
        lower - abs(lower) * tolerance / HUNDRED,
        upper + abs(upper) * tolerance / HUNDRED,
    )


def _met(actual: Decimal, target: Target) -> bool:
    """Return whether the actual meets the target exactly as set."""
    if target.kind == TargetKind.AT_LEAST:
        return actual >= target.value
    if target.kind == TargetKind.AT_MOST:
        return actual <= target.value
    if target.kind == TargetKind.RANGE and target.upper is not None:
        return target.value <= actual <= target.upper
    return actual == target.value


def _within(actual: Decimal, target: Target, tolerance: Decimal) -> bool:
    """Return whether the actual lies in the tolerance band (inclusive)."""
    low, high = tolerance_band(target, tolerance)
    if target.kind == TargetKind.AT_LEAST:
        return actual >= low
    if target.kind == TargetKind.AT_MOST:
        return actual <= high
    return low <= actual <= high


def _tolerance_note(target: Target, tolerance: Decimal) -> str:
    """Return the bracketed tolerance of a reason: `(Toleranz 10 %: bis 11)`."""
    low, high = tolerance_band(target, tolerance)
    if tolerance == 0:
        return _("(keine Toleranz)")
    if low == target.value and high == (target.upper or target.value):
        return _("(Toleranz %(tolerance)s %% von 0: keine Abweichung zulässig)") % {
            "tolerance": number(tolerance)
        }
    values = {"tolerance": number(tolerance), "low": number(low), "high": number(high)}
    if target.kind == TargetKind.AT_LEAST:
        return _("(Toleranz %(tolerance)s %%: ab %(low)s)") % values
    if target.kind == TargetKind.AT_MOST:
        return _("(Toleranz %(tolerance)s %%: bis %(high)s)") % values
    return _("(Toleranz %(tolerance)s %%: %(low)s bis %(high)s)") % values


def _reason(status: str, actual: Decimal, target: Target, note: str) -> str:
    """Return the German reason of a status computed from an actual and a target."""
    values = {
        "actual": number(actual),
        "target": number(target.value),
        "upper": number(target.upper) if target.upper is not None else "",
        "note": note,
    }
    met, within = status == Status.MET, status == Status.WITHIN_TOLERANCE
    if target.kind == TargetKind.AT_LEAST:
        if met:
            return _("Ist %(actual)s erreicht den Mindestwert %(target)s.") % values
        if within:
            return (
                _(
                    "Ist %(actual)s liegt unter dem Mindestwert %(target)s, aber im "
                    "Toleranzbereich %(note)s."
                )
                % values
            )
        return _("Ist %(actual)s liegt unter dem Mindestwert %(target)s %(note)s.") % values
    if target.kind == TargetKind.AT_MOST:
        if met:
            return _("Ist %(actual)s hält den Höchstwert %(target)s ein.") % values
        if within:
            return (
                _(
                    "Ist %(actual)s liegt über dem Höchstwert %(target)s, aber im "
                    "Toleranzbereich %(note)s."
                )
                % values
            )
        return _("Ist %(actual)s liegt über dem Höchstwert %(target)s %(note)s.") % values
    if target.kind == TargetKind.RANGE:
        if met:
            return _("Ist %(actual)s liegt im Zielbereich %(target)s bis %(upper)s.") % values
        if within:
            return (
                _(
                    "Ist %(actual)s liegt außerhalb des Zielbereichs %(target)s bis %(upper)s, "
                    "aber im Toleranzbereich %(note)s."
                )
                % values
            )
        return (
            _("Ist %(actual)s liegt außerhalb des Zielbereichs %(target)s bis %(upper)s %(note)s.")
            % values
        )
    if met:
        return _("Ist %(actual)s entspricht dem Zielwert %(target)s.") % values
    if within:
        return (
            _("Ist %(actual)s weicht vom Zielwert %(target)s ab, aber im Toleranzbereich %(note)s.")
            % values
        )
    return _("Ist %(actual)s weicht vom Zielwert %(target)s ab %(note)s.") % values


def indicator_code(*, actual: Decimal | None, target: Target | None, tolerance: Decimal) -> str:
    """Return the status code of an actual against its target (rules: `indicator_status`)."""
    if actual is None or target is None:
        return Status.NO_DATA
    if _met(actual, target):
        return Status.MET
    if _within(actual, target, tolerance):
        return Status.WITHIN_TOLERANCE
    return Status.MISSED


def indicator_reason(
    code: str, actual: Decimal | None, target: Target | None, tolerance: Decimal, period: str
) -> str:
    """Return the German reason of an indicator's status code in a period."""
    if actual is None or target is None:
        if actual is None and target is None:
            reason = _("Weder Ziel- noch Istwert für %(period)s.")
        elif target is None:
            reason = _("Kein Zielwert für %(period)s.")
        else:
            reason = _("Kein Istwert für %(period)s.")
        return reason % {"period": period}
    note = "" if code == Status.MET else _tolerance_note(target, tolerance)
    return _reason(code, actual, target, note)


def indicator_status(
    *,
    actual: Decimal | None,
    target: Target | None,
    tolerance: Decimal,
    period: str,
    labels: dict[str, str] | None = None,
) -> Result:
    """Return the status of an actual against its target in a period (text, e.g. `2025`).

    Met when the actual meets the target as set; within tolerance when it misses it by
    at most `tolerance` percent of the target (bounds inclusive); missed otherwise; no data
    when the actual or the target is missing. `labels` (from `status_labels`) saves the
    translation per call when many statuses are computed at once.
    """
    code = indicator_code(actual=actual, target=target, tolerance=tolerance)
    label = labels[code] if labels is not None else str(Status(code).label)
    return Result(code, label, partial(indicator_reason, code, actual, target, tolerance, period))


def status_labels() -> dict[str, str]:
    """Return the label of every indicator status in the current language."""
    return dict(choice_labels(Status))  # a copy: the cached one is shared


def choice_labels(statuses: type[models.TextChoices]) -> dict[str, str]:
    """Return the labels of statuses in the current language (translated once per language)."""
    return _labels(statuses, get_language())


@lru_cache(maxsize=32)
def _labels(statuses: type[models.TextChoices], language: str | None) -> dict[str, str]:
    with override(language):
        return {code: str(label) for code, label in statuses.choices}


def _date(value: dt.date) -> str:
    """Return a date in the current language's short notation."""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def measure_status(*, due_date: dt.date | None, done_on: dt.date | None, today: dt.date) -> Result:
    """Return a measure's status: done, on time (due today or later), late, or no deadline."""
    if done_on is not None:
        status = MeasureStatus.DONE
        if due_date is None:
            reason = _("Erledigt am %(done)s.") % {"done": _date(done_on)}
        elif done_on > due_date:
            reason = _("Erledigt am %(done)s, nach der Frist %(due)s.") % {
                "done": _date(done_on),
                "due": _date(due_date),
            }
        else:
            reason = _("Erledigt am %(done)s, innerhalb der Frist %(due)s.") % {
                "done": _date(done_on),
                "due": _date(due_date),
            }
    elif due_date is None:
        status = MeasureStatus.NO_DEADLINE
        reason = _("Keine Frist gesetzt, nicht als erledigt gemeldet.")
    elif due_date < today:
        status = MeasureStatus.LATE
        reason = _("Frist %(due)s überschritten, nicht als erledigt gemeldet.") % {
            "due": _date(due_date)
        }
    else:
        status = MeasureStatus.ON_TIME
        reason = _("Frist %(due)s noch nicht abgelaufen.") % {"due": _date(due_date)}
    return Result(status, str(status.label), reason)
