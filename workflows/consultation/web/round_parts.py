"""Pages: a round's draft sections, its invitees, its completion board and reminder."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from planning_cycle.web import request_checker

from ..models import ConsultationRound, Invitation, RoundSection
from ..selectors.rounds import (
    round_board,
)
from ..services.rounds import (
    RoundError,
    invitation_remove,
    invitations_add,
    reminder_send_unanswered,
    section_add,
    section_remove,
    section_update,
)
from ..states import RoundState
from .common import participant_view
from .round_forms import SectionForm
from .round_pages import (
    NAV,
    detail_page,
    form_error,
    managed_round,
    request_user,
)

# --- sections ----------------------------------------------------------------------------


@require_POST
@participant_view
def round_section_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a numbered section to the draft."""
    round_ = managed_round(request, pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return detail_page(request, round_, section_form=form, status=400)
    try:
        section = section_add(
            acting_user=request_user(request),
            round=round_,
            checker=request_checker(request),
            **form.cleaned_data,
        )
    except RoundError as exc:
        form_error(form, exc)
        return detail_page(request, round_, section_form=form, status=exc.status)
    messages.success(request, _("Abschnitt %(number)s ist angelegt.") % {"number": section.number})
    return redirect(_detail_anchor(round_, "abschnitte"))


def _detail_anchor(round_: ConsultationRound, anchor: str) -> str:
    from django.urls import reverse

    return reverse("workflows:round_detail", args=[round_.pk]) + f"#{anchor}"


def _section(round_: ConsultationRound, section_pk: int) -> RoundSection:
    return get_object_or_404(  # type: ignore[no-any-return]
        RoundSection.objects.select_related("round"), round_id=round_.pk, pk=section_pk
    )


@participant_view
def round_section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """Change a section of the draft."""
    round_ = managed_round(request, pk)
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
            acting_user=request_user(request),
            section=section,
            checker=request_checker(request),
            **form.cleaned_data,
        )
    except RoundError as exc:
        form_error(form, exc)
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
@participant_view
def round_section_remove(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """Remove a section of the draft."""
    round_ = managed_round(request, pk)
    section = _section(round_, section_pk)
    number = section.number
    try:
        section_remove(
            acting_user=request_user(request), section=section, checker=request_checker(request)
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
@participant_view
def round_invitees_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite departments and organisations of the body."""
    round_ = managed_round(request, pk)
    departments = _ids(request, "departments")
    organisations = _ids(request, "organisations")
    if departments is None or organisations is None:
        message = _("Die Auswahl der Eingeladenen ist ungültig; bitte laden Sie die Seite neu.")
        return detail_page(request, round_, invitee_error=message, status=400)
    try:
        created = invitations_add(
            acting_user=request_user(request),
            round=round_,
            department_ids=departments,
            organisation_ids=organisations,
            checker=request_checker(request),
        )
    except RoundError as exc:
        return detail_page(request, round_, invitee_error=exc.message, status=exc.status)
    messages.success(
        request,
        ngettext("%(n)d Eingeladene hinzugefügt.", "%(n)d Eingeladene hinzugefügt.", len(created))
        % {"n": len(created)},
    )
    return redirect(_detail_anchor(round_, "eingeladene"))


@require_POST
@participant_view
def round_invitee_remove(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """Remove an invitee from the draft."""
    round_ = managed_round(request, pk)
    invitation = get_object_or_404(
        Invitation.objects.select_related("round", "department", "organisation"),
        round_id=round_.pk,
        pk=invitation_pk,
    )
    name = str(invitation.invitee)
    try:
        invitation_remove(
            acting_user=request_user(request),
            invitation=invitation,
            checker=request_checker(request),
        )
    except RoundError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s ist nicht mehr eingeladen.") % {"name": name})
    return redirect(_detail_anchor(round_, "eingeladene"))


# --- completion board and reminder -------------------------------------------------------


@participant_view
def round_board_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show who answered, late, declined, extended, and who is still open."""
    round_ = managed_round(request, pk)
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
@participant_view
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a reminder to every invitee who has not answered."""
    round_ = managed_round(request, pk)
    try:
        sent = reminder_send_unanswered(
            acting_user=request_user(request), round=round_, checker=request_checker(request)
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
