"""Import indicator actuals from a CSV or XLSX file: preview, then all rows or none."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from planning_cycle.controlling.actuals_import import (
    ActualRow,
    RowError,
    actuals_validate,
)
from planning_cycle.models import Body, Indicator, IndicatorValue, Role, User, ValueKind
from planning_cycle.selectors.users import user_roles

from .audit import SYSTEM, Actor, NotPermitted

__all__ = ["SYSTEM", "ActualsImport", "Change", "indicator_actuals_import"]

# Importing finance-system exports is central: the strategy unit and management may.
IMPORT_ROLES = frozenset({Role.STRATEGY_UNIT.value, Role.MANAGEMENT.value})


class Change(enum.StrEnum):
    """What the import does to one actual."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"

    @property
    def label(self) -> str:
        """Return the change's German label."""
        return {
            Change.NEW: _("neu"),
            Change.CHANGED: _("geändert"),
            Change.UNCHANGED: _("unverändert"),
        }[self]


@dataclass(frozen=True)
class PreviewRow:
    """One row of the preview: the indicator's actual in a period, before and after."""

    row: int
    indicator: Indicator
    year: int
    period: str
    old_value: Decimal | None
    new_value: Decimal
    change: Change


@dataclass
class ActualsImport:
    """The outcome of an import: the preview, the errors, and whether it was written."""

    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def valid(self) -> bool:
        """Tell whether the file had no errors."""
        return not self.errors

    def count(self, change: Change) -> int:
        """Return the number of rows with this change."""
        return sum(1 for row in self.rows if row.change == change)


def actuals_import_allowed(actor: Actor, body: Body) -> bool:
    """Tell whether the actor may import actuals into the body."""
    if actor is SYSTEM:
        return True
    if not isinstance(actor, User) or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return actor.body_id == body.pk and bool(user_roles(actor) & IMPORT_ROLES)


def _may_overwrite(value: IndicatorValue) -> bool:
    """Tell whether an existing actual may be replaced by an import.

    This is the one place where a locked value (accepted review, see docs/controlling.md)
    is to be refused; until values can be locked, every actual may be overwritten.
    """
    return True


def indicator_actuals_import(
    *, acting_user: Actor, body: Body, file: IO[bytes], dry_run: bool
) -> ActualsImport:
    """Validate a file of actuals and, unless dry_run or invalid, write all its rows at once."""
    if not actuals_import_allowed(acting_user, body):
        raise NotPermitted(
            _(
                "Istwerte importieren dürfen nur die Strategische Steuerung und die "
                "Verwaltungsleitung der eigenen Kommune."
            )
        )
    name = str(getattr(file, "name", "") or "")
    validation = actuals_validate(body=body, data=file.read(), name=name)
    if not validation.valid:
        return ActualsImport(errors=validation.errors)
    if dry_run:
        existing = _existing(body, validation.rows, lock=False)
        return ActualsImport(rows=_preview(validation.rows, existing, []))
    try:
        with transaction.atomic():
            existing = _existing(body, validation.rows, lock=True)
            errors: list[RowError] = []
            preview = _preview(validation.rows, existing, errors)
            if errors:
                return ActualsImport(rows=preview, errors=errors)
            _write(body, validation.rows, preview, existing)
    except IntegrityError:
        return ActualsImport(
            errors=[
                RowError(_("Die Istwerte wurden gleichzeitig geändert; bitte erneut importieren."))
            ]
        )
    return ActualsImport(rows=preview, written=True)


Slot = tuple[int, int, str]


def _existing(body: Body, rows: Iterable[ActualRow], *, lock: bool) -> dict[Slot, IndicatorValue]:
    """Return the body's actuals in the file's slots (locked for the write when asked)."""
    rows = list(rows)
    queryset = IndicatorValue.objects.filter(
        body=body,
        kind=ValueKind.ACTUAL,
        indicator_id__in={row.indicator.pk for row in rows},
        year__in={row.year for row in rows},
    )
    if lock:
        queryset = queryset.select_for_update()
    return {(v.indicator_id, v.year, v.period): v for v in queryset}


def _preview(
    rows: list[ActualRow], existing: dict[Slot, IndicatorValue], errors: list[RowError]
) -> list[PreviewRow]:
    """Compare each row with the stored actual; report actuals that may not be replaced."""
    preview = []
    for row in rows:
        old = existing.get((row.indicator.pk, row.year, row.period))
        if old is None:
            change = Change.NEW
        elif (
            old.value == row.value
            and (row.comment is None or row.comment == old.comment)
            and (row.source is None or row.source == old.source)
        ):
            change = Change.UNCHANGED
        else:
            change = Change.CHANGED
            if not _may_overwrite(old):
                errors.append(
                    RowError(
                        _("Der Istwert ist gesperrt und kann nicht überschrieben werden."),
                        row.row,
                    )
                )
        preview.append(
            PreviewRow(
                row=row.row,
                indicator=row.indicator,
                year=row.year,
                period=row.period,
                old_value=None if old is None else old.value,
                new_value=row.value,
                change=change,
            )
        )
    return preview


def _write(
    body: Body,
    rows: list[ActualRow],
    preview: list[PreviewRow],
    existing: dict[Slot, IndicatorValue],
) -> None:
    """Create the new actuals and update the changed ones in bulk."""
    created, updated = [], []
    for row, seen in zip(rows, preview, strict=True):
        if seen.change == Change.NEW:
            created.append(
                IndicatorValue(
                    body=body,
                    indicator=row.indicator,
                    year=row.year,
                    period=row.period,
                    kind=ValueKind.ACTUAL,
                    value=row.value,
                    comment=row.comment or "",
                    source=row.source or "",
                )
            )
        elif seen.change == Change.CHANGED:
            value = existing[(row.indicator.pk, row.year, row.period)]
            value.value = row.value
            if row.comment is not None:
                value.comment = row.comment
            if row.source is not None:
                value.source = row.source
            updated.append(value)
    IndicatorValue.objects.bulk_create(created)
    IndicatorValue.objects.bulk_update(updated, ["value", "comment", "source"])
