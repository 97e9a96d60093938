"""The API of department reviews and plans: /api/v1/reviews/ and /api/v1/plans/."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.filters import SortFilter
from planning_cycle.web import request_checker
from workflows.api.filters import WORKFLOW_SORT, WorkflowFilter, state_filter
from workflows.api.serializers import (
    ContentUpdateSerializer,
    WorkflowSerializer,
    content_text_field,
    state_choice_field,
)
from workflows.api.transitions import transition_actions
from workflows.api.views import WorkflowViewSet
from workflows.models import DepartmentPlan, DepartmentReview

from .services import plan_update, review_update


class ReviewSerializer(WorkflowSerializer):
    state = state_choice_field(DepartmentReview, "review-state", read_only=True)

    class Meta:
        model = DepartmentReview
        fields = ["id", "cycle", "department", "state", "state_label", "summary", "updated_at"]
        read_only_fields = fields


class PlanSerializer(WorkflowSerializer):
    state = state_choice_field(DepartmentPlan, "plan-state", read_only=True)

    class Meta:
        model = DepartmentPlan
        fields = ["id", "cycle", "department", "state", "state_label", "summary", "updated_at"]
        read_only_fields = fields


class SummaryUpdateSerializer(ContentUpdateSerializer):
    summary = content_text_field(_("Text"))


class ReviewFilter(WorkflowFilter):
    state = state_filter(DepartmentReview)
    ordering = SortFilter(model=DepartmentReview, fields=WORKFLOW_SORT)

    class Meta:
        model = DepartmentReview
        fields = ["cycle", "department", "state"]


class PlanFilter(WorkflowFilter):
    state = state_filter(DepartmentPlan)
    ordering = SortFilter(model=DepartmentPlan, fields=WORKFLOW_SORT)

    class Meta:
        model = DepartmentPlan
        fields = ["cycle", "department", "state"]


@extend_schema_view(
    list=extend_schema(summary="List the goal reviews of the user's body"),
    retrieve=extend_schema(summary="Read one goal review"),
)
class ReviewViewSet(WorkflowViewSet):
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
class PlanViewSet(WorkflowViewSet):
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
