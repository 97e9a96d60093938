"""Forms of the invitee's pages: they shape the input; the services judge it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.forms import ContentForm

from ..models import Invitation, RoundSection
from ..states import Position


class StatementForm(ContentForm):
    """A statement's draft: position, text, section of the draft, co-signers."""

    position = forms.ChoiceField(
        label=_("Haltung"),
        required=False,
        choices=[("", _("(noch nicht gewählt)")), *Position.choices],
        error_messages={"invalid_choice": _("Bitte wählen Sie eine der angebotenen Haltungen.")},
    )
    text = forms.CharField(
        label=_("Stellungnahme"),
        required=False,
        strip=False,
        help_text=_("Ihre Begründung und Ihre Anregungen. Höchstens 20.000 Zeichen."),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    section = forms.TypedChoiceField(
        label=_("Abschnitt des Entwurfs"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Wenn sich die Stellungnahme auf einen bestimmten Abschnitt bezieht."),
        error_messages={
            "invalid_choice": _("Bitte wählen Sie einen Abschnitt dieses Entwurfs."),
        },
    )
    co_signers = forms.TypedMultipleChoiceField(
        label=_("Gemeinsame Stellungnahme mit"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Eine gemeinsame Stellungnahme gilt auch für die hier gewählten Beteiligten; "
            "mit der Freigabe gilt auch deren Einladung als beantwortet."
        ),
        error_messages={
            "invalid_choice": _("Bitte wählen Sie nur Beteiligte dieses Verfahrens."),
        },
    )

    def __init__(
        self,
        *args: Any,
        sections: Sequence[RoundSection],
        invitees: Sequence[Invitation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sections = {s.pk: s for s in sections}
        self.invitees = {i.pk: i for i in invitees}
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            ("", _("(kein bestimmter Abschnitt)")),
            *((s.pk, f"{s.number} {s.title}") for s in sections),
        ]
        self.fields["co_signers"].choices = [(i.pk, str(i)) for i in invitees]  # type: ignore[attr-defined]

    def chosen_section(self) -> RoundSection | None:
        pk = self.cleaned_data.get("section")
        return self.sections.get(pk) if pk is not None else None

    def chosen_co_signers(self) -> list[Invitation]:
        return [self.invitees[pk] for pk in self.cleaned_data.get("co_signers") or []]


class ActionForm(forms.Form):
    """A button's post: the state the user saw (a stale page gets a conflict) and a comment."""

    expected_state = forms.CharField(required=False, max_length=30)
    comment = forms.CharField(
        label=_("Kommentar"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionRequestForm(ActionForm):
    """Asking for a later deadline: the date and why."""

    until = forms.DateField(
        label=_("Neue Frist bis"),
        error_messages={
            "required": _("Bitte geben Sie an, bis wann Sie die Frist verlängern möchten."),
            "invalid": _("Bitte geben Sie das Datum als TT.MM.JJJJ an."),
        },
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    comment = forms.CharField(
        label=_("Begründung"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte begründen Sie, warum Sie mehr Zeit brauchen.")},
    )
