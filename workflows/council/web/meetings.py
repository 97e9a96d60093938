"""Pages: meetings (coming ones with their agendas, create, detail) and recording results.

The meeting's page offers its secretary one form per agenda item to record the result;
a refused form shows again with the message at its field and the input kept, a second
submission of the same result answers 409 with what happened. With htmx only the item
is swapped; without JavaScript the form posts and is redirected as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planning_cycle.access import user_may
from planning_cycle.web import member_view, request_checker
from workflows.access import workflow_visible
from workflows.panels import panel_for
from workflows.services.transitions import TransitionError

from ..access import agenda_items_visible
from ..models import AgendaItem, ConsultationStep, Meeting
from ..services.base import CouncilError
from ..services.meetings import CLOSED, meeting_create
from ..services.results import Referral, agenda_item_result_record
from ..states import MeetingState, StepState
from .common import (
    NAV_MEETINGS,
    RECORD,
    form_error,
    manages,
    request_user,
    require_manage,
    visible_meeting,
)
from .forms import AgendaItemForm, MeetingForm, ResultForm, committees_of
from .queries import meeting_agendas

LIST_SIZE = 60
ADD_PREFIX = "neu"


def _start_of_today() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))


@member_view
def meeting_list(request: HttpRequest) -> HttpResponse:
    """List the coming (or past) meetings with their agendas; filter by committee."""
    user = request_user(request)
    meetings = workflow_visible(Meeting, user=user)
    past = request.GET.get("zeitraum") == "vergangen"
    if past:
        meetings = meetings.filter(start__lt=_start_of_today()).order_by("-start", "-id")
    else:
        meetings = meetings.filter(start__gte=_start_of_today()).order_by("start", "id")
    committee_id = request.GET.get("gremium", "")
    if committee_id.isdigit():
        meetings = meetings.filter(committee_id=int(committee_id))
    shown = list(meetings[:LIST_SIZE])
    agendas = meeting_agendas(shown, user)
    rows = [(meeting, agendas.get(meeting.pk, [])) for meeting in shown]
    context = {
        "rows": rows,
        "past": past,
        "committees": list(committees_of(int(user.body_id or 0))),
        "chosen_committee": committee_id,
        "may_manage": manages(request),
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/meeting_list.html", context)


def _form_page(request: HttpRequest, form: MeetingForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "nav_section": NAV_MEETINGS}
    return render(request, "council/meeting_form.html", context, status=status)


@member_view
def meeting_create_view(request: HttpRequest) -> HttpResponse:
    """Schedule a meeting of a committee."""
    require_manage(request)
    body_id = int(request_user(request).body_id or 0)
    if request.method != "POST":
        initial: dict[str, Any] = {}
        if str(request.GET.get("gremium", "")).isdigit():
            initial["committee"] = int(request.GET["gremium"])
        return _form_page(request, MeetingForm(initial=initial, body_id=body_id))
    form = MeetingForm(request.POST, body_id=body_id)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    try:
        meeting = meeting_create(
            acting_user=request_user(request),
            committee=data["committee"],
            name=data["name"],
            start=data["start"],
            end=data["end"],
            location=data["location"],
            checker=request_checker(request),
        )
    except CouncilError as exc:
        return _form_page(request, form, status=form_error(form, exc))
    messages.success(request, _("Die Sitzung „%(meeting)s“ ist angelegt.") % {"meeting": meeting})
    return redirect("workflows:meeting_detail", pk=meeting.pk)


def _items_of(request: HttpRequest, meeting: Meeting) -> Any:
    return (
        agenda_items_visible(AgendaItem.objects.filter(meeting=meeting), request_user(request))
        .select_related("step__paper", "step__committee", "recorded_by")
        .order_by("position", "id")
    )


def _prepare(
    request: HttpRequest,
    meeting: Meeting,
    items: list[AgendaItem],
    *,
    bound: ResultForm | None,
    bound_item: int | None,
) -> bool:
    """Give each item its result form where the user records it; tell whether any has one."""
    user = request_user(request)
    checker = request_checker(request)
    records_any = False
    for item in items:
        step: ConsultationStep | None = item.step
        open_here = (
            step is not None
            and step.state == StepState.SCHEDULED
            and step.agenda_item_id == item.pk
            and meeting.state != MeetingState.CANCELLED
        )
        item.may_record = open_here and user_may(checker, user, RECORD, step)  # type: ignore[attr-defined, arg-type]
        records_any = records_any or item.may_record  # type: ignore[attr-defined]
        if item.may_record:  # type: ignore[attr-defined]
            if bound is not None and bound_item == item.pk:
                item.form = bound  # type: ignore[attr-defined]
            else:
                item.form = ResultForm(body_id=meeting.body_id, prefix=f"top-{item.pk}")  # type: ignore[attr-defined]
    return records_any


def detail_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    bound: ResultForm | None = None,
    bound_item: int | None = None,
    add_form: AgendaItemForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render the meeting's page; a refused form shows with its input and messages."""
    items = list(_items_of(request, meeting))
    records_any = _prepare(request, meeting, items, bound=bound, bound_item=bound_item)
    may_manage = manages(request, meeting)
    agenda_open = meeting.state not in CLOSED
    if may_manage and agenda_open and add_form is None:
        add_form = AgendaItemForm(items=items, prefix=ADD_PREFIX)
    context = {
        "meeting": meeting,
        "object": meeting,
        "items": items,
        "committees": list(committees_of(meeting.body_id)),
        "day_reached": meeting.date <= timezone.localdate(),
        "records_any": records_any,
        "error": error,
        "panel": panel_for(request, meeting, next_url=request.path),
        "may_manage": may_manage,
        "agenda_open": agenda_open,
        "add_form": add_form,
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/meeting_detail.html", context, status=status)


def item_fragment(
    request: HttpRequest,
    meeting: Meeting,
    item_pk: int,
    *,
    bound: ResultForm | None = None,
    message: str = "",
    level: str = "success",
    status: int = 200,
) -> HttpResponse:
    """Render one agenda item alone (what htmx swaps in), with a message at its top."""
    item = get_object_or_404(_items_of(request, meeting), pk=item_pk)
    _prepare(request, meeting, [item], bound=bound, bound_item=item.pk)
    context = {
        "meeting": meeting,
        "item": item,
        "committees": list(committees_of(meeting.body_id)),
        "may_manage": manages(request, meeting),
        "agenda_open": meeting.state not in CLOSED,
        "message": message,
        "level": level,
    }
    return render(request, "council/_agenda_item.html", context, status=status)


@member_view
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a meeting with its agenda; its secretary records the results here."""
    return detail_page(request, visible_meeting(request, pk))


@require_POST
@member_view
def result_record(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Record the committee's result of one agenda item (one form per item).

    htmx gets the item back alone (with its field errors, or the recorded result); a plain
    post is redirected to the item on the meeting's page, or gets the page with the errors.
    """
    meeting = visible_meeting(request, pk)
    user = request_user(request)
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    item = get_object_or_404(
        agenda_items_visible(AgendaItem.objects.filter(meeting=meeting), user), pk=item_pk
    )
    form = ResultForm(request.POST, body_id=meeting.body_id, prefix=f"top-{item.pk}")

    def refused(status: int, message: str = "") -> HttpResponse:
        if htmx:
            # The pressed button is swapped away: focus goes to the message at the item's top.
            return item_fragment(
                request,
                meeting,
                item.pk,
                bound=None if message else form,
                message=message or _("Nicht gespeichert: bitte prüfen Sie die markierten Felder."),
                level="danger",
                status=status,
            )
        if message:
            return detail_page(request, meeting, error=message, status=status)
        return detail_page(request, meeting, bound=form, bound_item=item.pk, status=status)

    if not form.is_valid():
        return refused(400)
    data = form.cleaned_data
    referrals = []
    if data["referral_committee"] is not None:
        referrals.append(
            Referral(
                committee=data["referral_committee"],
                role=data["referral_role"] or "pre_deliberation",
                part=data["referral_part"],
            )
        )
    try:
        agenda_item_result_record(
            acting_user=user,
            item=item,
            result=data["result"],
            resolution_text=data["resolution_text"],
            votes_yes=data["votes_yes"],
            votes_no=data["votes_no"],
            votes_abstain=data["votes_abstain"],
            referrals=referrals,
            checker=request_checker(request),
        )
    except (CouncilError, TransitionError) as exc:
        if exc.status == 403:
            if htmx:
                return refused(403, exc.message)
            return render(
                request,
                "council/refused.html",
                {"message": exc.message, "meeting": meeting, "nav_section": NAV_MEETINGS},
                status=403,
            )
        if exc.status == 409:
            return refused(409, exc.message)
        return refused(form_error(form, exc))
    item.refresh_from_db()
    message = _("Das Ergebnis zu TOP %(number)s ist erfasst: %(result)s.") % {
        "number": item.number,
        "result": item.get_result_display(),
    }
    if htmx:
        return item_fragment(request, meeting, item.pk, message=message)
    messages.success(request, message)
    return redirect(reverse("workflows:meeting_detail", args=[meeting.pk]) + f"#top-{item.pk}")


urls: list[URLPattern] = [
    path("sitzungen/", meeting_list, name="meeting_list"),
    path("sitzungen/neu/", meeting_create_view, name="meeting_create"),
    path("sitzungen/<int:pk>/", meeting_detail, name="meeting_detail"),
    path(
        "sitzungen/<int:pk>/tagesordnung/<int:item_pk>/ergebnis/",
        result_record,
        name="result_record",
    ),
]
