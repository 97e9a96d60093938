"""A cycle's own calendar as given by management: phase dates, switched-off phases, milestones.

`calendar_resolve` checks a calendar against the body's and returns what the new cycle
stores; every problem is a `CalendarError` naming the phase or milestone and its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from planning_cycle.models import (
    DEFAULT_CALENDAR,
    PHASE_ORDER,
    REQUIRED_PHASES,
    Body,
    MilestoneAudience,
    MilestoneKind,
    Phase,
    calendar_date,
)

MAX_MILESTONES = 100
MAX_TITLE = 200


class CycleError(Exception):
    """A cycle could not be created; the message tells why."""


class CalendarError(CycleError):
    """The calendar given for a cycle is wrong.

    `field` names the part ("dates", "switched_off", "milestones", "file"), `phase` the
    phase concerned if any.
    """

    def __init__(self, message: str, *, field: str = "", phase: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.phase = phase


@dataclass(frozen=True)
class MilestoneSpec:
    """A milestone as given: its title, kind, due date, audience and optional phase."""

    title: str
    kind: str
    due_date: dt.date
    audience: str
    phase: str = ""


@dataclass(frozen=True)
class CalendarSpec:
    """A cycle's calendar as given; what it leaves out comes from the body's calendar.

    `switched_off` None: the phases the body's calendar switches off.
    """

    dates: Mapping[str, dt.date] = field(default_factory=dict)
    switched_off: frozenset[str] | None = None
    milestones: tuple[MilestoneSpec, ...] = ()


@dataclass(frozen=True)
class ResolvedCalendar:
    """What a new cycle stores: the date of each phase it runs, those it skips, milestones."""

    dates: dict[str, dt.date]
    switched_off: frozenset[str]
    milestones: tuple[MilestoneSpec, ...]


def phase_label(phase: str) -> str:
    """Return the German name of a phase."""
    return str(Phase(phase).label)


def _day(day: dt.date) -> str:
    return date_format(day, "d.m.Y")


def body_phase_calendar(body: Body) -> tuple[dict[str, tuple[int, int, int]], frozenset[str]]:
    """Return the body's phase calendar (Kreis Soest's for phases it leaves out) and the
    phases it switches off."""
    calendar = {str(k): v for k, v in DEFAULT_CALENDAR.items()}
    off = set()
    for entry in body.calendar.all():
        calendar[entry.phase] = (entry.month, entry.day, entry.year_offset)
        if entry.switched_off:
            off.add(entry.phase)
    return calendar, frozenset(off - REQUIRED_PHASES)


def _check_phases(names: Iterable[str], *, field: str) -> None:
    unknown = sorted(set(names) - set(PHASE_ORDER) | ({Phase.CLOSED} & set(names)))
    if unknown:
        raise CalendarError(
            _("Unbekannte Phase: %(phases)s. Bekannt sind: %(known)s.")
            % {
                "phases": ", ".join(unknown),
                "known": ", ".join(p for p in PHASE_ORDER if p != Phase.CLOSED),
            },
            field=field,
        )


def _check_order(dates: dict[str, dt.date]) -> None:
    """Refuse dates that run backwards, naming both phases and dates."""
    ordered = [p for p in PHASE_ORDER if p in dates]
    for before, after in pairwise(ordered):
        if dates[after] < dates[before]:
            raise CalendarError(
                _("%(later)s (%(later_date)s) liegt vor %(earlier)s (%(earlier_date)s).")
                % {
                    "later": phase_label(after),
                    "later_date": _day(dates[after]),
                    "earlier": phase_label(before),
                    "earlier_date": _day(dates[before]),
                },
                field="dates",
                phase=after,
            )


def _check_milestone(m: MilestoneSpec, number: int | None, off: frozenset[str]) -> MilestoneSpec:
    where = _("Termin %(n)d") % {"n": number} if number else _("Termin")
    title = " ".join(m.title.split())
    if not title:
        raise CalendarError(
            _("%(where)s: Bitte geben Sie einen Titel an.") % {"where": where}, field="milestones"
        )
    where = (
        _("Termin %(n)d („%(title)s“)") % {"n": number, "title": title}
        if number
        else _("Termin „%(title)s“") % {"title": title}
    )
    if len(title) > MAX_TITLE:
        raise CalendarError(
            _("%(where)s: Der Titel ist länger als %(max)d Zeichen.")
            % {"where": where, "max": MAX_TITLE},
            field="milestones",
        )
    if m.kind not in MilestoneKind.values:
        raise CalendarError(
            _("%(where)s: Unbekannte Art „%(kind)s“. Möglich sind: %(known)s.")
            % {"where": where, "kind": m.kind, "known": ", ".join(MilestoneKind.values)},
            field="milestones",
        )
    if m.audience not in MilestoneAudience.values:
        raise CalendarError(
            _("%(where)s: Unbekannte Zuständigkeit „%(audience)s“. Möglich sind: %(known)s.")
            % {
                "where": where,
                "audience": m.audience,
                "known": ", ".join(MilestoneAudience.values),
            },
            field="milestones",
        )
    if m.phase:
        _check_phases([m.phase], field="milestones")
        if m.phase in off:
            raise CalendarError(
                _("%(where)s gehört zur Phase „%(phase)s“, die abgeschaltet ist.")
                % {"where": where, "phase": phase_label(m.phase)},
                field="milestones",
            )
    return MilestoneSpec(
        title=title, kind=m.kind, due_date=m.due_date, audience=m.audience, phase=m.phase
    )


def calendar_resolve(body: Body, year: int, spec: CalendarSpec | None) -> ResolvedCalendar:
    """Check a cycle's calendar and fill in what it leaves out from the body's calendar."""
    spec = spec or CalendarSpec()
    defaults, body_off = body_phase_calendar(body)
    _check_phases(spec.dates, field="dates")
    if spec.switched_off is None:
        off = body_off
    else:
        _check_phases(spec.switched_off, field="switched_off")
        required = [p for p in PHASE_ORDER if p in spec.switched_off and p in REQUIRED_PHASES]
        if required:
            raise CalendarError(
                _(
                    "Die Phase „%(phase)s“ kann nicht abgeschaltet werden: "
                    "jeder Zyklus durchläuft sie."
                )
                % {"phase": phase_label(required[0])},
                field="switched_off",
                phase=required[0],
            )
        off = frozenset(spec.switched_off)
    dated_off = [p for p in PHASE_ORDER if p in off and p in spec.dates]
    if dated_off:
        raise CalendarError(
            _("Die Phase „%(phase)s“ ist abgeschaltet und kann keinen Termin haben.")
            % {"phase": phase_label(dated_off[0])},
            field="dates",
            phase=dated_off[0],
        )
    dates = {
        phase: spec.dates.get(phase) or calendar_date(year, month, day, offset)
        for phase, (month, day, offset) in defaults.items()
        if phase not in off
    }
    _check_order(dates)
    if len(spec.milestones) > MAX_MILESTONES:
        raise CalendarError(
            _("Höchstens %(max)d Termine je Zyklus.") % {"max": MAX_MILESTONES},
            field="milestones",
        )
    milestones = tuple(
        _check_within(_check_milestone(m, number, off), year, dates)
        for number, m in enumerate(spec.milestones, start=1)
    )
    seen: set[tuple[str, dt.date]] = set()
    for m in milestones:
        if (m.title, m.due_date) in seen:
            raise CalendarError(
                _("Der Termin „%(title)s“ am %(date)s ist doppelt angegeben.")
                % {"title": m.title, "date": _day(m.due_date)},
                field="milestones",
            )
        seen.add((m.title, m.due_date))
    return ResolvedCalendar(dates=dates, switched_off=off, milestones=milestones)


def milestone_check(
    m: MilestoneSpec, *, year: int, dates: Mapping[str, dt.date], off: frozenset[str]
) -> MilestoneSpec:
    """Check one milestone added to an existing cycle of `year` with its phase `dates`.

    The rules of `calendar_resolve`, the date within the cycle among them.
    """
    return _check_within(_check_milestone(m, None, off), year, dates)


def _check_within(m: MilestoneSpec, year: int, dates: Mapping[str, dt.date]) -> MilestoneSpec:
    """Refuse a milestone outside its cycle.

    A cycle runs from 1 January of its year to the end of that year or its last phase
    date, whichever is later.
    """
    start = dt.date(year, 1, 1)
    end = max([dt.date(year, 12, 31), *dates.values()])
    if not start <= m.due_date <= end:
        raise CalendarError(
            _(
                "Der Termin „%(title)s“ am %(date)s liegt außerhalb des Zyklus "
                "(%(start)s bis %(end)s)."
            )
            % {
                "title": m.title,
                "date": _day(m.due_date),
                "start": _day(start),
                "end": _day(end),
            },
            field="milestones",
        )
    return m
