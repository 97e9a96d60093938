"""Pages: the stakeholder organisations of the body and their contact people (strategy unit).

Everything goes through planning_cycle.services.organisations; a user without
organisation_manage gets 403, an organisation of another body is a 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from planning_cycle.access import user_may
from planning_cycle.models import Body, Organisation, Role, User
from planning_cycle.models.organisations import OrganisationKind
from planning_cycle.services.organisations import (
    CSV_COLUMNS,
    MANAGE_PERMISSION,
    OrganisationError,
    contact_add,
    contact_remove,
    contacts_of,
    organisation_create,
    organisation_deactivate,
    organisation_update,
    organisations_import_csv,
)
from planning_cycle.web import body_id, member_view, request_checker

CSV_UPLOAD_LIMIT = 2 * 1024 * 1024


def _require(request: HttpRequest) -> Body:
    """Return the user's body if they may manage its organisations, else refuse (403)."""
    user: User = request.user  # type: ignore[assignment]
    body = Body.objects.get(pk=body_id(request))
    if not user_may(request_checker(request), user, MANAGE_PERMISSION, body):
        raise PermissionDenied
    return body


def _organisation(body: Body, pk: int) -> Organisation:
    found = Organisation.objects.filter(body=body, pk=pk).first()
    if found is None:
        raise Http404
    return found


class OrganisationForm(forms.Form):
    """Name, kind, address and release rule of an organisation."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Bitte geben Sie den Namen an.")},
    )
    kind = forms.ChoiceField(label=gettext_lazy("Art"), choices=OrganisationKind.choices)
    email = forms.EmailField(
        label=gettext_lazy("E-Mail-Adresse der Organisation"),
        required=False,
        error_messages={"invalid": gettext_lazy("Bitte geben Sie eine gültige E-Mail-Adresse an.")},
    )
    address = forms.CharField(
        label=gettext_lazy("Anschrift"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    second_person_release = forms.BooleanField(
        label=gettext_lazy("Freigabe durch eine zweite Person"),
        required=False,
        help_text=gettext_lazy(
            "Eine Stellungnahme muss von einer anderen Person freigegeben werden als der, die "
            "sie zuletzt bearbeitet hat."
        ),
    )


class ContactForm(forms.Form):
    """A contact person of an organisation."""

    first_name = forms.CharField(label=gettext_lazy("Vorname"), max_length=150, required=False)
    last_name = forms.CharField(
        label=gettext_lazy("Nachname"),
        max_length=150,
        error_messages={"required": gettext_lazy("Bitte geben Sie den Nachnamen an.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("E-Mail-Adresse"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie eine E-Mail-Adresse an."),
            "invalid": gettext_lazy("Bitte geben Sie eine gültige E-Mail-Adresse an."),
        },
    )


class ImportForm(forms.Form):
    """A CSV file of organisations and contacts."""

    file = forms.FileField(
        label=gettext_lazy("CSV-Datei"),
        help_text=gettext_lazy(
            "Spalten getrennt durch Semikolon oder Komma, UTF-8 (auch „CSV UTF-8“ aus Excel)."
        ),
        error_messages={"required": gettext_lazy("Bitte wählen Sie eine CSV-Datei.")},
    )


def _form_error(form: forms.Form, exc: OrganisationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@member_view
def organisation_list(request: HttpRequest) -> HttpResponse:
    """List the body's organisations with their contact people."""
    body = _require(request)
    organisations = list(Organisation.objects.filter(body=body).order_by("-active", "name"))
    counts: dict[int, int] = {}
    for org_id in User.objects.filter(
        roles__organisation__body=body,
        roles__role=Role.EXTERNAL_STAKEHOLDER,
        is_active=True,
    ).values_list("roles__organisation_id", flat=True):
        counts[org_id] = counts.get(org_id, 0) + 1
    rows = [{"organisation": o, "contacts": counts.get(o.pk, 0)} for o in organisations]
    return render(
        request,
        "consultation/organisation_list.html",
        {"rows": rows, "nav_section": "consultation"},
    )


@member_view
@require_http_methods(["GET", "POST"])
def organisation_create_view(request: HttpRequest) -> HttpResponse:
    """Create an organisation."""
    body = _require(request)
    form = OrganisationForm(request.POST or None, initial={"kind": OrganisationKind.OTHER})
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(
                acting_user=request.user,  # type: ignore[arg-type]
                body=body,
                **form.cleaned_data,
            )
        except OrganisationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("Die Organisation „%(name)s“ wurde angelegt.") % {"name": organisation.name},
            )
            return redirect("workflows:organisation_detail", organisation.pk)
    return _form_page(request, form, organisation=None)


def _form_page(
    request: HttpRequest, form: forms.Form, *, organisation: Organisation | None
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "consultation/organisation_form.html",
        {"form": form, "organisation": organisation, "nav_section": "consultation"},
        status=status,
    )


@member_view
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an organisation."""
    body = _require(request)
    organisation = _organisation(body, pk)
    initial = {
        "name": organisation.name,
        "kind": organisation.kind,
        "email": organisation.email,
        "address": organisation.address,
        "second_person_release": organisation.second_person_release,
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update(
                acting_user=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                **form.cleaned_data,
            )
        except OrganisationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Die Organisation wurde gespeichert."))
            return redirect("workflows:organisation_detail", organisation.pk)
    return _form_page(request, form, organisation=organisation)


def _detail(
    request: HttpRequest,
    organisation: Organisation,
    *,
    contact_form: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "consultation/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": contacts_of(organisation),
            "contact_form": contact_form or ContactForm(),
            "nav_section": "consultation",
        },
        status=status,
    )


@member_view
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an organisation, its contact people and the form to add one."""
    body = _require(request)
    return _detail(request, _organisation(body, pk))


@member_view
@require_POST
def organisation_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an organisation inactive."""
    body = _require(request)
    organisation = _organisation(body, pk)
    try:
        organisation_deactivate(acting_user=request.user, organisation=organisation)  # type: ignore[arg-type]
    except OrganisationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Die Organisation „%(name)s“ ist nun inaktiv.") % {"name": organisation.name},
        )
    return redirect("workflows:organisation_detail", organisation.pk)


@member_view
@require_POST
def contact_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a contact person (a user without a password; the invitation brings the link)."""
    body = _require(request)
    organisation = _organisation(body, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            user = contact_add(
                acting_user=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                **form.cleaned_data,
            )
        except OrganisationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(user)s ist Kontaktperson von %(organisation)s. Mit der nächsten "
                    "Einladung erhält die Person einen Link, um ihr Passwort festzulegen."
                )
                % {"user": user, "organisation": organisation},
            )
            return redirect("workflows:organisation_detail", organisation.pk)
    return _detail(request, organisation, contact_form=form, status=400)


@member_view
@require_POST
def contact_remove_view(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """Take a contact person off the organisation."""
    body = _require(request)
    organisation = _organisation(body, pk)
    user = User.objects.filter(pk=user_pk, body=body).first()
    if user is None:
        raise Http404
    try:
        contact_remove(acting_user=request.user, organisation=organisation, user=user)  # type: ignore[arg-type]
    except OrganisationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(user)s ist keine Kontaktperson von %(organisation)s mehr.")
            % {"user": user, "organisation": organisation},
        )
    return redirect("workflows:organisation_detail", organisation.pk)


@member_view
@require_http_methods(["GET", "POST"])
def organisation_import(request: HttpRequest) -> HttpResponse:
    """Import organisations and contacts from a CSV file, all or nothing."""
    body = _require(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > CSV_UPLOAD_LIMIT:
            form.add_error("file", _("Die Datei ist größer als 2 MB."))
        else:
            result = organisations_import_csv(
                acting_user=request.user,  # type: ignore[arg-type]
                body=body,
                data=upload.read(),
            )
            if result.ok:
                messages.success(
                    request,
                    _(
                        "Import abgeschlossen: %(created)s Organisationen angelegt, "
                        "%(updated)s aktualisiert, %(contacts)s Kontaktpersonen eingetragen."
                    )
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "contacts": result.contacts,
                    },
                )
                return redirect("workflows:organisation_list")
            errors = result.errors
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "columns": ";".join(CSV_COLUMNS),
        "nav_section": "consultation",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "consultation/organisation_import.html", context, status=status)


urls: list[URLPattern] = [
    path("organisationen/", organisation_list, name="organisation_list"),
    path("organisationen/neu/", organisation_create_view, name="organisation_create"),
    path("organisationen/import/", organisation_import, name="organisation_import"),
    path("organisationen/<int:pk>/", organisation_detail, name="organisation_detail"),
    path("organisationen/<int:pk>/bearbeiten/", organisation_edit, name="organisation_edit"),
    path(
        "organisationen/<int:pk>/deaktivieren/",
        organisation_deactivate_view,
        name="organisation_deactivate",
    ),
    path("organisationen/<int:pk>/kontakte/", contact_add_view, name="contact_add"),
    path(
        "organisationen/<int:pk>/kontakte/<int:user_pk>/entfernen/",
        contact_remove_view,
        name="contact_remove",
    ),
]
