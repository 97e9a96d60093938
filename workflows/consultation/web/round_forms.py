"""The forms of the strategy unit's round pages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import PlanningCycle

from ..states import SubjectKind


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    subject_kind = forms.ChoiceField(label=_("Gegenstand"), choices=SubjectKind.choices)
    description = forms.CharField(
        label=_("Beschreibung"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Worum geht es, was erwarten Sie von den Eingeladenen?"),
    )
    deadline = forms.DateField(
        label=_("Frist für Stellungnahmen"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        help_text=_("Bis zu diesem Tag (einschließlich) können Stellungnahmen abgegeben werden."),
    )
    cycle = forms.ModelChoiceField(
        label=_("Planungszyklus"),
        queryset=PlanningCycle.objects.none(),
        required=False,
        empty_label=_("keiner"),
    )

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cycle"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = PlanningCycle.objects.filter(body_id=body_id).order_by("-year")


class SectionForm(forms.Form):
    number = forms.CharField(label=_("Nummer"), max_length=20)
    title = forms.CharField(label=_("Überschrift"), max_length=200)
    text = forms.CharField(
        label=_("Text"), required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )
