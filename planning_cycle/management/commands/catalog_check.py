"""Check a body's goal hierarchy for consistency: `manage.py catalog_check --body KEY`.

Exit code 0 when the catalog has no defects, 1 when it has, 2 for an unknown body.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planning_cycle.controlling.consistency import catalog_defects, defects_grouped
from planning_cycle.models import Body

DEFECTS_FOUND = 1
UNKNOWN_BODY = 2


class Command(BaseCommand):
    help = _(
        "Prüft die Zielhierarchie einer Kommune auf Konsistenz (Ziele ohne Kennzahl, "
        "Kennzahlen ohne Ziel- oder Istwert, Maßnahmen ohne Verantwortliche oder Frist, "
        "Ziele ohne Produkt, Produkte ohne Ziel, doppelte Nummern). Exit-Code 1, wenn "
        "Mängel gefunden wurden."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the body's key."""
        parser.add_argument(
            "--body", required=True, help=_("Kennung der Kommune, z. B. landkreis-peine")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the defects grouped by kind and a summary; exit 1 when there are any."""
        key: str = options["body"]
        body = Body.objects.filter(key=key).first()
        if body is None:
            raise CommandError(
                _("Unbekannte Kommune „%(key)s“.") % {"key": key}, returncode=UNKNOWN_BODY
            )
        groups = defects_grouped(catalog_defects(body.pk))
        self.stdout.write(
            _("Konsistenzprüfung des Zielkatalogs: %(name)s (%(key)s)")
            % {"name": body.name, "key": body.key}
        )
        for group in groups:
            self.stdout.write("")
            self.stdout.write(f"{group.label} ({group.count})")
            for defect in group.defects:
                self.stdout.write(f"  - {defect.message}")
        self.stdout.write("")
        if not groups:
            self.stdout.write(self.style.SUCCESS(_("Keine Mängel gefunden.")))
            return
        total = sum(group.count for group in groups)
        self.stdout.write(
            self.style.WARNING(
                ngettext(
                    "Zusammenfassung: %(count)d Mangel",
                    "Zusammenfassung: %(count)d Mängel",
                    total,
                )
                % {"count": total}
            )
        )
        for group in groups:
            self.stdout.write(f"  {group.label}: {group.count}")
        raise SystemExit(DEFECTS_FOUND)
