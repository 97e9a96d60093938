"""Viewsets of reviews, plans and goal agreements: lists, reads, content edits, proposals."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.ids import BoundedIdMixin
from planning_cycle.models import (
    Department,
    OperativeGoal,
    PlanningCycle,
)
from planning_cycle.web import body_id as request_body_id
from planning_cycle.web import request_checker
from workflows.agreements.services import agreement_propose, agreement_update
from workflows.agreements.workflow import AGREEMENT_FIELDS
from workflows.models import (
    DepartmentPlan,
    DepartmentReview,
    GoalAgreement,
)
from workflows.services.content import ContentError
from workflows.submissions.services import plan_update, review_update

from .access import IsWorkflowReader, body_queryset, visible_queryset
from .filters import AgreementFilter, PlanFilter, ReviewFilter
from .rows import list_columns, list_rows
from .serializers import (
    AgreementProposeSerializer,
    AgreementSerializer,
    AgreementUpdateSerializer,
    PlanSerializer,
    ReviewSerializer,
    SummaryUpdateSerializer,
)
from .transitions import content_problem, transition_actions


class _WorkflowViewSet(
    BoundedIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Any],
):
    model: type[models.Model]
    permission_classes = [IsWorkflowReader]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return visible_queryset(self.model, self.request)

    def get_transition_object(self) -> models.Model:
        """The object as its detail finds it: a draft the user may not see is not found."""
        queryset = visible_queryset(self.model, self.request)
        obj = queryset.filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        return obj  # type: ignore[no-any-return]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One page of rows read as values and shaped like the serializer's output.

        Long lists are read without model instances and DRF fields (the goal-agreement
        list is benchmarked, 100 per page): `list_rows` gives what the serializer gives.
        """
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.values(*list_columns(self.response_serializer)))
        assert page is not None  # every list is paginated
        return self.get_paginated_response(list_rows(self.response_serializer, page))

    def _update(self, request: Request, apply: Any) -> Response:
        obj = self.get_object()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            apply(obj, data.validated_data)
        except ContentError as exc:
            raise content_problem(exc) from exc
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.response_serializer(fresh).data)

    response_serializer: type[serializers.ModelSerializer[Any]]


@extend_schema_view(
    list=extend_schema(summary="List the goal reviews of the user's body"),
    retrieve=extend_schema(summary="Read one goal review"),
)
class ReviewViewSet(_WorkflowViewSet):
    """The departments' goal reviews of the user's body."""

    model = DepartmentReview
    queryset = DepartmentReview.objects.none()
    filterset_class = ReviewFilter
    response_serializer = ReviewSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "partial_update":
            return SummaryUpdateSerializer
        return ReviewSerializer

    @extend_schema(
        request=SummaryUpdateSerializer,
        responses=ReviewSerializer,
        summary="Write a goal review's text (draft or returned)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Write the review's text while it is a draft or returned."""

        def apply(obj: DepartmentReview, data: dict[str, Any]) -> None:
            review_update(
                acting_user=request.user,  # type: ignore[arg-type]
                review=obj,
                summary=data.get("summary", obj.summary),
                expected_updated_at=data.get("expected_updated_at"),
                checker=request_checker(request),
            )

        return self._update(request, apply)

    transitions, fire = transition_actions(DepartmentReview)


@extend_schema_view(
    list=extend_schema(summary="List the goal and budget plans of the user's body"),
    retrieve=extend_schema(summary="Read one goal and budget plan"),
)
class PlanViewSet(_WorkflowViewSet):
    """The departments' goal and budget plans of the user's body."""

    model = DepartmentPlan
    queryset = DepartmentPlan.objects.none()
    filterset_class = PlanFilter
    response_serializer = PlanSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "partial_update":
            return SummaryUpdateSerializer
        return PlanSerializer

    @extend_schema(
        request=SummaryUpdateSerializer,
        responses=PlanSerializer,
        summary="Write a plan's text (draft or returned)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Write the plan's text while it is a draft or returned."""

        def apply(obj: DepartmentPlan, data: dict[str, Any]) -> None:
            plan_update(
                acting_user=request.user,  # type: ignore[arg-type]
                plan=obj,
                summary=data.get("summary", obj.summary),
                expected_updated_at=data.get("expected_updated_at"),
                checker=request_checker(request),
            )

        return self._update(request, apply)

    transitions, fire = transition_actions(DepartmentPlan)


@extend_schema_view(
    list=extend_schema(summary="List the goal agreements of the user's body"),
    retrieve=extend_schema(summary="Read one goal agreement"),
)
class AgreementViewSet(_WorkflowViewSet):
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
