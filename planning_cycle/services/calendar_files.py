"""Read a cycle's calendar from a YAML or CSV file (the import command and the web upload).

YAML::

    year: 2027                       # optional when the caller names the year
    title: Planungszyklus 2027       # optional
    phases:
      goal_review: 2027-04-30        # a date (ISO or 31.03.2027) ...
      retreat: aus                   # ... or "aus"/"off"/false: the phase is switched off
    milestones:
      - title: Zwischenbericht I
        kind: interim_report         # preparation | interim_report | other
        due: 2027-09-15
        audience: council_office     # departments | management | strategy_unit | council_office
        phase: planning              # optional

CSV (comma or semicolon), one row per phase or milestone, with a header row::

    entry;name;date;kind;audience;phase
    phase;retreat;aus;;;
    phase;budget_resolution;31.03.2028;;;
    milestone;Zwischenbericht I;15.09.2027;interim_report;council_office;planning
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import yaml
from django.utils.translation import gettext as _

from .calendar import CalendarError, CalendarSpec, MilestoneSpec

OFF_WORDS = frozenset({"aus", "off", "abgeschaltet", "false", "no", "nein"})
MAX_FILE_BYTES = 256 * 1024
CSV_COLUMNS = ("entry", "name", "date", "kind", "audience", "phase")


@dataclass(frozen=True)
class CalendarFile:
    """A calendar file's content: the calendar and, if it names them, year and title."""

    calendar: CalendarSpec
    year: int | None = None
    title: str = ""


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CalendarError(
        _("%(where)s: „%(value)s“ ist kein Datum (z. B. 31.03.2027 oder 2027-03-31).")
        % {"where": where, "value": text},
        field="file",
    )


def _is_off(value: Any) -> bool:
    return value is False or str(value).strip().lower() in OFF_WORDS


def _phases(entries: dict[str, Any]) -> tuple[dict[str, dt.date], set[str]]:
    dates: dict[str, dt.date] = {}
    off: set[str] = set()
    for phase, value in entries.items():
        if _is_off(value):
            off.add(str(phase))
        else:
            dates[str(phase)] = _date(value, _("Phase %(phase)s") % {"phase": phase})
    return dates, off


def _yaml(text: str) -> CalendarFile:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CalendarError(
            _("Die Datei ist kein gültiges YAML: %(error)s") % {"error": exc}, field="file"
        ) from None
    if not isinstance(data, dict):
        raise CalendarError(_("Die Datei enthält keinen Kalender."), field="file")
    phases = data.get("phases") or {}
    if not isinstance(phases, dict):
        raise CalendarError(_("„phases“ muss eine Zuordnung Phase: Datum sein."), field="file")
    dates, off = _phases(phases)
    raw = data.get("milestones") or []
    if not isinstance(raw, list):
        raise CalendarError(_("„milestones“ muss eine Liste sein."), field="file")
    milestones = []
    for number, item in enumerate(raw, start=1):
        where = _("Termin %(n)d") % {"n": number}
        if not isinstance(item, dict):
            raise CalendarError(
                _("%(where)s: Bitte title, kind, due und audience angeben.") % {"where": where},
                field="file",
            )
        milestones.append(
            MilestoneSpec(
                title=str(item.get("title") or ""),
                kind=str(item.get("kind") or ""),
                due_date=_date(item.get("due"), where),
                audience=str(item.get("audience") or ""),
                phase=str(item.get("phase") or ""),
            )
        )
    year = data.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise CalendarError(_("„year“ muss eine Jahreszahl sein."), field="file")
    return CalendarFile(
        calendar=_spec(dates, off, milestones), year=year, title=str(data.get("title") or "")
    )


def _spec(
    dates: dict[str, dt.date], off: set[str], milestones: list[MilestoneSpec]
) -> CalendarSpec:
    # A file that switches nothing off keeps the body's switched-off phases.
    return CalendarSpec(
        dates=dates, switched_off=frozenset(off) if off else None, milestones=tuple(milestones)
    )


def _csv(text: str) -> CalendarFile:
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = [c for c in CSV_COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise CalendarError(
            _("Die CSV-Datei braucht die Spalten %(columns)s; es fehlt: %(missing)s.")
            % {"columns": ", ".join(CSV_COLUMNS), "missing": ", ".join(missing)},
            field="file",
        )
    phases: dict[str, Any] = {}
    milestones = []
    for row in reader:
        line = reader.line_num
        where = _("Zeile %(line)d") % {"line": line}
        entry = (row.get("entry") or "").strip().lower()
        name = (row.get("name") or "").strip()
        if entry == "phase":
            phases[name] = row.get("date") or ""
        elif entry == "milestone":
            milestones.append(
                MilestoneSpec(
                    title=name,
                    kind=(row.get("kind") or "").strip(),
                    due_date=_date(row.get("date"), where),
                    audience=(row.get("audience") or "").strip(),
                    phase=(row.get("phase") or "").strip(),
                )
            )
        elif entry or name:
            raise CalendarError(
                _(
                    "%(where)s: Spalte „entry“ muss „phase“ oder „milestone“ sein, "
                    "nicht „%(value)s“."
                )
                % {"where": where, "value": entry},
                field="file",
            )
    dates, off = _phases(phases)
    return CalendarFile(calendar=_spec(dates, off, milestones))


def calendar_file_parse(content: bytes, *, name: str) -> CalendarFile:
    """Read a calendar from a file's bytes; its name's ending says YAML or CSV."""
    if len(content) > MAX_FILE_BYTES:
        raise CalendarError(_("Die Datei ist größer als 256 KB."), field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarError(_("Die Datei ist nicht UTF-8-kodiert."), field="file") from None
    lower = name.lower()
    if lower.endswith((".yaml", ".yml")):
        return _yaml(text)
    if lower.endswith(".csv"):
        return _csv(text)
    raise CalendarError(
        _("Unbekanntes Dateiformat „%(name)s“: bitte .yaml, .yml oder .csv.") % {"name": name},
        field="file",
    )
