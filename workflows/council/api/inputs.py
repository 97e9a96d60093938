"""Request bodies of the council API (each refuses fields it does not know)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from planning_cycle.api.fields import choice_field
from planning_cycle.api.ids import MAX_ID
from planning_cycle.api.input import InputSerializer
from planning_cycle.models import CommitteeKind
from workflows.uploads import NAME_MAX_LENGTH

from ..services.base import TEXT_MAX, TITLE_MAX
from ..services.results import VOTES_MAX
from ..states import CyclePaper, PaperType, StepResult, StepRole
from .serializers import PAPER_TYPE_KEY, ROLE_KEY

STEPS_MAX = 30
REASON_MAX = 10_000


def id_field(label: Any, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, label=label, **kwargs)


def optional_id(label: Any) -> serializers.IntegerField:
    return id_field(label, required=False, allow_null=True)


def text_field(label: Any, *, limit: int = TEXT_MAX, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("allow_blank", True)
    kwargs.setdefault("required", False)
    return serializers.CharField(trim_whitespace=False, max_length=limit, label=label, **kwargs)


def url_field(label: Any) -> serializers.CharField:
    # The service checks the scheme (and says so in German); the schema states the length.
    return text_field(label, limit=200)


def all_optional(serializer: serializers.Serializer[Any]) -> None:
    """Make every field optional: those left out stay as they are."""
    for field in serializer.fields.values():
        field.required = False


# --- committees -------------------------------------------------------------------------


class CommitteeWriteSerializer(InputSerializer):
    """A committee; on a change (PATCH, partial) the fields left out stay as they are."""

    name = text_field(_("Name"), limit=200, required=True, allow_blank=False)
    short_name = text_field(_("Kurzbezeichnung"), limit=40)
    kind = choice_field(CommitteeKind.choices, "committee-kind-input", required=False)
    start_date = serializers.DateField(required=False, allow_null=True, label=_("gebildet am"))
    end_date = serializers.DateField(required=False, allow_null=True, label=_("aufgelöst am"))
    position = serializers.IntegerField(
        required=False, min_value=0, max_value=100_000, label=_("Reihenfolge")
    )
    website = url_field(_("Internetseite"))


# --- meetings ---------------------------------------------------------------------------


class MeetingWriteSerializer(InputSerializer):
    committee = id_field(_("Gremium"))
    name = text_field(_("Bezeichnung"), limit=200, required=True, allow_blank=False)
    start = serializers.DateTimeField(label=_("Beginn"))
    end = serializers.DateTimeField(required=False, allow_null=True, label=_("Ende"))
    location = optional_id(_("Sitzungsort"))
    term = optional_id(_("Wahlperiode"))


class MeetingUpdateSerializer(InputSerializer):
    """Any of a meeting's fields; those left out stay as they are."""

    name = text_field(_("Bezeichnung"), limit=200, allow_blank=False)
    start = serializers.DateTimeField(label=_("Beginn"))
    end = serializers.DateTimeField(allow_null=True, label=_("Ende"))
    location = optional_id(_("Sitzungsort"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_optional(self)


class AgendaItemAddSerializer(InputSerializer):
    name = text_field(_("Gegenstand"), limit=500, required=True, allow_blank=False)
    number = text_field(_("Nummer"), limit=20)
    public = serializers.BooleanField(required=False, default=True, label=_("öffentlich"))


# --- papers -----------------------------------------------------------------------------


class StepPlanSerializer(InputSerializer):
    committee = id_field(_("Gremium"))
    role = choice_field(StepRole.choices, ROLE_KEY, required=False)
    part = text_field(_("Teil der Vorlage"), limit=200)


class PaperFieldsSerializer(InputSerializer):
    title = text_field(_("Betreff"), limit=TITLE_MAX, required=True, allow_blank=False)
    paper_type = choice_field(PaperType.choices, PAPER_TYPE_KEY, required=False)
    lead_department = id_field(_("federführende Einheit"))
    public = serializers.BooleanField(required=False, default=True, label=_("öffentlich"))
    proposed_resolution = text_field(_("Beschlussvorschlag"))
    reasoning = text_field(_("Begründung / Sachverhalt"))
    financial_effects = text_field(_("Finanzielle Auswirkungen"))
    submitter = text_field(_("Einreicher"), limit=200)
    author = text_field(_("Bearbeiter/-in"), limit=200)
    external_url = url_field(_("Seite im Ratsinformationssystem"))


class PaperCreateSerializer(PaperFieldsSerializer):
    date = serializers.DateField(required=False, allow_null=True, label=_("Datum der Vorlage"))
    cycle = optional_id(_("Planungszyklus"))
    cycle_phase = choice_field(
        [("", "—"), *CyclePaper.choices], "paper-cycle-phase-input", required=False
    )
    steps = serializers.ListField(
        child=StepPlanSerializer(), required=False, max_length=STEPS_MAX, label=_("Beratungsfolge")
    )


class PaperUpdateSerializer(PaperFieldsSerializer):
    """Any of a paper's fields; those left out stay as they are."""

    public = serializers.BooleanField(label=_("öffentlich"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_optional(self)


class PaperFileUploadSerializer(InputSerializer):
    """One file of a paper, sent as multipart/form-data; its content is checked by the service."""

    # An empty file is the service's refusal (named like on the page), not DRF's.
    file = serializers.FileField(
        label=_("Datei"),
        allow_empty_file=True,
        help_text=_(
            "Erlaubt sind PDF, ODT, DOCX, XLSX, PNG und JPEG bis 20 MB (UPLOAD_MAX_BYTES)."
        ),
    )
    # A boolean like the answer's `main` ("role" names the step's role in the schema).
    main = serializers.BooleanField(
        required=False,
        default=False,
        label=_("Hauptdokument"),
        help_text=_("Das Hauptdokument (ersetzt das bisherige); sonst eine Anlage."),
    )
    name = text_field(
        _("Dateiname"),
        limit=NAME_MAX_LENGTH,
        help_text=_("Leer: der Name der hochgeladenen Datei. Die Endung muss zum Inhalt passen."),
    )
    public = serializers.BooleanField(required=False, default=True, label=_("öffentlich"))


# --- consultation steps -----------------------------------------------------------------


class ScheduleSerializer(InputSerializer):
    meeting = id_field(_("Sitzung"))
    number = text_field(_("Nummer des Tagesordnungspunkts"), limit=20)
    public = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        label=_("öffentlich"),
        help_text=_("Leer: wie die Vorlage; eine nichtöffentliche Vorlage bleibt nichtöffentlich."),
    )


class ReasonSerializer(InputSerializer):
    reason = text_field(_("Begründung"), limit=REASON_MAX, required=True, allow_blank=False)


def vote_field(label: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=VOTES_MAX, label=label
    )


class ResultRecordSerializer(InputSerializer):
    result = choice_field(StepResult.choices, "result-input")
    resolution_text = text_field(_("Beschlusstext"))
    votes_yes = vote_field(_("Ja-Stimmen"))
    votes_no = vote_field(_("Nein-Stimmen"))
    votes_abstain = vote_field(_("Enthaltungen"))
    referrals = serializers.ListField(
        child=StepPlanSerializer(), required=False, max_length=STEPS_MAX, label=_("Verweisungen")
    )
    comment = text_field(_("Kommentar"), limit=REASON_MAX)
