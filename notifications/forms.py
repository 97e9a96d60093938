"""Forms of the notification pages: they shape the input; the services judge it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Department

from .models import EmailMode, TaskKind
from .services.deadlines import MAX_REASON_LENGTH


class PreferenceForm(forms.Form):
    """How and in which language the user wants e-mails."""

    email_mode = forms.ChoiceField(
        label=_("E-Mail-Benachrichtigung"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie, ob und wie Sie E-Mails erhalten möchten."),
            "invalid_choice": _("Bitte wählen Sie eine der angebotenen Möglichkeiten."),
        },
    )
    language = forms.ChoiceField(
        label=_("Sprache der E-Mails"),
        choices=settings.LANGUAGES,
        help_text=_("Die Seiten selbst zeigen die Sprache, die Sie oben wählen."),
        error_messages={
            "required": _("Bitte wählen Sie eine Sprache für die E-Mails."),
            "invalid_choice": _("Bitte wählen Sie Deutsch oder Englisch."),
        },
    )


class DeadlineExtendForm(forms.Form):
    """A new due date and the reason for the extension."""

    new_due_date = forms.DateField(
        label=_("Neues Fälligkeitsdatum"),
        # The date input sends ISO dates; typed German dates are accepted as well.
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Bitte geben Sie das neue Fälligkeitsdatum an."),
            "invalid": _("Bitte geben Sie ein gültiges Datum an, z. B. 31.05.2026."),
        },
    )
    reason = forms.CharField(
        label=_("Begründung"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Bitte begründen Sie die Fristverlängerung."),
            "max_length": _("Die Begründung ist zu lang: höchstens %(limit_value)s Zeichen."),
        },
    )


class DeadlineFilterForm(forms.Form):
    """Narrow the deadlines page to a kind of task or a department (both optional)."""

    art = forms.ChoiceField(label=_("Aufgabe"), required=False)
    einheit = forms.TypedChoiceField(
        label=_("Organisationseinheit"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, departments: Iterable[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["art"].choices = [("", _("alle Aufgaben")), *TaskKind.choices]  # type: ignore[attr-defined]
        self.fields["einheit"].choices = [  # type: ignore[attr-defined]
            ("", _("alle Organisationseinheiten")),
            *((d.pk, str(d)) for d in departments),
        ]
