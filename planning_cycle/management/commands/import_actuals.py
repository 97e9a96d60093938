"""Import indicator actuals from CSV or XLSX: `manage.py import_actuals --body KEY FILE`.

Exit code 0 when the file was written (or, with --dry-run, would be), 1 when it has
errors (nothing is written), 2 for an unknown body or an unreadable path.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from planning_cycle.models import Body
from planning_cycle.services.actuals import SYSTEM, Change, indicator_actuals_import

ERRORS_FOUND = 1
UNKNOWN_INPUT = 2


class Command(BaseCommand):
    help = _(
        "Importiert Istwerte von Kennzahlen aus einer CSV- oder XLSX-Datei; bei Fehlern "
        "wird nichts geschrieben (Exit-Code 1)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the body's key, the file and --dry-run."""
        parser.add_argument(
            "--body", required=True, help=_("Kennung der Kommune, z. B. landkreis-peine")
        )
        parser.add_argument("file", help=_("CSV- oder XLSX-Datei"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("nur prüfen und anzeigen, nichts schreiben")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the errors per row, or the counts of new, changed and unchanged actuals."""
        body = Body.objects.filter(key=options["body"]).first()
        if body is None:
            raise CommandError(
                _("Unbekannte Kommune „%(key)s“.") % {"key": options["body"]},
                returncode=UNKNOWN_INPUT,
            )
        path = Path(options["file"])
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise CommandError(
                _("Die Datei „%(path)s“ ist nicht lesbar: %(error)s")
                % {"path": path, "error": exc.strerror},
                returncode=UNKNOWN_INPUT,
            ) from None
        with handle:
            result = indicator_actuals_import(
                acting_user=SYSTEM, body=body, file=handle, dry_run=options["dry_run"]
            )
        if not result.valid:
            for error in result.errors:
                self.stderr.write(str(error))
            self.stderr.write(
                _("%(count)d Fehler, nichts geschrieben.") % {"count": len(result.errors)}
            )
            raise SystemExit(ERRORS_FOUND)
        counts = {
            "new": result.count(Change.NEW),
            "changed": result.count(Change.CHANGED),
            "unchanged": result.count(Change.UNCHANGED),
        }
        if result.written:
            message = _(
                "Geschrieben: %(new)d neu, %(changed)d geändert, %(unchanged)d unverändert."
            )
        else:
            message = _(
                "Probelauf, nichts geschrieben: %(new)d neu, %(changed)d geändert, "
                "%(unchanged)d unverändert."
            )
        self.stdout.write(self.style.SUCCESS(message % counts))
