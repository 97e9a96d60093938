"""Pages: the rounds (list, create, detail, draft sections, invitees, completion board)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from planning_cycle.models import Department, Organisation, User
from planning_cycle.web import request_checker
from workflows.access import workflow_visible
from workflows.panels import panel_for

from ..models import ConsultationRound, Invitation, RoundSection
from ..selectors.rounds import (
    invitees_available,
    round_board,
    round_invitations,
    round_sections,
    rounds_for_user,
)
from ..services.rounds import (
    RoundError,
    invitation_remove,
    invitations_add,
    may_manage,
    reminder_send_unanswered,
    round_create,
    round_update,
    section_add,
    section_remove,
    section_update,
)
from ..states import RoundState
from .round_forms import RoundForm, SectionForm

NAV = "consultation"
View = Callable[..., HttpResponse]


def consultation_view(view: View) -> View:
    """Require a logged-in member of a body; external invitees are let in (the gate decides)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "body_id", None) is None:
            return render(request, "notices/no_body.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _visible_round(request: HttpRequest, pk: int) -> ConsultationRound:
    """Return a round the user may see (the access gate), else 404."""
    queryset = workflow_visible(ConsultationRound, user=_user(request))
    return get_object_or_404(queryset, pk=pk)  # type: ignore[no-any-return]


def _managed_round(request: HttpRequest, pk: int) -> ConsultationRound:
    """Return a round the user runs; 404 if they may not see it, 403 if they only see it."""
    round_ = _visible_round(request, pk)
    if not may_manage(_user(request), request_checker(request), round_):
        raise PermissionDenied
    return round_


def _manages(request: HttpRequest, round_: ConsultationRound | None = None) -> bool:
    return may_manage(_user(request), request_checker(request), round_)


def _form_error(form: Any, exc: RoundError) -> None:
    """Put a service's refusal on its field (or on the whole form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# --- list and create ---------------------------------------------------------------------


@consultation_view
def round_list(request: HttpRequest) -> HttpResponse:
    """List the rounds the user may see, newest first."""
    rounds = list(rounds_for_user(_user(request)).order_by("-created_at", "-id"))
    context = {"rounds": rounds, "may_manage": _manages(request), "nav_section": NAV}
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


@consultation_view
def round_create_view(request: HttpRequest) -> HttpResponse:
    """Create a round as a draft (a follow-up round with ?nach=<id>)."""
    if not _manages(request):
        raise PermissionDenied
    previous = None
    previous_pk = request.GET.get("nach") or request.POST.get("previous_round")
    if previous_pk and str(previous_pk).isdigit():
        previous = _visible_round(request, int(previous_pk))
    body_id = int(_user(request).body_id)  # type: ignore[arg-type]
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
        return _form_page(request, form, previous=previous)
    form = RoundForm(request.POST, body_id=body_id)
    if not form.is_valid():
        return _form_page(request, form, previous=previous, status=400)
    try:
        round_ = round_create(
            acting_user=_user(request),
            previous_round=previous,
            checker=request_checker(request),
            **_round_values(form),
        )
    except RoundError as exc:
        _form_error(form, exc)
        return _form_page(request, form, previous=previous, status=exc.status)
    messages.success(
        request, _("Das Beteiligungsverfahren „%(title)s“ ist angelegt.") % {"title": round_.title}
    )
    return redirect("workflows:round_detail", pk=round_.pk)


def _form_page(
    request: HttpRequest,
    form: RoundForm,
    *,
    round_: ConsultationRound | None = None,
    previous: ConsultationRound | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "round": round_, "previous": previous, "nav_section": NAV}
    return render(request, "consultation/round_form.html", context, status=status)


@consultation_view
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft round's title, subject, description, deadline and cycle."""
    round_ = _managed_round(request, pk)
    body_id = round_.body_id
    if request.method != "POST":
        initial = {
            "title": round_.title,
            "subject_kind": round_.subject_kind,
            "description": round_.description,
            "deadline": round_.deadline,
            "cycle": round_.cycle_id,
        }
        return _form_page(request, RoundForm(initial=initial, body_id=body_id), round_=round_)
    form = RoundForm(request.POST, body_id=body_id)
    if not form.is_valid():
        return _form_page(request, form, round_=round_, status=400)
    try:
        round_update(
            acting_user=_user(request),
            round=round_,
            checker=request_checker(request),
            **_round_values(form),
        )
    except RoundError as exc:
        _form_error(form, exc)
        return _form_page(request, form, round_=round_, status=exc.status)
    messages.success(request, _("Das Beteiligungsverfahren wurde gespeichert."))
    return redirect("workflows:round_detail", pk=round_.pk)


# --- detail ------------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest,
    round_: ConsultationRound,
    *,
    section_form: SectionForm | None = None,
    invitee_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    manages = _manages(request, round_)
    if manages:
        invitations = round_invitations(round_)
    else:
        # An invitee sees the draft and its own invitations only.
        invitations = list(
            workflow_visible(Invitation, user=user).filter(round_id=round_.pk).order_by("id")
        )
    departments: list[Department] = []
    organisations: list[Organisation] = []
    if manages and round_.state in (RoundState.DRAFT, RoundState.OPEN):
        departments, organisations = invitees_available(round_)
    context = {
        "round": round_,
        "object": round_,
        "sections": round_sections(round_),
        "invitations": invitations,
        "files": list(round_.files.filter(statement__isnull=True)),
        "may_manage": manages,
        "is_draft": round_.state == RoundState.DRAFT,
        "may_invite": manages and round_.state in (RoundState.DRAFT, RoundState.OPEN),
        "section_form": section_form or SectionForm(),
        "invitee_error": invitee_error,
        "available_departments": departments,
        "available_organisations": organisations,
        "panel": panel_for(request, round_, next_url=request.path),
        "nav_section": NAV,
    }
    return render(request, "consultation/round_detail.html", context, status=status)


@consultation_view
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a round: its draft, documents, invitees, next steps and history."""
    return _detail_page(request, _visible_round(request, pk))


# --- sections ----------------------------------------------------------------------------


@require_POST
@consultation_view
def round_section_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a numbered section to the draft."""
    round_ = _managed_round(request, pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, round_, section_form=form, status=400)
    try:
        section = section_add(
            acting_user=_user(request),
            round=round_,
            checker=request_checker(request),
            **form.cleaned_data,
        )
    except RoundError as exc:
        _form_error(form, exc)
        return _detail_page(request, round_, section_form=form, status=exc.status)
    messages.success(request, _("Abschnitt %(number)s ist angelegt.") % {"number": section.number})
    return redirect(_detail_anchor(round_, "abschnitte"))


def _detail_anchor(round_: ConsultationRound, anchor: str) -> str:
    from django.urls import reverse

    return reverse("workflows:round_detail", args=[round_.pk]) + f"#{anchor}"


def _section(round_: ConsultationRound, section_pk: int) -> RoundSection:
    return get_object_or_404(  # type: ignore[no-any-return]
        RoundSection.objects.select_related("round"), round_id=round_.pk, pk=section_pk
    )


@consultation_view
def round_section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """Change a section of the draft."""
    round_ = _managed_round(request, pk)
    section = _section(round_, section_pk)
    if request.method != "POST":
        form = SectionForm(
            initial={"number": section.number, "title": section.title, "text": section.text}
        )
        return _section_page(request, round_, section, form)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return _section_page(request, round_, section, form, status=400)
    try:
        section_update(
            acting_user=_user(request),
            section=section,
            checker=request_checker(request),
            **form.cleaned_data,
        )
    except RoundError as exc:
        _form_error(form, exc)
        return _section_page(request, round_, section, form, status=exc.status)
    messages.success(
        request, _("Abschnitt %(number)s ist gespeichert.") % {"number": section.number}
    )
    return redirect(_detail_anchor(round_, "abschnitte"))


def _section_page(
    request: HttpRequest,
    round_: ConsultationRound,
    section: RoundSection,
    form: SectionForm,
    status: int = 200,
) -> HttpResponse:
    context = {"round": round_, "section": section, "form": form, "nav_section": NAV}
    return render(request, "consultation/round_section_form.html", context, status=status)


@require_POST
@consultation_view
def round_section_remove(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """Remove a section of the draft."""
    round_ = _managed_round(request, pk)
    section = _section(round_, section_pk)
    number = section.number
    try:
        section_remove(
            acting_user=_user(request), section=section, checker=request_checker(request)
        )
    except RoundError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Abschnitt %(number)s ist entfernt.") % {"number": number})
    return redirect(_detail_anchor(round_, "abschnitte"))


# --- invitees ----------------------------------------------------------------------------


def _ids(request: HttpRequest, name: str) -> list[int] | None:
    values = request.POST.getlist(name)
    if not all(v.isdigit() for v in values):
        return None
    return [int(v) for v in values]


@require_POST
@consultation_view
def round_invitees_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite departments and organisations of the body."""
    round_ = _managed_round(request, pk)
    departments = _ids(request, "departments")
    organisations = _ids(request, "organisations")
    if departments is None or organisations is None:
        message = _("Die Auswahl der Eingeladenen ist ungültig; bitte laden Sie die Seite neu.")
        return _detail_page(request, round_, invitee_error=message, status=400)
    try:
        created = invitations_add(
            acting_user=_user(request),
            round=round_,
            department_ids=departments,
            organisation_ids=organisations,
            checker=request_checker(request),
        )
    except RoundError as exc:
        return _detail_page(request, round_, invitee_error=exc.message, status=exc.status)
    messages.success(
        request,
        ngettext("%(n)d Eingeladene hinzugefügt.", "%(n)d Eingeladene hinzugefügt.", len(created))
        % {"n": len(created)},
    )
    return redirect(_detail_anchor(round_, "eingeladene"))


@require_POST
@consultation_view
def round_invitee_remove(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """Remove an invitee from the draft."""
    round_ = _managed_round(request, pk)
    invitation = get_object_or_404(
        Invitation.objects.select_related("round", "department", "organisation"),
        round_id=round_.pk,
        pk=invitation_pk,
    )
    name = str(invitation.invitee)
    try:
        invitation_remove(
            acting_user=_user(request), invitation=invitation, checker=request_checker(request)
        )
    except RoundError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s ist nicht mehr eingeladen.") % {"name": name})
    return redirect(_detail_anchor(round_, "eingeladene"))


# --- completion board and reminder -------------------------------------------------------


@consultation_view
def round_board_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show who answered, late, declined, extended, and who is still open."""
    round_ = _managed_round(request, pk)
    board = round_board(round_)
    context = {
        "round": round_,
        "board": board,
        "counts": board.counts,
        "may_remind": round_.state in (RoundState.OPEN, RoundState.CLOSED) and board.open > 0,
        "nav_section": NAV,
    }
    return render(request, "consultation/round_board.html", context)


@require_POST
@consultation_view
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a reminder to every invitee who has not answered."""
    round_ = _managed_round(request, pk)
    try:
        sent = reminder_send_unanswered(
            acting_user=_user(request), round=round_, checker=request_checker(request)
        )
    except RoundError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Die Erinnerung geht an %(n)d Eingeladene, die noch nicht geantwortet haben.")
            % {"n": sent},
        )
    return redirect("workflows:round_board", pk=round_.pk)


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
