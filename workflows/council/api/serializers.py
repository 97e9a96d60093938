"""What the council API answers: committees, meetings with their agenda, papers, steps."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from planning_cycle.api.fields import choice_field
from planning_cycle.models import Committee, CommitteeKind
from workflows.api.serializers import (
    CycleRefSerializer,
    DepartmentRefSerializer,
    WorkflowSerializer,
    state_choice_field,
)

from ..models import (
    AgendaItem,
    ConsultationStep,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Paper,
    PaperFile,
    Person,
)
from ..states import CyclePaper, FileRole, PaperType, ResolutionStatus, StepResult, StepRole

# One enum per choice set in the schema: the inputs use the same keys.
ROLE_KEY = "consultation-step-role"
PAPER_TYPE_KEY = "paper-type"


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def blank_choice(choices: Any, key: str, **kwargs: Any) -> Any:
    """A read-only choice that is empty while nothing is chosen ("" in the enum)."""
    return choice_field([("", "—"), *choices], key, read_only=True, **kwargs)


class CommitteeRefSerializer(serializers.Serializer[Committee]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    short_name = serializers.CharField(read_only=True)


class PersonRefSerializer(serializers.Serializer[Person]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class MemberSerializer(serializers.ModelSerializer[Membership]):
    person = PersonRefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "person", "role", "voting_right", "start_date", "end_date"]
        read_only_fields = fields


class CommitteeSerializer(serializers.ModelSerializer[Committee]):
    kind = choice_field(CommitteeKind.choices, "committee-kind", read_only=True)
    kind_label = serializers.SerializerMethodField()
    members = MemberSerializer(
        source="current_members",
        many=True,
        read_only=True,
        help_text=_("Die Mitglieder (ohne ausgeschiedene)."),
    )
    # Plain text: an unset address is "" (a "uri" format would refuse it).
    website = serializers.CharField(read_only=True)

    class Meta:
        model = Committee
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "start_date",
            "end_date",
            "position",
            "website",
            "members",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_kind_label(self, obj: Committee) -> str:
        return _label(CommitteeKind.choices, obj.kind)


class TermRefSerializer(serializers.Serializer[LegislativeTerm]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class LocationSerializer(serializers.ModelSerializer[Location]):
    class Meta:
        model = Location
        fields = ["id", "description", "room", "street_address", "postal_code", "locality"]
        read_only_fields = fields


class PaperRefSerializer(serializers.Serializer[Paper]):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class AgendaItemSerializer(serializers.ModelSerializer[AgendaItem]):
    consultation_step = serializers.IntegerField(
        source="step_id",
        read_only=True,
        allow_null=True,
        help_text=_("Die Beratung der Vorlage (leer: ein Punkt ohne Vorlage)."),
    )
    paper = PaperRefSerializer(source="step.paper", read_only=True, allow_null=True)
    result = blank_choice(StepResult.choices, "agenda-item-result")
    result_label = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "number",
            "position",
            "name",
            "public",
            "consultation_step",
            "paper",
            "result",
            "result_label",
            "resolution_text",
            "votes_yes",
            "votes_no",
            "votes_abstain",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_result_label(self, obj: AgendaItem) -> str:
        return _label(StepResult.choices, obj.result)


class MeetingSerializer(WorkflowSerializer):
    state = state_choice_field(Meeting, "meeting-state", read_only=True)
    committee = CommitteeRefSerializer(read_only=True)
    term = TermRefSerializer(read_only=True, allow_null=True)
    location = LocationSerializer(read_only=True, allow_null=True)
    date = serializers.DateField(read_only=True, help_text=_("Der Tag der Sitzung."))
    agenda_items = AgendaItemSerializer(
        source="visible_items",
        many=True,
        read_only=True,
        help_text=_("Die Tagesordnung (nichtöffentliche Punkte nur für Berechtigte)."),
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "term",
            "name",
            "start",
            "end",
            "date",
            "location",
            "state",
            "state_label",
            "agenda_items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MeetingRefSerializer(serializers.Serializer[Meeting]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    start = serializers.DateTimeField(read_only=True)


class ConsultationStepSerializer(WorkflowSerializer):
    """One committee's deliberation of a paper (OParl: Consultation)."""

    state = state_choice_field(ConsultationStep, "consultation-step-state", read_only=True)
    paper = PaperRefSerializer(read_only=True)
    committee = CommitteeRefSerializer(read_only=True)
    role = choice_field(StepRole.choices, ROLE_KEY, read_only=True)
    role_label = serializers.SerializerMethodField()
    agenda_item = serializers.IntegerField(
        source="agenda_item_id",
        read_only=True,
        allow_null=True,
        help_text=_("Der Tagesordnungspunkt, auf dem die Vorlage steht (oder entschieden wurde)."),
    )
    meeting = MeetingRefSerializer(source="agenda_item.meeting", read_only=True, allow_null=True)
    result = blank_choice(StepResult.choices, "consultation-step-result")
    result_label = serializers.SerializerMethodField()
    result_date = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("Der Tag der Sitzung mit dem Ergebnis.")
    )
    referred_by = serializers.IntegerField(
        source="referred_by_id",
        read_only=True,
        allow_null=True,
        help_text=_("Die Beratung, deren Gremium die Vorlage hierher verwiesen hat."),
    )

    class Meta:
        model = ConsultationStep
        fields = [
            "id",
            "paper",
            "committee",
            "role",
            "role_label",
            "part",
            "position",
            "state",
            "state_label",
            "agenda_item",
            "meeting",
            "result",
            "result_label",
            "result_date",
            "recorded_at",
            "referred_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_role_label(self, obj: ConsultationStep) -> str:
        return _label(StepRole.choices, obj.role)

    def get_result_label(self, obj: ConsultationStep) -> str:
        return _label(StepResult.choices, obj.result)


class PaperFileSerializer(serializers.ModelSerializer[PaperFile]):
    """A file's metadata and the address its content is downloaded from."""

    # A boolean: "role" names the step's role (one enum per property name in the schema).
    main = serializers.SerializerMethodField(help_text=_("Das Hauptdokument (sonst eine Anlage)."))
    download_url = serializers.SerializerMethodField(
        help_text=_("Die Adresse des Inhalts in der API (mit derselben Anmeldung abzurufen).")
    )

    class Meta:
        model = PaperFile
        fields = [
            "id",
            "main",
            "name",
            "media_type",
            "size",
            "sha256",
            "public",
            "position",
            "download_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_main(self, obj: PaperFile) -> bool:
        return obj.role == FileRole.MAIN

    def get_download_url(self, obj: PaperFile) -> str:
        return reverse("paper-file", args=[obj.paper_id, obj.pk])


class PaperSerializer(serializers.ModelSerializer[Paper]):
    paper_type = choice_field(PaperType.choices, PAPER_TYPE_KEY, read_only=True)
    paper_type_label = serializers.SerializerMethodField()
    lead_department = DepartmentRefSerializer(read_only=True)
    cycle = CycleRefSerializer(read_only=True, allow_null=True)
    cycle_phase = blank_choice(CyclePaper.choices, "paper-cycle-phase")
    resolution_status = choice_field(
        ResolutionStatus.choices, "paper-resolution-status", read_only=True
    )
    resolution_status_label = serializers.SerializerMethodField()
    # Plain text: an unset address is "" (a "uri" format would refuse it).
    external_url = serializers.CharField(read_only=True)
    steps = ConsultationStepSerializer(
        source="visible_steps",
        many=True,
        read_only=True,
        help_text=_("Die Beratungsfolge in ihrer Reihenfolge."),
    )
    files = PaperFileSerializer(
        source="visible_files",
        many=True,
        read_only=True,
        help_text=_("Hauptdokument und Anlagen (nichtöffentliche nur für Berechtigte)."),
    )

    class Meta:
        model = Paper
        fields = [
            "id",
            "reference",
            "reference_year",
            "reference_number",
            "paper_type",
            "paper_type_label",
            "public",
            "title",
            "proposed_resolution",
            "reasoning",
            "financial_effects",
            "date",
            "lead_department",
            "submitter",
            "author",
            "cycle",
            "cycle_phase",
            "external_url",
            "resolution_status",
            "resolution_status_label",
            "resolved_on",
            "steps",
            "files",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_paper_type_label(self, obj: Paper) -> str:
        return _label(PaperType.choices, obj.paper_type)

    def get_resolution_status_label(self, obj: Paper) -> str:
        return _label(ResolutionStatus.choices, obj.resolution_status)
