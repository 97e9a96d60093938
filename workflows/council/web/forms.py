"""The forms of the council pages (the services check everything again)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Committee, Department, PlanningCycle

from ..models import Location, Meeting
from ..states import CyclePaper, FileRole, PaperType, StepResult, StepRole

TEXTAREA = forms.Textarea(attrs={"rows": 5})
# Rows of the sequence offered by the create form (more are added on the paper's page).
INITIAL_STEPS = 4
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def committees_of(body_id: int) -> Any:
    return Committee.objects.filter(body_id=body_id).order_by("position", "name")


class PaperForm(forms.Form):
    title = forms.CharField(label=_("Betreff"), max_length=500)
    paper_type = forms.ChoiceField(label=_("Vorlagenart"), choices=PaperType.choices)
    lead_department = forms.ModelChoiceField(
        label=_("federführende Einheit"), queryset=Department.objects.none()
    )
    public = forms.BooleanField(
        label=_("öffentliche Vorlage"),
        required=False,
        help_text=_("Nichtöffentliche Vorlagen sehen nur Verwaltung und beratende Gremien."),
    )
    submitter = forms.CharField(label=_("Einreicher"), max_length=200, required=False)
    author = forms.CharField(label=_("Bearbeiter/-in"), max_length=200, required=False)
    proposed_resolution = forms.CharField(
        label=_("Beschlussvorschlag"), required=False, max_length=50_000, widget=TEXTAREA
    )
    reasoning = forms.CharField(
        label=_("Begründung / Sachverhalt"), required=False, max_length=50_000, widget=TEXTAREA
    )
    financial_effects = forms.CharField(
        label=_("Finanzielle Auswirkungen"), required=False, max_length=50_000, widget=TEXTAREA
    )
    external_url = forms.CharField(
        label=_("Seite im Ratsinformationssystem"),
        required=False,
        max_length=200,
        help_text=_("Adresse der Vorlage im bestehenden Ratsinformationssystem, falls vorhanden."),
    )

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(body_id=body_id).order_by("code")


class PaperCreateForm(PaperForm):
    """The paper's fields, its date and cycle, and the first steps of its sequence."""

    date = forms.DateField(
        label=_("Datum der Vorlage"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        help_text=_("Ohne Angabe: heute. Das Jahr geht in die Vorlagennummer ein."),
    )
    cycle = forms.ModelChoiceField(
        label=_("Planungszyklus"),
        queryset=PlanningCycle.objects.none(),
        required=False,
        empty_label=_("keiner"),
    )
    cycle_phase = forms.ChoiceField(
        label=_("Beschluss der Phase"),
        choices=[("", _("keine")), *CyclePaper.choices],
        required=False,
    )

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, body_id=body_id, **kwargs)
        field = self.fields["cycle"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = PlanningCycle.objects.filter(body_id=body_id).order_by("-year")
        committees = committees_of(body_id)
        for n in range(1, INITIAL_STEPS + 1):
            self.fields[f"step_{n}_committee"] = forms.ModelChoiceField(
                label=_("Gremium"), queryset=committees, required=False, empty_label="\u2013"
            )
            self.fields[f"step_{n}_role"] = forms.ChoiceField(
                label=_("Rolle"), choices=StepRole.choices, required=False
            )
            self.fields[f"step_{n}_part"] = forms.CharField(
                label=_("Teil der Vorlage"), max_length=200, required=False
            )

    def step_rows(self) -> list[tuple[int, Any, Any, Any]]:
        """Return the bound fields of each sequence row: (number, committee, role, part)."""
        return [
            (n, self[f"step_{n}_committee"], self[f"step_{n}_role"], self[f"step_{n}_part"])
            for n in range(1, INITIAL_STEPS + 1)
        ]


class StepAddForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Gremium"), queryset=Committee.objects.none())
    role = forms.ChoiceField(label=_("Rolle in der Beratungsfolge"), choices=StepRole.choices)
    part = forms.CharField(
        label=_("Teil der Vorlage"),
        max_length=200,
        required=False,
        help_text=_("Nur auszufüllen, wenn das Gremium nur einen Teil der Vorlage berät."),
    )

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["committee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = committees_of(body_id)


class ScheduleForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Sitzung"),
        queryset=Meeting.objects.none(),
        error_messages={
            "invalid_choice": _("Bitte wählen Sie eine kommende Sitzung des Gremiums der Beratung.")
        },
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = meetings


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FileForm(forms.Form):
    # The files come as request.FILES["dateien"]; this field carries their refusal.
    upload = forms.Field(label=_("Dateien"), required=False)
    role = forms.ChoiceField(label=_("Art"), choices=FileRole.choices, initial=FileRole.ATTACHMENT)
    public = forms.BooleanField(label=_("öffentlich"), required=False, initial=True)


class MeetingForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Gremium"), queryset=Committee.objects.none())
    name = forms.CharField(label=_("Bezeichnung"), max_length=200)
    start = forms.DateTimeField(
        label=_("Beginn"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label=_("Ende"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.ModelChoiceField(
        label=_("Sitzungsort"),
        queryset=Location.objects.none(),
        required=False,
        empty_label="\u2013",
    )

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        committee = self.fields["committee"]
        location = self.fields["location"]
        assert isinstance(committee, forms.ModelChoiceField)
        assert isinstance(location, forms.ModelChoiceField)
        committee.queryset = committees_of(body_id)
        location.queryset = Location.objects.filter(body_id=body_id).order_by("description")


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class MeetingEditForm(forms.Form):
    """A coming meeting's name, day, times and place; `start_at`/`end_at` combine them."""

    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie eine Bezeichnung an.")},
    )
    date = forms.DateField(
        label=_("Datum"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Bitte geben Sie das Datum der Sitzung an."),
            "invalid": _("Das Datum ist ungültig; bitte als TT.MM.JJJJ angeben."),
        },
    )
    start = forms.TimeField(
        label=_("Beginn (Uhrzeit)"),
        input_formats=TIME_FORMATS,
        error_messages={
            "required": _("Bitte geben Sie die Uhrzeit des Beginns an."),
            "invalid": _("Die Uhrzeit des Beginns ist ungültig; bitte als HH:MM angeben."),
        },
    )
    end = forms.TimeField(
        label=_("Ende (Uhrzeit)"),
        required=False,
        input_formats=TIME_FORMATS,
        error_messages={
            "invalid": _("Die Uhrzeit des Endes ist ungültig; bitte als HH:MM angeben."),
        },
    )
    location = forms.ModelChoiceField(
        label=_("Sitzungsort"),
        queryset=Location.objects.none(),
        required=False,
        empty_label="\u2013",
        error_messages={"invalid_choice": _("Bitte wählen Sie den Sitzungsort aus der Liste.")},
    )

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location = self.fields["location"]
        assert isinstance(location, forms.ModelChoiceField)
        location.queryset = Location.objects.filter(body_id=body_id).order_by("description")

    @classmethod
    def initial_of(cls, meeting: Meeting) -> dict[str, Any]:
        """Return the form's values for a meeting (local day and times)."""
        start = timezone.localtime(meeting.start)
        end = timezone.localtime(meeting.end) if meeting.end else None
        return {
            "name": meeting.name,
            "date": start.date(),
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}" if end else "",
            "location": meeting.location_id,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("start"):
            data["start_at"] = _local(data["date"], data["start"])
            data["end_at"] = _local(data["date"], data["end"]) if data.get("end") else None
        return data


class AgendaItemForm(forms.Form):
    """An agenda item without a paper, last or before an item (its position)."""

    number = forms.CharField(
        label=_("Nummer"),
        max_length=20,
        required=False,
        help_text=_("z. B. „Ö 5“; ohne Angabe am Ende die nächste Nummer."),
    )
    name = forms.CharField(
        label=_("Gegenstand"),
        max_length=500,
        help_text=_("z. B. „Mitteilungen der Verwaltung“ oder „Anfragen“."),
        error_messages={"required": _("Bitte geben Sie den Gegenstand an.")},
    )
    position = forms.TypedChoiceField(
        label=_("Stelle"), coerce=int, required=False, empty_value=None
    )
    public = forms.BooleanField(label=_("öffentlich"), required=False, initial=True)

    def __init__(self, *args: Any, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["position"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            ("", _("am Ende der Tagesordnung")),
            *((item.position, _("vor TOP %(number)s") % {"number": item.number}) for item in items),
        ]
        field.error_messages["invalid_choice"] = _("Bitte wählen Sie die Stelle aus der Liste.")


class ResultForm(forms.Form):
    """One agenda item's result: prefixed by the item, so that every item has its own form."""

    result = forms.ChoiceField(
        label=_("Ergebnis"), choices=[("", _("bitte wählen")), *StepResult.choices]
    )
    resolution_text = forms.CharField(
        label=_("Beschlusstext"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    votes_yes = forms.IntegerField(label=_("Ja-Stimmen"), required=False, min_value=0)
    votes_no = forms.IntegerField(label=_("Nein-Stimmen"), required=False, min_value=0)
    votes_abstain = forms.IntegerField(label=_("Enthaltungen"), required=False, min_value=0)
    referral_committee = forms.ModelChoiceField(
        label=_("Verweisen an"),
        queryset=Committee.objects.none(),
        required=False,
        empty_label=_("an kein weiteres Gremium"),
        help_text=_("Wenn das Gremium die Vorlage an ein weiteres Gremium verweist."),
    )
    referral_role = forms.ChoiceField(
        label=_("Rolle des weiteren Gremiums"), choices=StepRole.choices, required=False
    )
    referral_part = forms.CharField(label=_("Teil der Vorlage"), max_length=200, required=False)

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["referral_committee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = committees_of(body_id)
