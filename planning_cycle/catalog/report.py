"""Describe what a catalog import did: per-model counts of created, updated, unchanged rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from django.db import models
from django.utils.translation import gettext as _

from planning_cycle.models import (
    Body,
    BodyCalendarEntry,
    Department,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    PolicyField,
    Product,
    ProductBudget,
    StrategicGoal,
    Vision,
)

from .loader import CatalogWarning

# Models in the order the importer writes them; the report lists them in this order.
IMPORTED_MODELS: tuple[type[models.Model], ...] = (
    Body,
    BodyCalendarEntry,
    Department,
    Vision,
    Product,
    ProductBudget,
    PolicyField,
    StrategicGoal,
    OperativeGoal,
    Measure,
    Indicator,
    IndicatorValue,
)


class Outcome(Enum):
    """What an import did to one row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class Counts:
    """How many rows of one model were created, updated or left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: Outcome) -> None:
        """Count one row."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def __str__(self) -> str:
        """Return the counts in German."""
        return _("%(created)d neu, %(updated)d geändert, %(unchanged)d unverändert") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class KeptValue:
    """A stored value an import kept because the file does not mention it."""

    model: str
    row: str
    field: str

    def __str__(self) -> str:
        """Return the kept value in German, e.g. Politikfeld „Bildung“: Leitbild."""
        return _("%(model)s „%(row)s“: %(field)s") % {
            "model": self.model,
            "row": self.row,
            "field": self.field,
        }


@dataclass
class ImportReport:
    """The result of importing one catalog file."""

    file: str
    body_key: str
    body_name: str
    dry_run: bool = False
    counts: dict[str, Counts] = field(
        default_factory=lambda: {m._meta.label: Counts() for m in IMPORTED_MODELS}
    )
    warnings: list[CatalogWarning] = field(default_factory=list)
    # Stored values the file omits and the import therefore left as they are.
    kept: list[KeptValue] = field(default_factory=list)

    def of(self, model: type[models.Model]) -> Counts:
        """Return the counts of one model."""
        return self.counts[model._meta.label]

    @property
    def total(self) -> Counts:
        """Return the counts summed over all models."""
        total = Counts()
        for counts in self.counts.values():
            total.created += counts.created
            total.updated += counts.updated
            total.unchanged += counts.unchanged
        return total

    def summary_lines(self) -> list[str]:
        """Return a German summary: one headline, one line per model with rows."""
        lines = [
            _("%(file)s → %(body)s (%(key)s): %(counts)s")
            % {
                "file": self.file,
                "body": self.body_name,
                "key": self.body_key,
                "counts": self.total,
            }
        ]
        for model in IMPORTED_MODELS:
            counts = self.of(model)
            if counts.created or counts.updated or counts.unchanged:
                label = str(model._meta.verbose_name_plural)
                lines.append(f"  {label}: {counts}")
        if self.kept:
            lines.append(
                _(
                    '  Beibehalten, weil in der Datei nicht angegeben (mit null, "" oder [] '
                    "leeren): %(count)d"
                )
                % {"count": len(self.kept)}
            )
            lines.extend(f"    {kept}" for kept in self.kept)
        return lines
