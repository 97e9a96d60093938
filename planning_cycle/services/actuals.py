"""Import indicator actuals from a CSV or XLSX file: preview, then all rows or none."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PureWindowsPath
from typing import IO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from planning_cycle.controlling.actuals_import import (
    ActualRow,
    RowError,
    actuals_validate,
)
from planning_cycle.models import (
    AuditAction,
    Body,
    Indicator,
    IndicatorValue,
    Period,
    Role,
    User,
    ValueKind,
)
from planning_cycle.selectors.users import user_roles

from .actual_locks import YearSlot, actuals_locked
from .audit import SYSTEM, Actor, NotPermitted, audit_record

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
        preview = _preview(validation.rows, existing)
        return ActualsImport(rows=preview, errors=_locked(body, preview, lock=False))
    try:
        with transaction.atomic():
            existing = _existing(body, validation.rows, lock=True)
            preview = _preview(validation.rows, existing)
            errors = _locked(body, preview, lock=True)
            if errors:
                return ActualsImport(rows=preview, errors=errors)
            _write(body, validation.rows, preview, existing)
            result = ActualsImport(rows=preview, written=True)
            audit_record(
                actor=acting_user,
                body=body,
                action=AuditAction.ACTUALS_IMPORT,
                target=_audit_target(name, result),
            )
    except IntegrityError:
        return ActualsImport(
            errors=[
                RowError(_("Die Istwerte wurden gleichzeitig geändert; bitte erneut importieren."))
            ]
        )
    return result


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


def _preview(rows: list[ActualRow], existing: dict[Slot, IndicatorValue]) -> list[PreviewRow]:
    """Compare each row with the stored actual."""
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


def _locked(body: Body, preview: list[PreviewRow], *, lock: bool) -> list[RowError]:
    """Refuse each row that would write an actual of a locked year (accepted review).

    Unchanged rows write nothing and pass; the finders registered with `actuals_locked`
    (the goal review's) decide in a fixed number of queries for the whole file.
    """
    writing = [row for row in preview if row.change != Change.UNCHANGED]
    reasons: dict[YearSlot, str] = actuals_locked(
        body, [(row.indicator, row.year) for row in writing], lock=lock
    )
    return [
        RowError(
            _(
                "Der Istwert der Kennzahl „%(indicator)s“ (%(key)s) für %(year)d, "
                "%(period)s ist gesperrt, weil %(reason)s."
            )
            % {
                "indicator": row.indicator.name,
                "key": row.indicator.key,
                "year": row.year,
                "period": Period(row.period).label,
                "reason": reasons[(row.indicator.pk, row.year)],
            },
            row.row,
        )
        for row in writing
        if (row.indicator.pk, row.year) in reasons
    ]


def _audit_target(name: str, result: ActualsImport) -> str:
    """Describe a written import for the audit trail: file, counts, years and periods."""
    periods: dict[int, list[str]] = {}
    order = list(Period.values)
    for row in sorted(result.rows, key=lambda r: (r.year, order.index(r.period))):
        labels = periods.setdefault(row.year, [])
        label = str(Period(row.period).label)
        if label not in labels:
            labels.append(label)
    spans = "; ".join(f"{year} ({', '.join(labels)})" for year, labels in periods.items())
    return _(
        "%(file)s: %(new)d neu, %(changed)d geändert, %(unchanged)d unverändert; "
        "Zeiträume: %(periods)s"
    ) % {
        "file": PureWindowsPath(name).name or _("ohne Dateinamen"),
        "new": result.count(Change.NEW),
        "changed": result.count(Change.CHANGED),
        "unchanged": result.count(Change.UNCHANGED),
        "periods": spans,
    }


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
