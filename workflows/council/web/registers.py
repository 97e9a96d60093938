"""What the council office's registers (persons, terms, places) share: the gate and refusals.

Everyone of the body reads them; holders of committee_manage (the Sitzungsdienst) write.
Another body's object is a 404; a write by anyone else is the refusal page (403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planning_cycle.access import user_may
from planning_cycle.web import request_checker

from ..services.base import COMMITTEES
from .common import NAV_MEETINGS, request_user

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def date_field(label: StrOrPromise, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages={
            "invalid": gettext_lazy("Bitte geben Sie ein Datum wie 01.11.2026 an."),
            "required": format_lazy(
                gettext_lazy("Bitte geben Sie „{label}“ als Datum an."), label=label
            ),
        },
    )


def keeps_registers(request: HttpRequest) -> bool:
    """Tell whether the user keeps the body's committees, persons, terms and places."""
    user = request_user(request)
    return user.body is not None and user_may(request_checker(request), user, COMMITTEES, user.body)


def refused(request: HttpRequest, message: str | None = None) -> HttpResponse:
    """Answer a write the user may not make: the refusal page (403)."""
    text = message or _("Personen, Wahlperioden und Sitzungsorte pflegt der Sitzungsdienst.")
    context = {"message": text, "nav_section": NAV_MEETINGS}
    return render(request, "council/refused.html", context, status=403)


def of_body(request: HttpRequest, queryset: models.QuerySet[Any], pk: int) -> Any:
    """Return the object `pk` of the user's body, else 404."""
    return get_object_or_404(queryset, body_id=int(request_user(request).body_id or 0), pk=pk)
