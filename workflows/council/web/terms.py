"""Pages: the body's legislative terms (Wahlperioden), kept by the Sitzungsdienst.

Everyone of the body reads them; holders of committee_manage create and change them. A term
ending before it starts is refused with both dates named (and by a database constraint).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planning_cycle.web import member_view, request_checker

from ..models import LegislativeTerm
from ..services.base import CouncilError
from ..services.people import TERM_NAME_MAX, legislative_term_create, legislative_term_update
from .common import NAV_MEETINGS, form_error, request_user
from .registers import date_field, keeps_registers, of_body, refused


class TermForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Bezeichnung"),
        max_length=TERM_NAME_MAX,
        error_messages={"required": gettext_lazy("Bitte geben Sie eine Bezeichnung an.")},
        help_text=gettext_lazy("Zum Beispiel: Wahlperiode 2024 bis 2029."),
    )
    start_date = date_field(gettext_lazy("Beginn"), required=True)
    end_date = date_field(gettext_lazy("Ende"))


def _values(form: TermForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"name": data["name"], "start_date": data["start_date"], "end_date": data["end_date"]}


def _terms(request: HttpRequest) -> Any:
    return (
        LegislativeTerm.objects.filter(body_id=int(request_user(request).body_id or 0))
        .annotate(meeting_count=Count("meetings"))
        .order_by("-start_date", "id")
    )


def _list_page(request: HttpRequest, form: TermForm, status: int = 200) -> HttpResponse:
    context = {
        "terms": list(_terms(request)),
        "form": form,
        "may_manage": keeps_registers(request),
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/term_list.html", context, status=status)


@member_view
def term_list(request: HttpRequest) -> HttpResponse:
    """List the body's legislative terms; the Sitzungsdienst creates one here."""
    if request.method != "POST":
        return _list_page(request, TermForm())
    if not keeps_registers(request):
        return refused(request)
    form = TermForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        term = legislative_term_create(
            acting_user=request_user(request), checker=request_checker(request), **_values(form)
        )
    except CouncilError as exc:
        return _list_page(request, form, status=form_error(form, exc))
    messages.success(request, _("Die Wahlperiode „%(name)s“ ist angelegt.") % {"name": term.name})
    return redirect("workflows:term_list")


def _edit_page(
    request: HttpRequest, term: LegislativeTerm, form: TermForm | None = None, status: int = 200
) -> HttpResponse:
    if form is None:
        form = TermForm(initial={field: getattr(term, field) for field in TermForm.base_fields})
    context = {
        "term": term,
        "form": form,
        "may_manage": keeps_registers(request),
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/term_detail.html", context, status=status)


@member_view
def term_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a legislative term; the Sitzungsdienst changes it here."""
    term: LegislativeTerm = of_body(request, LegislativeTerm.objects.all(), pk)
    if request.method != "POST":
        return _edit_page(request, term)
    if not keeps_registers(request):
        return refused(request)
    form = TermForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, term, form, status=400)
    try:
        term = legislative_term_update(
            acting_user=request_user(request),
            term=term,
            checker=request_checker(request),
            **_values(form),
        )
    except CouncilError as exc:
        return _edit_page(request, term, form, status=form_error(form, exc))
    messages.success(
        request, _("Die Wahlperiode „%(name)s“ ist gespeichert.") % {"name": term.name}
    )
    return redirect("workflows:term_list")


urls: list[URLPattern] = [
    path("gremien/wahlperioden/", term_list, name="term_list"),
    path("gremien/wahlperioden/<int:pk>/", term_detail, name="term_detail"),
]
