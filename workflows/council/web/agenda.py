"""Pages: the council office changes a coming meeting and its items without a paper.

Moving a meeting moves the result deadlines of the papers on its agenda (the service tells
the registry); a held or cancelled meeting and its agenda stay as they are.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planning_cycle.web import member_view, request_checker

from ..access import agenda_items_visible
from ..models import AgendaItem, Meeting
from ..services.base import CouncilError
from ..services.meetings import CLOSED, agenda_item_add, agenda_item_remove, meeting_update
from .common import (
    NAV_MEETINGS,
    form_error,
    refusal,
    request_user,
    require_manage,
    visible_meeting,
)
from .forms import AgendaItemForm, MeetingEditForm
from .meetings import ADD_PREFIX, detail_page


def _closed(meeting: Meeting) -> str:
    """Return why a meeting can no longer be changed ("" while it can)."""
    if meeting.state not in CLOSED:
        return ""
    return _("Die Sitzung ist %(state)s und kann nicht mehr geändert werden.") % {
        "state": meeting.get_state_display()
    }


def _edit_page(
    request: HttpRequest,
    meeting: Meeting,
    form: MeetingEditForm | None,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"meeting": meeting, "form": form, "error": error, "nav_section": NAV_MEETINGS}
    return render(request, "council/meeting_edit.html", context, status=status)


def managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    """Return a meeting of the user's body (else 404) the user runs (else 403)."""
    meeting = visible_meeting(request, pk)
    require_manage(request, meeting)
    return meeting


@member_view
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a coming meeting's name, day, times and place (the council office)."""
    meeting = managed_meeting(request, pk)
    closed = _closed(meeting)
    if closed:
        return _edit_page(
            request, meeting, None, error=closed, status=409 if request.method == "POST" else 200
        )
    if request.method != "POST":
        form = MeetingEditForm(initial=MeetingEditForm.initial_of(meeting), body_id=meeting.body_id)
        return _edit_page(request, meeting, form)
    form = MeetingEditForm(request.POST, body_id=meeting.body_id)
    if not form.is_valid():
        return _edit_page(request, meeting, form, status=400)
    data = form.cleaned_data
    try:
        changed = meeting_update(
            acting_user=request_user(request),
            meeting=meeting,
            name=data["name"],
            start=data["start_at"],
            end=data["end_at"],
            location=data["location"],
            checker=request_checker(request),
        )
    except CouncilError as exc:
        if exc.status == 409:
            fresh = Meeting.objects.get(pk=meeting.pk)
            return _edit_page(request, fresh, None, error=exc.message, status=409)
        return _edit_page(request, meeting, form, status=form_error(form, exc))
    messages.success(request, _("Die Sitzung „%(meeting)s“ ist geändert.") % {"meeting": changed})
    return redirect("workflows:meeting_detail", pk=meeting.pk)


@require_POST
@member_view
def agenda_item_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item without a paper (Mitteilungen, Anfragen) to a coming meeting's agenda."""
    meeting = managed_meeting(request, pk)
    items = list(
        agenda_items_visible(AgendaItem.objects.filter(meeting=meeting), request_user(request))
    )
    form = AgendaItemForm(request.POST, items=items, prefix=ADD_PREFIX)
    if not form.is_valid():
        return detail_page(request, meeting, add_form=form, status=400)
    data = form.cleaned_data
    try:
        item = agenda_item_add(
            acting_user=request_user(request),
            meeting=meeting,
            name=data["name"],
            number=data["number"],
            public=data["public"],
            position=data["position"],
            checker=request_checker(request),
        )
    except CouncilError as exc:
        if exc.status == 409:
            return detail_page(request, meeting, error=exc.message, status=409)
        return detail_page(request, meeting, add_form=form, status=form_error(form, exc))
    messages.success(
        request,
        _("TOP %(number)s „%(name)s“ steht auf der Tagesordnung.")
        % {"number": item.number, "name": item.name},
    )
    return redirect(reverse("workflows:meeting_detail", args=[meeting.pk]) + f"#top-{item.pk}")


@require_POST
@member_view
def agenda_item_remove_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Take an item without a paper off a coming meeting's agenda."""
    meeting = managed_meeting(request, pk)
    item = get_object_or_404(
        agenda_items_visible(AgendaItem.objects.filter(meeting=meeting), request_user(request)),
        pk=item_pk,
    )
    try:
        agenda_item_remove(
            acting_user=request_user(request), item=item, checker=request_checker(request)
        )
    except CouncilError as exc:
        message, _field, status = refusal(exc)
        return detail_page(request, meeting, error=message, status=status)
    messages.success(
        request,
        _("TOP %(number)s „%(name)s“ ist von der Tagesordnung genommen.")
        % {"number": item.number, "name": item.name},
    )
    return redirect(reverse("workflows:meeting_detail", args=[meeting.pk]) + "#tagesordnung")


urls: list[URLPattern] = [
    path("sitzungen/<int:pk>/bearbeiten/", meeting_edit, name="meeting_edit"),
    path("sitzungen/<int:pk>/tagesordnung/", agenda_item_add_view, name="agenda_item_add"),
    path(
        "sitzungen/<int:pk>/tagesordnung/<int:item_pk>/entfernen/",
        agenda_item_remove_view,
        name="agenda_item_remove",
    ),
]
