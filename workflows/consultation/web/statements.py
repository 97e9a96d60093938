"""Pages: the invitee's side of a round: my invitations, an invitation, its statements.

Open to the body's members and to external stakeholders (who see only their organisation's
invitations: the access gate). Every write is a POST to a service; a refusal re-renders the
page with the user's input and the reason, with the error's status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planning_cycle.models import User
from planning_cycle.web import request_checker
from workflows.access import workflow_visible
from workflows.services.content import ContentError
from workflows.services.transitions import TransitionError

from ..models import Invitation, Statement
from ..selectors.statements import (
    InvitationPage,
    StatementPage,
    co_signer_choices,
    invitation_page,
    my_invitations,
    round_sections,
    statement_for,
    statement_page,
)
from ..services.statements import (
    ExtensionDateRefused,
    invitation_decline,
    invitation_extension_request,
    statement_correct,
    statement_create,
    statement_discard,
    statement_release,
    statement_update,
)
from ..states import StatementState
from .common import participant_view
from .statement_forms import ActionForm, ExtensionRequestForm, StatementForm

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    """Return the invitation if the user may see it (else 404), loaded for the page."""
    queryset = workflow_visible(Invitation, user=_user(request)).select_related(
        "round", "department", "organisation"
    )
    return get_object_or_404(queryset, pk=pk)  # type: ignore[no-any-return]


def _statement(request: HttpRequest, pk: int) -> Statement:
    found = statement_for(_user(request), pk)
    if found is None:
        raise Http404
    return found


def _page_of(request: HttpRequest, invitation: Invitation) -> InvitationPage:
    return invitation_page(
        user=_user(request), checker=request_checker(request), invitation=invitation
    )


def _statement_page_of(request: HttpRequest, statement: Statement) -> StatementPage:
    return statement_page(
        user=_user(request), checker=request_checker(request), statement=statement
    )


# --- my invitations -------------------------------------------------------------------


@participant_view
def my_invitations_view(request: HttpRequest) -> HttpResponse:
    """List the invitations of the user's departments and organisations."""
    return render(
        request,
        "consultation/invitation_list.html",
        {"invitations": list(my_invitations(_user(request))), "nav_section": "consultation"},
    )


# --- an invitation --------------------------------------------------------------------


def _statement_form(page: InvitationPage, data: Any = None) -> StatementForm:
    return StatementForm(data, sections=page.sections, invitees=page.co_signer_choices)


def _invitation_page(
    request: HttpRequest,
    invitation: Invitation,
    *,
    status: int = 200,
    form: StatementForm | None = None,
    extension_form: ExtensionRequestForm | None = None,
    decline_form: ActionForm | None = None,
    decline_error: str = "",
) -> HttpResponse:
    page = invitation_page(
        user=_user(request), checker=request_checker(request), invitation=invitation
    )
    if form is None and page.can_draft:
        form = _statement_form(page)
    if extension_form is None and page.extension is not None:
        extension_form = ExtensionRequestForm()
    return render(
        request,
        "consultation/invitation_detail.html",
        {
            "page": page,
            "invitation": invitation,
            "round": invitation.round,
            "form": form,
            "extension_form": extension_form,
            "decline_form": decline_form or ActionForm(),
            "decline_error": decline_error,
            "nav_section": "consultation",
        },
        status=status,
    )


@participant_view
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an invitation: the round's draft, its statements and what the user may do."""
    return _invitation_page(request, _invitation(request, pk))


@require_POST
@participant_view
def statement_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft a new statement for the invitation."""
    invitation = _invitation(request, pk)
    page = invitation_page(
        user=_user(request), checker=request_checker(request), invitation=invitation
    )
    form = _statement_form(page, request.POST)
    if not form.is_valid():
        return _invitation_page(request, invitation, form=form, status=400)
    try:
        statement = statement_create(
            acting_user=_user(request),
            invitation=invitation,
            position=form.cleaned_data["position"],
            text=form.cleaned_data["text"],
            section=form.chosen_section(),
            co_signers=form.chosen_co_signers(),
            checker=request_checker(request),
        )
    except ContentError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _invitation_page(request, invitation, form=form, status=exc.status)
    messages.success(request, _("Der Entwurf der Stellungnahme wurde angelegt."))
    return redirect("workflows:statement_detail", statement.pk)


@require_POST
@participant_view
def invitation_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline the invitation (no statement will be given)."""
    invitation = _invitation(request, pk)
    form = ActionForm(request.POST)
    form.is_valid()
    try:
        invitation_decline(
            acting_user=_user(request),
            invitation=invitation,
            comment=form.cleaned_data.get("comment", ""),
            expected_state=form.cleaned_data.get("expected_state") or None,
            checker=request_checker(request),
        )
    except TransitionError as exc:
        current = _invitation(request, pk)
        return _invitation_page(
            request, current, decline_form=form, decline_error=exc.message, status=exc.status
        )
    messages.success(request, _("Sie haben die Beteiligung abgesagt."))
    return redirect("workflows:invitation_detail", invitation.pk)


@require_POST
@participant_view
def invitation_extension_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a later deadline, with a reason."""
    invitation = _invitation(request, pk)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        return _invitation_page(request, invitation, extension_form=form, status=400)
    try:
        invitation_extension_request(
            acting_user=_user(request),
            invitation=invitation,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["comment"],
            expected_state=form.cleaned_data.get("expected_state") or None,
            checker=request_checker(request),
        )
    except TransitionError as exc:
        form.add_error("until" if isinstance(exc, ExtensionDateRefused) else None, exc.message)
        current = _invitation(request, pk)
        return _invitation_page(request, current, extension_form=form, status=exc.status)
    messages.success(
        request,
        _(
            "Ihr Antrag auf Fristverlängerung wurde gestellt; "
            "die Strategische Steuerung entscheidet darüber."
        ),
    )
    return redirect("workflows:invitation_detail", invitation.pk)


# --- a statement ----------------------------------------------------------------------


def _edit_form(page: StatementPage, data: Any = None) -> StatementForm:
    statement = page.statement
    return StatementForm(
        data,
        sections=round_sections(statement.invitation),
        invitees=co_signer_choices(statement.invitation),
        initial={
            "position": statement.position,
            "text": statement.text,
            "section": statement.section_id,
            "co_signers": [i.pk for i in statement.co_signers.all()],
            "expected_updated_at": statement.updated_at.isoformat(),
        },
    )


def _statement_page(
    request: HttpRequest,
    statement: Statement,
    *,
    status: int = 200,
    form: StatementForm | None = None,
    action_error: str = "",
    action_form: ActionForm | None = None,
) -> HttpResponse:
    page = statement_page(
        user=_user(request), checker=request_checker(request), statement=statement
    )
    if form is None and page.editable:
        form = _edit_form(page)
    return render(
        request,
        "consultation/statement_detail.html",
        {
            "page": page,
            "statement": statement,
            "invitation": statement.invitation,
            "round": statement.round,
            "form": form if page.editable else None,
            "action_error": action_error,
            "action_form": action_form or ActionForm(),
            "nav_section": "consultation",
        },
        status=status,
    )


@participant_view
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a statement with its versions (and its edit form while it is a draft)."""
    return _statement_page(request, _statement(request, pk))


@require_POST
@participant_view
def statement_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a draft statement; with "Speichern und freigeben" also release it, both or neither."""
    statement = _statement(request, pk)
    page = statement_page(
        user=_user(request), checker=request_checker(request), statement=statement
    )
    form = _edit_form(page, request.POST)
    releasing = request.POST.get("action") == "release"
    if not form.is_valid():
        return _statement_page(request, statement, form=form, status=400)
    try:
        with transaction.atomic():
            statement_update(
                acting_user=_user(request),
                statement=statement,
                position=form.cleaned_data["position"],
                text=form.cleaned_data["text"],
                section=form.chosen_section(),
                co_signers=form.chosen_co_signers(),
                expected_updated_at=form.expected(),
                checker=request_checker(request),
            )
            if releasing:
                statement_release(
                    acting_user=_user(request),
                    statement=statement,
                    checker=request_checker(request),
                )
    except ContentError as exc:
        current = _statement(request, pk)
        if exc.status == 409 and current.state == StatementState.DRAFT:
            # Changed meanwhile: keep the input; a second, deliberate save overwrites.
            data = request.POST.copy()
            data["expected_updated_at"] = current.updated_at.isoformat()
            form = _edit_form(page, data)
            form.is_valid()
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _statement_page(request, current, form=form, status=exc.status)
    except TransitionError as exc:
        form.add_error(
            None,
            _("Nicht freigegeben und nicht gespeichert: %(reason)s") % {"reason": exc.message},
        )
        return _statement_page(request, _statement(request, pk), form=form, status=exc.status)
    if releasing:
        messages.success(request, _("Die Stellungnahme wurde gespeichert und freigegeben."))
    else:
        messages.success(request, _("Der Entwurf der Stellungnahme wurde gespeichert."))
    return redirect("workflows:statement_detail", statement.pk)


@require_POST
@participant_view
def statement_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Release a draft statement as it is stored."""
    statement = _statement(request, pk)
    form = ActionForm(request.POST)
    form.is_valid()
    try:
        statement_release(
            acting_user=_user(request),
            statement=statement,
            expected_state=form.cleaned_data.get("expected_state") or StatementState.DRAFT,
            comment=form.cleaned_data.get("comment", ""),
            checker=request_checker(request),
        )
    except TransitionError as exc:
        return _statement_page(
            request,
            _statement(request, pk),
            action_error=exc.message,
            action_form=form,
            status=exc.status,
        )
    messages.success(
        request,
        _("Die Stellungnahme wurde freigegeben und der Strategischen Steuerung übermittelt."),
    )
    return redirect("workflows:statement_detail", statement.pk)


@require_POST
@participant_view
def statement_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a correction of a released statement (a new draft version)."""
    statement = _statement(request, pk)
    try:
        new = statement_correct(
            acting_user=_user(request), statement=statement, checker=request_checker(request)
        )
    except ContentError as exc:
        return _statement_page(request, statement, action_error=exc.message, status=exc.status)
    messages.success(
        request,
        _("Fassung %(version)d ist angelegt; die freigegebene Fassung bleibt erhalten.")
        % {"version": new.version},
    )
    return redirect("workflows:statement_detail", new.pk)


@require_POST
@participant_view
def statement_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft statement."""
    statement = _statement(request, pk)
    try:
        statement_discard(
            acting_user=_user(request), statement=statement, checker=request_checker(request)
        )
    except ContentError as exc:
        return _statement_page(request, statement, action_error=exc.message, status=exc.status)
    messages.success(request, _("Der Entwurf wurde gelöscht."))
    return redirect(reverse("workflows:invitation_detail", args=[statement.invitation_id]))


urls: list[URLPattern] = [
    path("einladungen/", my_invitations_view, name="my_invitations"),
    path("einladung/<int:pk>/", invitation_detail, name="invitation_detail"),
    path(
        "einladung/<int:pk>/stellungnahme/",
        statement_create_view,
        name="statement_create",
    ),
    path("einladung/<int:pk>/absagen/", invitation_decline_view, name="invitation_decline"),
    path(
        "einladung/<int:pk>/fristverlaengerung/",
        invitation_extension_view,
        name="invitation_extension_request",
    ),
    path("stellungnahme/<int:pk>/", statement_detail, name="statement_detail"),
    path("stellungnahme/<int:pk>/bearbeiten/", statement_edit_view, name="statement_edit"),
    path("stellungnahme/<int:pk>/freigeben/", statement_release_view, name="statement_release"),
    path("stellungnahme/<int:pk>/korrigieren/", statement_correct_view, name="statement_correct"),
    path("stellungnahme/<int:pk>/verwerfen/", statement_discard_view, name="statement_discard"),
]
