"""Reference numbers of papers: per body and pattern, without gaps or duplicates.

The counter row is locked and raised in the transaction that creates the paper: two
creations at once wait for each other, and a creation that fails gives its number back
with its rollback.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from planning_cycle.models import Body

from ..models import PaperNumbering, ReferenceCounter
from ..models.papers import DEFAULT_PATTERN

_PLACEHOLDER = re.compile(r"\{(\w+)(?::[^}]*)?\}")
ALLOWED = frozenset({"year", "unit", "number"})


class PatternRefused(ValueError):
    """A numbering pattern that cannot number papers; the message names why."""


def pattern_check(pattern: str) -> str:
    """Return the pattern if it numbers papers uniquely, else raise PatternRefused."""
    names = set(_PLACEHOLDER.findall(pattern))
    unknown = names - ALLOWED
    if unknown:
        raise PatternRefused(
            _("Unbekannter Platzhalter im Muster: %(names)s (erlaubt: {year}, {unit}, {number}).")
            % {"names": ", ".join("{" + n + "}" for n in sorted(unknown))}
        )
    if "number" not in names or "year" not in names:
        raise PatternRefused(
            _(
                "Das Muster braucht mindestens {year} und {number}, "
                "z. B. {year}/{unit}/{number:04d}."
            )
        )
    try:
        pattern.format(year=2026, unit="StS", number=1)
    except (ValueError, IndexError, KeyError) as exc:
        raise PatternRefused(
            _("Das Muster „%(pattern)s“ ist fehlerhaft: %(error)s")
            % {"pattern": pattern, "error": exc}
        ) from None
    return pattern


def numbering_of(body: Body) -> PaperNumbering:
    """Return the body's numbering (the default pattern when it set none)."""
    numbering = PaperNumbering.objects.filter(body=body).first()
    return numbering or PaperNumbering(body=body, pattern=DEFAULT_PATTERN)


def reference_next(*, body: Body, year: int, unit: str) -> tuple[str, int]:
    """Draw the next reference in the body's range for year and unit (inside a transaction)."""
    numbering = numbering_of(body)
    key_unit = unit if numbering.per_unit else ""
    # Create the range's counter if it is new; a concurrent creation of the same row is
    # no error (its creator's row is the one both lock below).
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(body=body, year=year, unit=key_unit, last_number=0)],
        ignore_conflicts=True,
    )
    counter = ReferenceCounter.objects.select_for_update().get(body=body, year=year, unit=key_unit)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    number = counter.last_number
    return numbering.pattern.format(year=year, unit=unit, number=number), number
