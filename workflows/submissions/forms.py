"""Forms of the review and plan pages: their text and the review's indicator actuals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.formats import sanitize_separators
from django.utils.translation import gettext_lazy as _

from workflows.forms import ContentForm, content_text_field

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def summary_edit_form(name: str, label: StrPromise, hint: StrPromise) -> type[ContentForm]:
    """Return the edit form of a department's text: one field, `summary`."""
    return type(name, (ContentForm,), {"summary": content_text_field(label, hint)})


ReviewEditForm = summary_edit_form(
    "ReviewEditForm",
    _("Bilanz"),
    _("Was wurde im vergangenen Jahr erreicht, was nicht, und warum?"),
)
PlanEditForm = summary_edit_form(
    "PlanEditForm",
    _("Planung"),
    _("Ziele, Maßnahmen, Kennzahlen und Budget des kommenden Jahres."),
)


class IndicatorActualForm(forms.Form):
    """One actual value; the localised decimal separator is accepted (48,5 or 48.5)."""

    value = forms.CharField(label=_("Istwert"), required=False, max_length=40)
    period = forms.CharField(label=_("Zeitraum"), required=False, max_length=4)
    comment = forms.CharField(label=_("Kommentar"), required=False, max_length=2000)
    source = forms.CharField(label=_("Quelle"), required=False, max_length=300)

    def clean_value(self) -> str:
        raw = str(self.cleaned_data.get("value") or "").strip().replace(" ", "")
        return str(sanitize_separators(raw)) if raw else ""
