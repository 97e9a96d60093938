"""Read serializers of the consultation API: rounds, invitations, statements, dispositions.

No person appears in an answer (who drafted, who assigned): the API shows what was asked,
answered and weighed, by department or organisation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from planning_cycle.api.fields import choice_field
from planning_cycle.models import Organisation
from workflows.api.serializers import (
    CycleRefSerializer,
    DepartmentRefSerializer,
    WorkflowSerializer,
    state_choice_field,
)

from ..models import ConsultationRound, Evaluation, Invitation, RoundSection, Statement
from ..states import Disposition, EvaluationState, Position, SubjectKind


class OrganisationRefSerializer(serializers.Serializer[Organisation]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class RoundRefSerializer(serializers.Serializer[ConsultationRound]):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class SectionRefSerializer(serializers.Serializer[RoundSection]):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class SectionSerializer(SectionRefSerializer):
    text = serializers.CharField(read_only=True)


class InviteeSerializer(serializers.Serializer[Invitation]):
    """An invitee: a department of the body or a stakeholder organisation (one is null)."""

    id = serializers.IntegerField(read_only=True, help_text=_("Die Einladung."))
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value)) if value else ""


class RoundSerializer(WorkflowSerializer):
    state = state_choice_field(ConsultationRound, "consultation-round-state", read_only=True)
    subject_kind = choice_field(SubjectKind.choices, "round-subject-kind", read_only=True)
    cycle = CycleRefSerializer(read_only=True, allow_null=True)  # type: ignore[assignment]
    previous_round = serializers.IntegerField(
        source="previous_round_id", read_only=True, allow_null=True
    )
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = ConsultationRound
        fields = [
            "id",
            "title",
            "subject_kind",
            "description",
            "deadline",
            "cycle",
            "previous_round",
            "state",
            "state_label",
            "sections",
            "opened_at",
            "concluded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InvitationSerializer(WorkflowSerializer):
    state = state_choice_field(Invitation, "invitation-state", read_only=True)
    round = RoundRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True, allow_null=True)  # type: ignore[assignment]
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    deadline = serializers.SerializerMethodField(help_text=_("Die Frist dieser Einladung."))

    class Meta:
        model = Invitation
        fields = [
            "id",
            "round",
            "department",
            "organisation",
            "state",
            "state_label",
            "deadline",
            "extension_requested_until",
            "extended_until",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField())
    def get_deadline(self, obj: Invitation) -> Any:
        return serializers.DateField().to_representation(obj.deadline)


class StatementSerializer(WorkflowSerializer):
    state = state_choice_field(Statement, "statement-state", read_only=True)
    round = RoundRefSerializer(read_only=True)
    invitation = serializers.IntegerField(source="invitation_id", read_only=True)
    department = DepartmentRefSerializer(read_only=True, allow_null=True)  # type: ignore[assignment]
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    co_signers = InviteeSerializer(
        many=True, read_only=True, help_text=_("Gemeinsame Stellungnahme mit diesen Eingeladenen.")
    )
    section = SectionRefSerializer(read_only=True, allow_null=True)
    # Empty while a draft has none: DRF's own choice field, whose schema allows "".
    position = serializers.ChoiceField(choices=Position.choices, read_only=True, allow_blank=True)
    position_label = serializers.SerializerMethodField()
    supersedes = serializers.IntegerField(source="supersedes_id", read_only=True, allow_null=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "round",
            "invitation",
            "department",
            "organisation",
            "co_signers",
            "section",
            "position",
            "position_label",
            "text",
            "state",
            "state_label",
            "version",
            "supersedes",
            "released_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_position_label(self, obj: Statement) -> str:
        return _label(Position.choices, obj.position)


class DispositionSerializer(WorkflowSerializer):
    state = state_choice_field(Evaluation, "disposition-state", read_only=True)
    round = RoundRefSerializer(read_only=True)
    statement = serializers.IntegerField(source="statement_id", read_only=True)
    department = DepartmentRefSerializer(  # type: ignore[assignment]
        read_only=True,
        allow_null=True,
        help_text=_("Die abwägende Organisationseinheit (leer: die Strategische Steuerung)."),
    )
    disposition = serializers.ChoiceField(
        choices=Disposition.choices, read_only=True, allow_blank=True
    )
    disposition_label = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "round",
            "statement",
            "department",
            "state",
            "state_label",
            "disposition",
            "disposition_label",
            "reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_disposition_label(self, obj: Evaluation) -> str:
        return _label(Disposition.choices, obj.disposition)


class EarlierVersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(read_only=True)
    released_at = serializers.DateTimeField(read_only=True, allow_null=True)


class WeighingRowSerializer(serializers.Serializer[Any]):
    """One row of the weighing table: a statement (current version) and how it was weighed.

    Without personal data: the invitee is a department or organisation, never a person.
    """

    number = serializers.IntegerField(read_only=True, help_text=_("Die laufende Nummer."))
    statement = serializers.IntegerField(source="statement_id", read_only=True)
    invitation = serializers.IntegerField(source="invitation_id", read_only=True)
    invitee = serializers.CharField(read_only=True)
    co_signers = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Gemeinsam mit.")
    )
    section = serializers.IntegerField(source="section_id", read_only=True, allow_null=True)
    section_label = serializers.CharField(source="section", read_only=True)
    position = serializers.ChoiceField(choices=Position.choices, read_only=True)
    position_label = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    earlier_versions = EarlierVersionSerializer(many=True, read_only=True)
    released_at = serializers.DateTimeField(read_only=True, allow_null=True)
    evaluation = serializers.IntegerField(
        source="evaluation_id",
        read_only=True,
        allow_null=True,
        help_text=_("Die Abwägung (leer: noch niemandem zugewiesen)."),
    )
    evaluation_state = serializers.ChoiceField(
        choices=EvaluationState.choices, read_only=True, allow_blank=True
    )
    evaluator = serializers.CharField(read_only=True, help_text=_("Die abwägende Stelle."))
    evaluator_department = serializers.IntegerField(
        source="evaluator_department_id", read_only=True, allow_null=True
    )
    disposition = serializers.ChoiceField(
        choices=Disposition.choices,
        read_only=True,
        allow_blank=True,
        help_text=_("Das festgehaltene Abwägungsergebnis (leer: noch offen)."),
    )
    disposition_label = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    conflict_reasons = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Warum die Stellungnahme noch eine Entscheidung braucht (leer: nichts)."),
    )
