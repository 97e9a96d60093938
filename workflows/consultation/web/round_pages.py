"""What the round pages share: the gate for invitees, the round lookups, the detail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from planning_cycle.models import Department, Organisation
from planning_cycle.web import request_checker
from workflows.access import workflow_visible
from workflows.panels import panel_for

from ..models import ConsultationRound, Invitation
from ..selectors.rounds import (
    invitees_available,
    round_invitations,
    round_sections,
)
from ..services.rounds import (
    RoundError,
    may_manage,
)
from ..states import RoundState
from .common import request_user
from .round_forms import RoundForm, SectionForm

NAV = "consultation"
View = Callable[..., HttpResponse]


def visible_round(request: HttpRequest, pk: int) -> ConsultationRound:
    """Return a round the user may see (the access gate), else 404."""
    queryset = workflow_visible(ConsultationRound, user=request_user(request))
    return get_object_or_404(queryset, pk=pk)  # type: ignore[no-any-return]


def managed_round(request: HttpRequest, pk: int) -> ConsultationRound:
    """Return a round the user runs; 404 if they may not see it, 403 if they only see it."""
    round_ = visible_round(request, pk)
    if not may_manage(request_user(request), request_checker(request), round_):
        raise PermissionDenied
    return round_


def manages(request: HttpRequest, round_: ConsultationRound | None = None) -> bool:
    return may_manage(request_user(request), request_checker(request), round_)


def form_error(form: Any, exc: RoundError) -> None:
    """Put a service's refusal on its field (or on the whole form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def form_page(
    request: HttpRequest,
    form: RoundForm,
    *,
    round_: ConsultationRound | None = None,
    previous: ConsultationRound | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "round": round_, "previous": previous, "nav_section": NAV}
    return render(request, "consultation/round_form.html", context, status=status)


# --- detail ------------------------------------------------------------------------------


def detail_page(
    request: HttpRequest,
    round_: ConsultationRound,
    *,
    section_form: SectionForm | None = None,
    invitee_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    runs = manages(request, round_)
    if runs:
        invitations = round_invitations(round_)
    else:
        # An invitee sees the draft and its own invitations only.
        invitations = list(
            workflow_visible(Invitation, user=user).filter(round_id=round_.pk).order_by("id")
        )
    departments: list[Department] = []
    organisations: list[Organisation] = []
    if runs and round_.state in (RoundState.DRAFT, RoundState.OPEN):
        departments, organisations = invitees_available(round_)
    context = {
        "round": round_,
        "object": round_,
        "sections": round_sections(round_),
        "invitations": invitations,
        "files": list(round_.files.filter(statement__isnull=True)),
        "may_manage": runs,
        "is_draft": round_.state == RoundState.DRAFT,
        "may_invite": runs and round_.state in (RoundState.DRAFT, RoundState.OPEN),
        "section_form": section_form or SectionForm(),
        "invitee_error": invitee_error,
        "available_departments": departments,
        "available_organisations": organisations,
        "panel": panel_for(request, round_, next_url=request.path),
        "nav_section": NAV,
    }
    return render(request, "consultation/round_detail.html", context, status=status)
