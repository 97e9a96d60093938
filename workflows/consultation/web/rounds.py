"""Pages: the rounds (list, create, detail, draft sections, invitees, completion board)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from planning_cycle.web import request_checker

from ..selectors.rounds import (
    rounds_for_user,
)
from ..services.rounds import (
    RoundError,
    round_create,
    round_update,
)
from .common import participant_view
from .round_forms import RoundForm
from .round_pages import (
    NAV,
    detail_page,
    form_error,
    form_page,
    managed_round,
    manages,
    request_user,
    visible_round,
)
from .round_parts import (
    round_board_view,
    round_invitee_remove,
    round_invitees_add,
    round_remind,
    round_section_add,
    round_section_edit,
    round_section_remove,
)

# --- list and create ---------------------------------------------------------------------


@participant_view
def round_list(request: HttpRequest) -> HttpResponse:
    """List the rounds the user may see, newest first."""
    rounds = list(rounds_for_user(request_user(request)).order_by("-created_at", "-id"))
    context = {"rounds": rounds, "may_manage": manages(request), "nav_section": NAV}
    return render(request, "consultation/round_list.html", context)


def _round_values(form: RoundForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "subject_kind": data["subject_kind"],
        "description": data["description"],
        "deadline": data["deadline"],
        "cycle": data["cycle"],
    }


@participant_view
def round_create_view(request: HttpRequest) -> HttpResponse:
    """Create a round as a draft (a follow-up round with ?nach=<id>)."""
    if not manages(request):
        raise PermissionDenied
    previous = None
    previous_pk = request.GET.get("nach") or request.POST.get("previous_round")
    if previous_pk and str(previous_pk).isdigit():
        previous = visible_round(request, int(previous_pk))
    body_id = int(request_user(request).body_id)  # type: ignore[arg-type]
    if request.method != "POST":
        initial = {}
        if previous is not None:
            initial = {
                "title": previous.title,
                "subject_kind": previous.subject_kind,
                "description": previous.description,
                "cycle": previous.cycle_id,
            }
        form = RoundForm(initial=initial, body_id=body_id)
        return form_page(request, form, previous=previous)
    form = RoundForm(request.POST, body_id=body_id)
    if not form.is_valid():
        return form_page(request, form, previous=previous, status=400)
    try:
        round_ = round_create(
            acting_user=request_user(request),
            previous_round=previous,
            checker=request_checker(request),
            **_round_values(form),
        )
    except RoundError as exc:
        form_error(form, exc)
        return form_page(request, form, previous=previous, status=exc.status)
    messages.success(
        request, _("Das Beteiligungsverfahren „%(title)s“ ist angelegt.") % {"title": round_.title}
    )
    return redirect("workflows:round_detail", pk=round_.pk)


@participant_view
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft round's title, subject, description, deadline and cycle."""
    round_ = managed_round(request, pk)
    body_id = round_.body_id
    if request.method != "POST":
        initial = {
            "title": round_.title,
            "subject_kind": round_.subject_kind,
            "description": round_.description,
            "deadline": round_.deadline,
            "cycle": round_.cycle_id,
        }
        return form_page(request, RoundForm(initial=initial, body_id=body_id), round_=round_)
    form = RoundForm(request.POST, body_id=body_id)
    if not form.is_valid():
        return form_page(request, form, round_=round_, status=400)
    try:
        round_update(
            acting_user=request_user(request),
            round=round_,
            checker=request_checker(request),
            **_round_values(form),
        )
    except RoundError as exc:
        form_error(form, exc)
        return form_page(request, form, round_=round_, status=exc.status)
    messages.success(request, _("Das Beteiligungsverfahren wurde gespeichert."))
    return redirect("workflows:round_detail", pk=round_.pk)


@participant_view
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a round: its draft, documents, invitees, next steps and history."""
    return detail_page(request, visible_round(request, pk))


urls: list[URLPattern] = [
    path("", round_list, name="round_list"),
    path("neu/", round_create_view, name="round_create"),
    path("<int:pk>/", round_detail, name="round_detail"),
    path("<int:pk>/bearbeiten/", round_edit, name="round_edit"),
    path("<int:pk>/abschnitte/", round_section_add, name="round_section_add"),
    path("<int:pk>/abschnitte/<int:section_pk>/", round_section_edit, name="round_section_edit"),
    path(
        "<int:pk>/abschnitte/<int:section_pk>/entfernen/",
        round_section_remove,
        name="round_section_remove",
    ),
    path("<int:pk>/eingeladene/", round_invitees_add, name="round_invitees_add"),
    path(
        "<int:pk>/eingeladene/<int:invitation_pk>/entfernen/",
        round_invitee_remove,
        name="round_invitee_remove",
    ),
    path("<int:pk>/stand/", round_board_view, name="round_board"),
    path("<int:pk>/erinnerung/", round_remind, name="round_remind"),
]
