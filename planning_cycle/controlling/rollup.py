"""Roll statuses up the hierarchy: the worst child wins; no data only when nothing has data.

See docs/controlling.md for the rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from types import MappingProxyType
from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import StrOrPromise
from .status import MeasureStatus, Result, Status, choice_labels


@dataclass(frozen=True)
class Scale:
    """The statuses of one kind of leaf, from worst to best, and the one meaning "no data"."""

    statuses: type[models.TextChoices]
    worst_first: tuple[str, ...]
    empty: str
    none_assigned: StrOrPromise
    none_with_data: StrOrPromise

    # Computed once: a catalog's roll-up asks for them for every goal.
    @cached_property
    def _severities(self) -> dict[str, int]:
        ranks = {code: len(self.worst_first) - n for n, code in enumerate(self.worst_first)}
        return {**ranks, self.empty: -1}

    @cached_property
    def _codes(self) -> tuple[str, ...]:
        return tuple(self.statuses.values)

    def severity(self, code: str) -> int:
        """Return how bad a status is; the empty status counts as the least bad."""
        return self._severities[code]

    def zero(self) -> dict[str, int]:
        """Return a count of 0 for every status, in the order of the choices."""
        return dict.fromkeys(self._codes, 0)

    def label(self, code: str) -> str:
        """Return the label of a status in the current language."""
        return choice_labels(self.statuses)[code]


INDICATORS = Scale(
    Status,
    (Status.MISSED, Status.WITHIN_TOLERANCE, Status.MET),
    Status.NO_DATA,
    gettext_lazy("Keine Kennzahlen zugeordnet."),
    gettext_lazy("Für keine der Kennzahlen liegen Ziel- und Istwert vor (%(leaves)s)."),
)
MEASURES = Scale(
    MeasureStatus,
    (MeasureStatus.LATE, MeasureStatus.ON_TIME, MeasureStatus.DONE),
    MeasureStatus.NO_DEADLINE,
    gettext_lazy("Keine Maßnahmen zugeordnet."),
    gettext_lazy("Keine der Maßnahmen hat eine Frist (%(leaves)s)."),
)


class Child(NamedTuple):
    """One element below a parent: its label, status and the leaves counted under it."""

    label: str
    result: Result
    leaves: Mapping[str, int]


@dataclass(frozen=True, eq=False)
class RollUp(Result):
    """A parent's status: the worst child's, with counts per status."""

    worst: Child | None = None
    counts: dict[str, int] = field(default_factory=dict)  # over the direct children
    leaves: dict[str, int] = field(default_factory=dict)  # over the indicators (or measures)

    def as_child(self, label: str) -> Child:
        """Return this roll-up as a child of the next level."""
        return Child(label=label, result=self, leaves=self.leaves)


# One leaf of each status; shared, as roll-ups only read the counts of their children.
_ONE: dict[str, Mapping[str, int]] = {}


def leaf(label: str, result: Result) -> Child:
    """Return an indicator's (or measure's) status as a child counting one leaf."""
    one = _ONE.get(result.code)
    if one is None:
        one = _ONE[result.code] = MappingProxyType({result.code: 1})
    return Child(label, result, one)


def counts_text(counts: Mapping[str, int], scale: Scale) -> str:
    """Return the non-zero counts as text: `2 erfüllt, 1 verfehlt`."""
    parts = [f"{n} {scale.label(code)}" for code, n in counts.items() if n]
    return ", ".join(parts) or _("keine")


def roll_up(children: Sequence[Child], scale: Scale = INDICATORS) -> RollUp:
    """Return the worst child's status, the worst child and the counts per status.

    Children without data are passed over; a parent has no data only when none of its
    children has any (or it has no children). Of equally bad children the first wins.
    """
    counts, leaves = scale.zero(), scale.zero()
    worst: Child | None = None
    worst_severity = -2
    for child in children:
        child_code = child.result.code
        counts[child_code] += 1
        for code, number in child.leaves.items():
            leaves[code] += number
        severity = scale.severity(child_code)
        if severity > worst_severity:
            worst, worst_severity = child, severity
    if worst is None or not any(leaves.values()) or worst.result.code == scale.empty:
        code = scale.empty
    else:
        code = worst.result.code
    return RollUp(
        code=code,
        label=scale.label(code),
        explanation=partial(_reason, code, worst, leaves, scale),
        worst=worst,
        counts=counts,
        leaves=leaves,
    )


def _reason(code: str, worst: Child | None, leaves: Mapping[str, int], scale: Scale) -> str:
    """Return the German reason of a roll-up: its worst child and the counts below it."""
    if worst is None or not any(leaves.values()):
        return str(scale.none_assigned)
    if code == scale.empty:
        return str(scale.none_with_data) % {"leaves": counts_text(leaves, scale)}
    return _("Am schlechtesten: %(child)s (%(status)s). Insgesamt: %(leaves)s.") % {
        "child": worst.label,
        "status": worst.result.label,
        "leaves": counts_text(leaves, scale),
    }
