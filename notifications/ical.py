"""Build a user's iCalendar feed: their open deadlines and the phase dates of their body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker
from icalendar import Alarm, Calendar, Event, vDuration

from planning_cycle.access import permission_checker
from planning_cycle.models import CycleMilestone, PhaseDeadline, User

from .models import Deadline
from .rendering import deadline_subject, due_text

PRODID = "-//Strategische Planung//Planungszyklus//DE"
# Calendar clients should look again about once an hour.
REFRESH = dt.timedelta(hours=1)
# An all-day deadline reminds at 9:00 the day before (15 hours before its midnight start),
# a deadline at a time one day before it.
ALL_DAY_ALARM = dt.timedelta(hours=-15)
TIMED_ALARM = dt.timedelta(days=-1)


def _is_end_of_day(moment: dt.datetime) -> bool:
    """Tell whether a due time is the end of its local day (then the task is due that day)."""
    local = timezone.localtime(moment)
    return (local.hour, local.minute) == (23, 59)


def _uid_domain(site_url: str) -> str:
    return urlsplit(site_url).hostname or "planungszyklus.invalid"


def _deadline_event(
    deadline: Deadline,
    *,
    site_url: str,
    domain: str,
    now: dt.datetime,
    reader: User | None,
    checker: ObjectPermissionChecker | None,
) -> Event:
    subject = deadline_subject(deadline, reader=reader, checker=checker)
    url = site_url.rstrip("/") + deadline.url_path
    event = Event()
    # Stable across fetches and extensions: calendar clients update the event in place.
    event.add("uid", f"frist-{deadline.pk}@{domain}")
    event.add("dtstamp", now)
    event.add("summary", _("Frist: %(subject)s") % {"subject": subject})
    if _is_end_of_day(deadline.due_at):
        day = timezone.localdate(deadline.due_at)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        trigger = ALL_DAY_ALARM
    else:
        event.add("dtstart", deadline.due_at.astimezone(dt.UTC))
        trigger = TIMED_ALARM
    event.add(
        "description",
        _("%(subject)s. Fällig am %(due)s. Zur Aufgabe: %(url)s")
        % {"subject": subject, "due": due_text(deadline), "url": url},
    )
    event.add("url", url)
    event.add("categories", [_("Frist")])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", trigger)
    alarm.add("description", _("Morgen fällig: %(subject)s") % {"subject": subject})
    event.add_component(alarm)
    return event


def _phase_event(entry: PhaseDeadline, *, site_url: str, domain: str, now: dt.datetime) -> Event:
    phase = str(entry.get_phase_display())
    event = Event()
    event.add("uid", f"phase-{entry.pk}@{domain}")
    event.add("dtstamp", now)
    event.add(
        "summary",
        _("%(phase)s (Planungszyklus %(year)s)") % {"phase": phase, "year": entry.cycle.year},
    )
    assert entry.due_date is not None  # the feed lists only the phases the cycle runs
    event.add("dtstart", entry.due_date)
    event.add("dtend", entry.due_date + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add(
        "description",
        _("Termin der Phase „%(phase)s“ im Phasenkalender: %(cycle)s.")
        % {"phase": phase, "cycle": entry.cycle},
    )
    event.add("url", site_url.rstrip("/") + reverse("cycle_overview", args=[entry.cycle_id]))
    event.add("categories", [_("Planungszyklus")])
    return event


def _milestone_event(
    milestone: CycleMilestone, *, site_url: str, domain: str, now: dt.datetime
) -> Event:
    event = Event()
    event.add("uid", f"termin-{milestone.pk}@{domain}")
    event.add("dtstamp", now)
    event.add(
        "summary",
        _("%(title)s (Planungszyklus %(year)s)")
        % {"title": milestone.title, "year": milestone.cycle.year},
    )
    event.add("dtstart", milestone.due_date)
    event.add("dtend", milestone.due_date + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add(
        "description",
        _("%(kind)s, zuständig: %(audience)s. %(cycle)s.")
        % {
            "kind": milestone.get_kind_display(),
            "audience": milestone.get_audience_display(),
            "cycle": milestone.cycle,
        },
    )
    event.add("url", site_url.rstrip("/") + reverse("cycle_overview", args=[milestone.cycle_id]))
    event.add("categories", [_("Planungszyklus")])
    return event


def calendar_build(
    *,
    deadlines: Iterable[Deadline],
    phase_dates: Iterable[PhaseDeadline],
    milestones: Iterable[CycleMilestone] = (),
    site_url: str,
    now: dt.datetime | None = None,
    reader: User | None = None,
) -> bytes:
    """Return the feed as iCalendar bytes (texts in the active language, tasks as the reader's)."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    checker = permission_checker(reader) if reader is not None else None
    domain = _uid_domain(site_url)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("Strategische Planung: Fristen und Termine")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for deadline in deadlines:
        calendar.add_component(
            _deadline_event(
                deadline,
                site_url=site_url,
                domain=domain,
                now=now,
                reader=reader,
                checker=checker,
            )
        )
    for entry in phase_dates:
        calendar.add_component(_phase_event(entry, site_url=site_url, domain=domain, now=now))
    for milestone in milestones:
        calendar.add_component(
            _milestone_event(milestone, site_url=site_url, domain=domain, now=now)
        )
    return calendar.to_ical()
