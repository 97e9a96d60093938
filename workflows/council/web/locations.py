"""Pages: the body's meeting places (Sitzungsorte), kept by the Sitzungsdienst.

Everyone of the body reads them; holders of committee_manage create and change them. The
meeting form offers them; a change shows on every meeting held there.
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

from ..models import Location
from ..services.base import CouncilError
from ..services.people import (
    LOCALITY_MAX,
    LOCATION_DESCRIPTION_MAX,
    POSTAL_CODE_MAX,
    ROOM_MAX,
    STREET_MAX,
    location_create,
    location_update,
)
from .common import NAV_MEETINGS, form_error, request_user
from .registers import keeps_registers, of_body, refused

FIELDS = ("description", "room", "street_address", "postal_code", "locality")


class LocationForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Bezeichnung"),
        max_length=LOCATION_DESCRIPTION_MAX,
        error_messages={"required": gettext_lazy("Bitte geben Sie eine Bezeichnung an.")},
        help_text=gettext_lazy("Zum Beispiel: Kreishaus."),
    )
    room = forms.CharField(label=gettext_lazy("Raum"), max_length=ROOM_MAX, required=False)
    street_address = forms.CharField(
        label=gettext_lazy("Straße und Hausnummer"), max_length=STREET_MAX, required=False
    )
    postal_code = forms.CharField(
        label=gettext_lazy("Postleitzahl"), max_length=POSTAL_CODE_MAX, required=False
    )
    locality = forms.CharField(label=gettext_lazy("Ort"), max_length=LOCALITY_MAX, required=False)


def _values(form: LocationForm) -> dict[str, Any]:
    return {field: form.cleaned_data[field] for field in FIELDS}


def _list_page(request: HttpRequest, form: LocationForm, status: int = 200) -> HttpResponse:
    locations = (
        Location.objects.filter(body_id=int(request_user(request).body_id or 0))
        .annotate(meeting_count=Count("meetings"))
        .order_by("description", "room", "id")
    )
    context = {
        "locations": list(locations),
        "form": form,
        "may_manage": keeps_registers(request),
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/location_list.html", context, status=status)


@member_view
def location_list(request: HttpRequest) -> HttpResponse:
    """List the body's meeting places; the Sitzungsdienst creates one here."""
    if request.method != "POST":
        return _list_page(request, LocationForm())
    if not keeps_registers(request):
        return refused(request)
    form = LocationForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        location = location_create(
            acting_user=request_user(request), checker=request_checker(request), **_values(form)
        )
    except CouncilError as exc:
        return _list_page(request, form, status=form_error(form, exc))
    messages.success(request, _("Der Sitzungsort „%(name)s“ ist angelegt.") % {"name": location})
    return redirect("workflows:location_list")


def _edit_page(
    request: HttpRequest, location: Location, form: LocationForm | None = None, status: int = 200
) -> HttpResponse:
    if form is None:
        form = LocationForm(initial={field: getattr(location, field) for field in FIELDS})
    context = {
        "location": location,
        "form": form,
        "may_manage": keeps_registers(request),
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/location_detail.html", context, status=status)


@member_view
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a meeting place; the Sitzungsdienst changes it here."""
    location: Location = of_body(request, Location.objects.all(), pk)
    if request.method != "POST":
        return _edit_page(request, location)
    if not keeps_registers(request):
        return refused(request)
    form = LocationForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, location, form, status=400)
    try:
        location = location_update(
            acting_user=request_user(request),
            location=location,
            checker=request_checker(request),
            **_values(form),
        )
    except CouncilError as exc:
        return _edit_page(request, location, form, status=form_error(form, exc))
    messages.success(request, _("Der Sitzungsort „%(name)s“ ist gespeichert.") % {"name": location})
    return redirect("workflows:location_list")


urls: list[URLPattern] = [
    path("gremien/sitzungsorte/", location_list, name="location_list"),
    path("gremien/sitzungsorte/<int:pk>/", location_detail, name="location_detail"),
]
