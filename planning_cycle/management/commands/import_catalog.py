"""Import goal catalog files (YAML, format 1): `manage.py import_catalog FILE [FILE ...]`."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from planning_cycle.catalog.importer import catalog_import_many
from planning_cycle.catalog.loader import CatalogError


class Command(BaseCommand):
    help = _(
        "Importiert Zielkataloge (YAML, Format 1). Alle Dateien werden zuerst vollständig "
        "geprüft; bei einem Fehler wird nichts gespeichert."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take one or more files and the dry-run switch."""
        parser.add_argument("files", nargs="+", type=Path, help=_("Katalogdateien (YAML)"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Nur prüfen und zählen, nichts speichern."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Import the files and print a German summary and the warnings."""
        paths: list[Path] = options["files"]
        dry_run: bool = options["dry_run"]
        try:
            reports = catalog_import_many(acting_user=None, paths=paths, dry_run=dry_run)
        except CatalogError as exc:
            self.stderr.write(str(exc))
            raise CommandError(
                _("Import abgebrochen: %(count)d Fehler, es wurde nichts gespeichert.")
                % {"count": len(exc.problems)}
            ) from exc
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Probelauf: es wurde nichts gespeichert.")))
        for report in reports:
            for line in report.summary_lines():
                self.stdout.write(line)
            for warning in report.warnings:
                self.stdout.write(
                    self.style.WARNING(_("Warnung: %(warning)s") % {"warning": warning})
                )
        if not dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(count)d Katalogdatei(en) importiert.") % {"count": len(reports)}
                )
            )
