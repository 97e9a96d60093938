"""Pages: the body's persons (committee members), kept by the Sitzungsdienst.

Everyone of the body reads the list and a person's memberships; holders of committee_manage
create, change and delete persons. A deleted person stays as deleted (OParl shows a stub)
and their memberships end with them. A refused form shows again with the message at its
field and the input kept; a second submission writes nothing twice.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from planning_cycle.web import member_view, request_checker

from ..models import Membership, Person
from ..services.base import CouncilError
from ..services.people import (
    PERSON_NAME_MAX,
    PERSON_TITLE_MAX,
    person_create,
    person_delete,
    person_update,
)
from .common import NAV_MEETINGS, form_error, request_user
from .registers import keeps_registers, of_body, refused

PAGE_SIZE = 50
SEARCH_MAX = 100
CONSENT_HELP = gettext_lazy(
    "Nur mit Einwilligung veröffentlicht OParl Namen und Mitgliedschaften der Person. "
    "Ohne Einwilligung erscheint sie dort nur als gelöschter Eintrag ohne Namen; "
    "intern (Gremienseiten, Sitzungsdienst) bleibt sie sichtbar."
)


class PersonForm(forms.Form):
    form_of_address = forms.CharField(
        label=gettext_lazy("Anrede"),
        max_length=PERSON_TITLE_MAX,
        required=False,
        help_text=gettext_lazy("Zum Beispiel: Frau, Herr."),
    )
    title = forms.CharField(
        label=gettext_lazy("Titel"), max_length=PERSON_TITLE_MAX, required=False
    )
    given_name = forms.CharField(
        label=gettext_lazy("Vorname"), max_length=PERSON_NAME_MAX, required=False
    )
    family_name = forms.CharField(
        label=gettext_lazy("Nachname"),
        max_length=PERSON_NAME_MAX,
        error_messages={"required": gettext_lazy("Bitte geben Sie den Nachnamen an.")},
    )
    public_consent = forms.BooleanField(
        label=gettext_lazy("Einwilligung zur Veröffentlichung liegt vor"),
        required=False,
        help_text=CONSENT_HELP,
    )


def _values(form: PersonForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "form_of_address": data["form_of_address"],
        "title": data["title"],
        "given_name": data["given_name"],
        "family_name": data["family_name"],
        "public_consent": data["public_consent"],
    }


def _current_seats() -> Prefetch[Any]:
    today = timezone.localdate()
    seats = (
        Membership.objects.filter(deleted=False)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("committee")
        .order_by("committee__position", "committee__name", "id")
    )
    return Prefetch("memberships", queryset=seats, to_attr="current_seats")


def _persons(request: HttpRequest, search: str) -> QuerySet[Person]:
    persons = Person.objects.filter(body_id=int(request_user(request).body_id or 0), deleted=False)
    for word in search.split():
        persons = persons.filter(
            Q(family_name__icontains=word)
            | Q(given_name__icontains=word)
            | Q(title__icontains=word)
        )
    return persons.prefetch_related(_current_seats()).order_by("family_name", "given_name", "id")


def _list_page(request: HttpRequest, form: PersonForm, status: int = 200) -> HttpResponse:
    search = request.GET.get("suche", "").strip()[:SEARCH_MAX]
    page = Paginator(_persons(request, search), PAGE_SIZE).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "page": page,
        "persons": list(page.object_list),
        "search": search,
        "filter_query": query.urlencode(),
        "form": form,
        "may_manage": keeps_registers(request),
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/person_list.html", context, status=status)


@member_view
def person_list(request: HttpRequest) -> HttpResponse:
    """List (and search) the body's persons; the Sitzungsdienst creates one here."""
    if request.method != "POST":
        return _list_page(request, PersonForm())
    if not keeps_registers(request):
        return refused(request)
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        person = person_create(
            acting_user=request_user(request), checker=request_checker(request), **_values(form)
        )
    except CouncilError as exc:
        return _list_page(request, form, status=form_error(form, exc))
    messages.success(request, _("%(person)s ist angelegt.") % {"person": person})
    return redirect("workflows:person_detail", pk=person.pk)


def _detail_page(
    request: HttpRequest, person: Person, form: PersonForm | None = None, status: int = 200
) -> HttpResponse:
    seats = (
        Membership.objects.filter(person=person, deleted=False)
        .select_related("committee")
        .order_by("-start_date", "committee__name", "id")
    )
    if form is None:
        form = PersonForm(
            initial={field: getattr(person, field) for field in PersonForm.base_fields}
        )
    context = {
        "person": person,
        "seats": list(seats),
        "today": timezone.localdate(),
        "form": form,
        "may_manage": keeps_registers(request),
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/person_detail.html", context, status=status)


@member_view
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a person with their memberships; the Sitzungsdienst changes them here."""
    person: Person = of_body(request, Person.objects.filter(deleted=False), pk)
    if request.method != "POST":
        return _detail_page(request, person)
    if not keeps_registers(request):
        return refused(request)
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, person, form, status=400)
    try:
        person = person_update(
            acting_user=request_user(request),
            person=person,
            checker=request_checker(request),
            **_values(form),
        )
    except CouncilError as exc:
        return _detail_page(request, person, form, status=form_error(form, exc))
    messages.success(request, _("%(person)s ist gespeichert.") % {"person": person})
    return redirect("workflows:person_detail", pk=person.pk)


@require_POST
@member_view
def person_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a person (a second submission only says so)."""
    person: Person = of_body(request, Person.objects.all(), pk)
    if not keeps_registers(request):
        return refused(request)
    if person.deleted:
        messages.info(request, _("%(person)s war schon gelöscht.") % {"person": person})
        return redirect("workflows:person_list")
    try:
        seats = person_delete(
            acting_user=request_user(request), person=person, checker=request_checker(request)
        )
    except CouncilError as exc:
        if exc.status == 403:
            return refused(request, exc.message)
        messages.info(request, exc.message)
        return redirect("workflows:person_list")
    messages.success(
        request,
        _("%(person)s ist gelöscht; beendete Mitgliedschaften: %(seats)d.")
        % {"person": person, "seats": seats},
    )
    return redirect("workflows:person_list")


urls: list[URLPattern] = [
    path("gremien/personen/", person_list, name="person_list"),
    path("gremien/personen/<int:pk>/", person_detail, name="person_detail"),
    path("gremien/personen/<int:pk>/loeschen/", person_delete_view, name="person_delete"),
]
