"""Forms of the evaluation pages: they only shape the input; the services validate it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Department
from workflows.forms import ContentForm

from ..selectors.evaluation import GENERAL, OPEN, STRATEGY_UNIT, UNASSIGNED, WeighingFilter
from ..states import Disposition, Position

STRATEGY_CHOICE = ""


class EvaluationForm(ContentForm):
    """The disposition and its reason."""

    disposition = forms.ChoiceField(
        label=_("Abwägungsergebnis"),
        required=False,
        choices=[("", _("bitte wählen")), *Disposition.choices],
    )
    reason = forms.CharField(
        label=_("Begründung der Abwägung"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class AssignForm(forms.Form):
    """Statements to assign and the evaluating department (empty: the strategy unit)."""

    statements = forms.TypedMultipleChoiceField(
        label=_("Stellungnahmen"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    department = forms.ChoiceField(label=_("abwägende Stelle"), required=False)

    def __init__(
        self,
        *args: Any,
        statement_ids: Sequence[int],
        departments: Iterable[Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statements"].choices = [(i, str(i)) for i in statement_ids]  # type: ignore[attr-defined]
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            (STRATEGY_CHOICE, _("Strategische Steuerung (selbst abwägen)")),
            *((str(d.pk), f"{d.code} {d.name}") for d in departments),
        ]


class WeighingFilterForm(forms.Form):
    """The weighing table's filters (GET)."""

    position = forms.ChoiceField(label=_("Haltung"), required=False)
    disposition = forms.ChoiceField(label=_("Abwägungsergebnis"), required=False)
    evaluator = forms.ChoiceField(label=_("abwägende Stelle"), required=False)
    section = forms.ChoiceField(label=_("Abschnitt"), required=False)

    def __init__(
        self,
        *args: Any,
        departments: Iterable[Department],
        sections: Iterable[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("alle"))]
        self.fields["position"].choices = [*every, *Position.choices]  # type: ignore[attr-defined]
        self.fields["disposition"].choices = [  # type: ignore[attr-defined]
            *every,
            *Disposition.choices,
            (OPEN, _("noch offen")),
        ]
        self.fields["evaluator"].choices = [  # type: ignore[attr-defined]
            *every,
            (STRATEGY_UNIT, _("Strategische Steuerung")),
            *((f"department:{d.pk}", f"{d.code} {d.name}") for d in departments),
            (UNASSIGNED, _("noch nicht zugewiesen")),
        ]
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            *every,
            (GENERAL, _("Allgemein (ohne Abschnitt)")),
            *((str(s.pk), f"{s.number} {s.title}") for s in sections),
        ]

    def filters(self) -> WeighingFilter:
        """Return the valid filters (an invalid choice is ignored and said by the form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return WeighingFilter(
            position=data.get("position", ""),
            disposition=data.get("disposition", ""),
            evaluator=data.get("evaluator", ""),
            section=data.get("section", ""),
        )
