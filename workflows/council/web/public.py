"""Public pages without login: a paper like a council information system, the meetings feed.

Only public, not deleted papers exist here (404 otherwise), with their public agenda items
and public files; the calendar lists the meetings that are not cancelled.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from ..access import public_papers
from ..models import AgendaItem, ConsultationStep, Meeting, Paper, PaperFile
from ..states import FileRole, MeetingState, StepRole, StepState
from .steps import file_response

PRODID = "-//Strategische Planung//Sitzungskalender//DE"
# The feed looks back this far: older meetings are in the council information system.
FEED_PAST = dt.timedelta(days=365)


def _public_paper(pk: int) -> Paper:
    queryset = public_papers(Paper.objects.all()).select_related("lead_department", "body")
    return get_object_or_404(queryset, pk=pk)  # type: ignore[no-any-return]


@require_GET
@login_not_required
def paper_public(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a public paper with its consultation sequence, results and public files."""
    paper = _public_paper(pk)
    items = AgendaItem.objects.filter(public=True, deleted=False).select_related("meeting")
    steps = list(
        ConsultationStep.objects.filter(paper=paper, deleted=False)
        .select_related("committee")
        .prefetch_related(
            Prefetch(
                "agenda_items", queryset=items.order_by("meeting__start"), to_attr="public_items"
            )
        )
        .order_by("position", "id")
    )
    resolutions = []
    for step in steps:
        current = [i for i in step.public_items if i.pk == step.agenda_item_id]  # type: ignore[attr-defined]
        step.current = current[0] if current else None  # type: ignore[attr-defined]
        if step.role == StepRole.DECISION and step.state == StepState.RECORDED:
            resolutions.append(step)
    files = sorted(
        PaperFile.objects.filter(paper=paper, public=True, deleted=False),
        key=lambda f: (f.role != FileRole.MAIN, f.position, f.pk),
    )
    context = {"paper": paper, "steps": steps, "resolutions": resolutions, "files": files}
    return render(request, "council/paper_public.html", context)


@require_GET
@login_not_required
def public_file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Hand out a public file of a public paper."""
    file = (
        PaperFile.objects.filter(pk=pk, public=True, deleted=False)
        .filter(paper__in=public_papers(Paper.objects.all()))
        .first()
    )
    if file is None:
        raise Http404
    response = file_response(file)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _location_text(meeting: Meeting) -> str:
    location = meeting.location
    if location is None:
        return ""
    address = " ".join(p for p in (location.postal_code, location.locality) if p)
    parts = [str(location), location.street_address, address]
    return ", ".join(p for p in parts if p)


@require_GET
@login_not_required
def meetings_ical(request: HttpRequest) -> HttpResponse:
    """Return the public meetings (not cancelled) as an iCalendar feed; ?kommune=<key>."""
    meetings = (
        Meeting.objects.exclude(state=MeetingState.CANCELLED)
        .filter(start__gte=timezone.now() - FEED_PAST)
        .select_related("committee", "location", "body")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.filter(public=True, deleted=False).order_by(
                    "position", "id"
                ),
                to_attr="public_items",
            )
        )
        .order_by("start", "id")
    )
    body_key = request.GET.get("kommune", "")
    if body_key:
        meetings = meetings.filter(body__key=body_key)
    site_url = str(settings.SITE_URL).rstrip("/")
    domain = urlsplit(site_url).hostname or "planungszyklus.invalid"
    now = timezone.now().astimezone(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", _("Öffentliche Sitzungen"))
    calendar.add("x-wr-calname", _("Öffentliche Sitzungen"))
    for meeting in meetings:
        event = Event()
        event.add("uid", f"sitzung-{meeting.pk}@{domain}")
        event.add("dtstamp", now)
        event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
        event.add("summary", meeting.name)
        event.add("dtstart", meeting.start.astimezone(dt.UTC))
        end = meeting.end or meeting.start + dt.timedelta(hours=2)
        event.add("dtend", end.astimezone(dt.UTC))
        location = _location_text(meeting)
        if location:
            event.add("location", location)
        lines = [f"{meeting.committee.name} ({meeting.body.name})"]
        agenda = [f"TOP {i.number}: {i.name}" for i in meeting.public_items]  # type: ignore[attr-defined]
        if agenda:
            lines.append(_("Öffentliche Tagesordnung:"))
            lines.extend(agenda)
        event.add("description", "\n".join(lines))
        event.add("status", "CONFIRMED")
        event.add("categories", [meeting.committee.name])
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sitzungen.ics"'
    return response


def public_paper_url(paper: Paper) -> str:
    return reverse("workflows:paper_public", args=[paper.pk])


urls: list[URLPattern] = [
    path("oeffentlich/vorlagen/<int:pk>/", paper_public, name="paper_public"),
    path("oeffentlich/dateien/<int:pk>/", public_file_download, name="paper_file_public"),
    path("oeffentlich/sitzungen.ics", meetings_ical, name="meetings_ical"),
]
