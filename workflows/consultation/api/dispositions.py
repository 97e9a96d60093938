"""Dispositions (Abwägung) of statements: /api/v1/dispositions/ (assign, weigh, record)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.models import Department
from planning_cycle.web import request_checker
from workflows.access import workflow_visible
from workflows.api.transitions import transition_actions

from ..models import ConsultationRound, Evaluation
from ..services.evaluation import EvaluationError, evaluation_assign, evaluation_update
from .base import ConsultationViewSet, acting_user, service_problem
from .filters import DispositionFilter
from .inputs import DispositionAssignSerializer, DispositionUpdateSerializer, one
from .serializers import DispositionSerializer


@extend_schema_view(
    list=extend_schema(summary="List the dispositions you may see"),
    retrieve=extend_schema(summary="Read one disposition"),
)
class DispositionViewSet(ConsultationViewSet):
    """Dispositions: all for those who run rounds, the assigned ones for evaluators."""

    model = Evaluation
    queryset = Evaluation.objects.none()
    filterset_class = DispositionFilter
    response_serializer = DispositionSerializer

    @extend_schema(
        request=DispositionAssignSerializer,
        responses={201: DispositionSerializer(many=True)},
        summary="Assign released statements of a round to an evaluator (none: ourselves)",
    )
    def create(self, request: Request) -> Response:
        """Assign statements for weighing; one assigned but not yet weighed is reassigned."""
        data = DispositionAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        round_ = one(workflow_visible(ConsultationRound, user=user), values["round"], "round")
        departments = Department.objects.filter(body_id=user.body_id or 0)
        department = one(departments, values.get("department"), "department")
        try:
            assigned = evaluation_assign(
                acting_user=user,
                round_=round_,
                statement_ids=values["statements"],
                department=department,
                checker=request_checker(request),
            )
        except EvaluationError as exc:
            raise service_problem(exc) from exc
        rows = self.get_queryset().filter(pk__in=[e.pk for e in assigned]).order_by("id")
        return Response(DispositionSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DispositionUpdateSerializer,
        responses=DispositionSerializer,
        summary="Write the disposition and its reason (while assigned)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Write the disposition and its reason; record it with `transitions/record/`."""
        evaluation: Evaluation = self.get_object()
        data = DispositionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        try:
            evaluation_update(
                acting_user=acting_user(request),
                evaluation=evaluation,
                disposition=values.get("disposition", evaluation.disposition),
                reason=values.get("reason", evaluation.reason),
                expected_updated_at=values.get("expected_updated_at"),
                checker=request_checker(request),
            )
        except EvaluationError as exc:
            raise service_problem(exc) from exc
        return self.answer(evaluation)

    transitions, fire = transition_actions(Evaluation)
