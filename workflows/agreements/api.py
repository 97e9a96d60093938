"""The API of goal agreements: /api/v1/goal-agreements/ (propose, edit, transitions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.filters import IdFilter, SortFilter
from planning_cycle.api.ids import MAX_ID
from planning_cycle.api.input import InputSerializer
from planning_cycle.models import Department, OperativeGoal, PlanningCycle
from planning_cycle.web import body_id as request_body_id
from planning_cycle.web import request_checker
from workflows.api.access import body_queryset
from workflows.api.filters import WORKFLOW_SORT, WorkflowFilter, state_filter
from workflows.api.serializers import (
    ContentUpdateSerializer,
    OperativeGoalRefSerializer,
    WorkflowSerializer,
    content_text_field,
    state_choice_field,
)
from workflows.api.transitions import content_problem, transition_actions
from workflows.api.views import WorkflowViewSet
from workflows.models import GoalAgreement, Outcome
from workflows.services.content import ContentError

from .services import agreement_propose, agreement_update
from .workflow import AGREEMENT_FIELDS


class AgreementSerializer(WorkflowSerializer):
    state = state_choice_field(GoalAgreement, "agreement-state", read_only=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True, allow_blank=True)
    operative_goal = OperativeGoalRefSerializer(read_only=True)
    carried_over_from = serializers.IntegerField(
        source="carried_over_from_id", read_only=True, allow_null=True
    )

    class Meta:
        model = GoalAgreement
        fields = [
            "id",
            "cycle",
            "department",
            "operative_goal",
            "state",
            "state_label",
            "outcome",
            *AGREEMENT_FIELDS,
            "carried_over_from",
            "updated_at",
        ]
        read_only_fields = fields


class AgreementUpdateSerializer(ContentUpdateSerializer):
    balance = content_text_field(GoalAgreement._meta.get_field("balance").verbose_name)
    effects = content_text_field(GoalAgreement._meta.get_field("effects").verbose_name)
    programmes = content_text_field(GoalAgreement._meta.get_field("programmes").verbose_name)
    processes = content_text_field(GoalAgreement._meta.get_field("processes").verbose_name)
    resources = content_text_field(GoalAgreement._meta.get_field("resources").verbose_name)


class AgreementProposeSerializer(InputSerializer):
    cycle = serializers.IntegerField(min_value=1, max_value=MAX_ID, label=_("Planungszyklus"))
    operative_goal = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, label=_("Operatives Ziel")
    )
    department = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, label=_("Organisationseinheit")
    )


class AgreementFilter(WorkflowFilter):
    state = state_filter(GoalAgreement)
    operative_goal = IdFilter(field_name="operative_goal_id", label=_("Operatives Ziel (ID)"))
    ordering = SortFilter(
        model=GoalAgreement,
        fields=(*WORKFLOW_SORT, ("operative_goal__number", "operative_goal")),
    )

    class Meta:
        model = GoalAgreement
        fields = ["cycle", "department", "operative_goal", "state"]


@extend_schema_view(
    list=extend_schema(summary="List the goal agreements of the user's body"),
    retrieve=extend_schema(summary="Read one goal agreement"),
)
class AgreementViewSet(WorkflowViewSet):
    """The goal agreements of the user's body."""

    model = GoalAgreement
    queryset = GoalAgreement.objects.none()
    filterset_class = AgreementFilter
    response_serializer = AgreementSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "partial_update":
            return AgreementUpdateSerializer
        if self.action == "create":
            return AgreementProposeSerializer
        return AgreementSerializer

    @extend_schema(
        request=AgreementUpdateSerializer,
        responses=AgreementSerializer,
        summary="Write a goal agreement's five answers (proposed or returned)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Write the agreement's five answers while it is proposed or returned."""

        def apply(obj: GoalAgreement, data: dict[str, Any]) -> None:
            agreement_update(
                acting_user=request.user,  # type: ignore[arg-type]
                agreement=obj,
                **{name: data.get(name, getattr(obj, name)) for name in AGREEMENT_FIELDS},
                expected_updated_at=data.get("expected_updated_at"),
                checker=request_checker(request),
            )

        return self._update(request, apply)

    @extend_schema(
        request=AgreementProposeSerializer,
        responses={201: AgreementSerializer},
        summary="Propose a goal agreement of a department on an operative goal",
    )
    def create(self, request: Request) -> Response:
        """Propose a goal agreement of a department on an operative goal in a cycle."""
        data = AgreementProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = request_body_id(request)
        values = data.validated_data
        cycle = PlanningCycle.objects.filter(body_id=body, pk=values["cycle"]).first()
        goal = OperativeGoal.objects.filter(body_id=body, pk=values["operative_goal"]).first()
        department = Department.objects.filter(body_id=body, pk=values["department"]).first()
        missing = {
            name: [str(_("Gibt es in Ihrer Kommune nicht."))]
            for name, found in (
                ("cycle", cycle),
                ("operative_goal", goal),
                ("department", department),
            )
            if found is None
        }
        if missing:
            raise serializers.ValidationError(missing)
        assert cycle is not None and goal is not None and department is not None
        try:
            created = agreement_propose(
                acting_user=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                operative_goal=goal,
                department=department,
                checker=request_checker(request),
            )
        except ContentError as exc:
            raise content_problem(exc) from exc
        fresh = body_queryset(GoalAgreement, request).get(pk=created.pk)
        return Response(AgreementSerializer(fresh).data, status=status.HTTP_201_CREATED)

    transitions, fire = transition_actions(GoalAgreement)
