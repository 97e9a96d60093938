"""Create a body's planning cycle from a calendar file: `manage.py import_cycle_calendar`."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from planning_cycle.models import Body
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.calendar_files import calendar_file_parse
from planning_cycle.services.cycles import CycleError, cycle_create


class Command(BaseCommand):
    help = _(
        "Legt einen Planungszyklus mit seinem Kalender (Phasentermine, abgeschaltete Phasen, "
        "Termine) aus einer YAML- oder CSV-Datei an. Bei einem Fehler wird nichts gespeichert."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the file, the body's key and optionally year and title."""
        parser.add_argument("file", type=Path, help=_("Kalenderdatei (.yaml, .yml oder .csv)"))
        parser.add_argument("--body", required=True, help=_("Kennung der Kommune"))
        parser.add_argument("--year", type=int, help=_("Jahr des Zyklus (sonst aus der Datei)"))
        parser.add_argument("--title", default="", help=_("Titel des Zyklus"))

    def handle(self, *args: Any, **options: Any) -> None:
        """Read the file, create the cycle and print what was created."""
        path: Path = options["file"]
        body = Body.objects.filter(key=options["body"]).first()
        if body is None:
            raise CommandError(_("Unbekannte Kommune „%(key)s“.") % {"key": options["body"]})
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Datei %(path)s nicht lesbar: %(error)s") % {"path": path, "error": exc}
            ) from exc
        try:
            parsed = calendar_file_parse(content, name=path.name)
            year = options["year"] or parsed.year
            if year is None:
                raise CommandError(_("Bitte das Jahr angeben (--year oder year: in der Datei)."))
            cycle = cycle_create(
                acting_user=SYSTEM,
                body=body,
                year=year,
                title=options["title"] or parsed.title,
                calendar=parsed.calendar,
            )
        except CycleError as exc:
            raise CommandError(
                _("%(path)s: %(error)s Es wurde nichts gespeichert.") % {"path": path, "error": exc}
            ) from exc
        off = sorted(cycle.phases_switched_off())
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(cycle)s angelegt: %(phases)d Phasen, %(off)d abgeschaltet, "
                    "%(milestones)d Termine."
                )
                % {
                    "cycle": cycle,
                    "phases": cycle.deadlines.filter(switched_off=False).count(),
                    "off": len(off),
                    "milestones": cycle.milestones.count(),
                }
            )
        )
