"""Forms of the editing pages: they only shape the input; the services validate it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.formats import sanitize_separators
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Department
from workflows.models import GoalAgreement

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class ContentForm(forms.Form):
    """A text edit with the `updated_at` stamp the user saw (optimistic concurrency)."""

    expected_updated_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def expected(self) -> dt.datetime | None:
        """Return the stamp the user saw, or None (then no conflict check)."""
        raw = self.cleaned_data.get("expected_updated_at") or ""
        try:
            return dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            return None


def _text(label: str | StrPromise, hint: str | StrPromise = "") -> forms.CharField:
    # No max_length here: the service refuses over-long texts with its own message.
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ReviewEditForm(ContentForm):
    summary = _text(_("Bilanz"), _("Was wurde im vergangenen Jahr erreicht, was nicht, und warum?"))


class PlanEditForm(ContentForm):
    summary = _text(
        _("Planung"), _("Ziele, Maßnahmen, Kennzahlen und Budget des kommenden Jahres.")
    )


class AgreementEditForm(ContentForm):
    balance = _text(GoalAgreement._meta.get_field("balance").verbose_name)
    effects = _text(GoalAgreement._meta.get_field("effects").verbose_name)
    programmes = _text(GoalAgreement._meta.get_field("programmes").verbose_name)
    processes = _text(GoalAgreement._meta.get_field("processes").verbose_name)
    resources = _text(GoalAgreement._meta.get_field("resources").verbose_name)


class IndicatorActualForm(forms.Form):
    """One actual value; the localised decimal separator is accepted (48,5 or 48.5)."""

    value = forms.CharField(label=_("Istwert"), required=False, max_length=40)

    def clean_value(self) -> str:
        raw = str(self.cleaned_data.get("value") or "").strip().replace(" ", "")
        return str(sanitize_separators(raw)) if raw else ""


class AgreementProposeForm(forms.Form):
    """The department proposing a goal agreement; the service judges the choice."""

    department = forms.TypedChoiceField(label=_("Organisationseinheit"), coerce=int)

    def __init__(self, *args: Any, departments: Iterable[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.pk, str(d)) for d in departments]  # type: ignore[attr-defined]
