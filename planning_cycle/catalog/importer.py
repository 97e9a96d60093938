"""Import validated goal catalogs into the database, idempotently and all-or-nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from planning_cycle.models import Role, RoleAssignment, User

from .loader import LoadedCatalog, load_catalogs
from .report import IMPORTED_MODELS, Counts, ImportReport, Outcome
from .writer import CatalogWriter

# The report types moved to report.py; they stay importable from here for existing callers.
__all__ = [
    "IMPORTED_MODELS",
    "CatalogImportDenied",
    "Counts",
    "ImportReport",
    "Outcome",
    "catalog_import",
    "catalog_import_many",
]


class CatalogImportDenied(PermissionDenied):
    """The acting user may not import a catalog for this body."""


def catalog_import(*, acting_user: User | None, path: Path, dry_run: bool = False) -> ImportReport:
    """Validate a catalog file completely, then write it in one transaction."""
    return catalog_import_many(acting_user=acting_user, paths=[path], dry_run=dry_run)[0]


def catalog_import_many(
    *, acting_user: User | None, paths: Sequence[Path], dry_run: bool = False
) -> list[ImportReport]:
    """Validate all files first (CatalogError lists every problem), then write all or nothing."""
    catalogs = load_catalogs(paths)
    for catalog in catalogs:
        _check_permission(acting_user, catalog)
    with transaction.atomic():
        reports = [CatalogWriter(catalog, dry_run=dry_run).run() for catalog in catalogs]
        if dry_run:
            transaction.set_rollback(True)
    return reports


def _check_permission(acting_user: User | None, catalog: LoadedCatalog) -> None:
    """Allow the system, superusers and the body's own management or strategy unit."""
    if acting_user is None or acting_user.is_superuser:
        return
    body = acting_user.body
    allowed = (
        body is not None
        and body.key == catalog.spec.body.key
        and RoleAssignment.objects.filter(
            user=acting_user, body=body, role__in=[Role.MANAGEMENT, Role.STRATEGY_UNIT]
        ).exists()
    )
    if not allowed:
        raise CatalogImportDenied(
            _(
                "Sie dürfen keinen Zielkatalog für „%(body)s“ importieren; das dürfen nur die "
                "Verwaltungsleitung und die Strategische Steuerung der Kommune."
            )
            % {"body": catalog.spec.body.name}
        )
