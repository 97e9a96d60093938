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
from workflows.models.submissions import DepartmentSubmission
from workflows.services.content import content_update

from .budget_api import PlanBudgetMixin

FIELDS = ["id", "cycle", "department", "state", "state_label", "summary", "updated_at"]


class SummaryUpdateSerializer(ContentUpdateSerializer):
    summary = content_text_field(_("Text"))


def _serializer(model: type[DepartmentSubmission], name: str) -> type[WorkflowSerializer]:
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": [
                "id",
                "cycle",
                "department",
                "state",
                "state_label",
                "summary",
                "updated_at",
            ],
            "read_only_fields": [
                "id",
                "cycle",
                "department",
                "state",
                "state_label",
                "summary",
                "updated_at",
            ],
        },
    )
    attrs = {
        "state": state_choice_field(model, f"{name.lower()}-state", read_only=True),
        "Meta": meta,
    }
    return type(f"{name}Serializer", (WorkflowSerializer,), attrs)


def _filter(model: type[DepartmentSubmission], name: str) -> type[WorkflowFilter]:
    meta = type("Meta", (), {"model": model, "fields": ["cycle", "department", "state"]})
    attrs = {
        "state": state_filter(model),
        "ordering": SortFilter(model=model, fields=WORKFLOW_SORT),
        "Meta": meta,
    }
    return type(f"{name}Filter", (WorkflowFilter,), attrs)


def submission_viewset(
    model: type[DepartmentSubmission], name: str, *, plural: str, one: str, text_of: str
) -> type[WorkflowViewSet]:
    """Build the viewset of department reviews or plans (they differ only in names)."""
    serializer = _serializer(model, name)

    class SubmissionViewSet(WorkflowViewSet):
        def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
            if self.action == "partial_update":
                return SummaryUpdateSerializer
            return serializer

        @extend_schema(
            request=SummaryUpdateSerializer,
            responses=serializer,
            summary=f"Write a {text_of} text (draft or returned)",
        )
        def partial_update(self, request: Request, pk: str | None = None) -> Response:
            def apply(obj: DepartmentSubmission, data: dict[str, Any]) -> None:
                summary = str(data.get("summary", obj.summary))  # type: ignore[attr-defined]
                content_update(
                    acting_user=request.user,  # type: ignore[arg-type]
                    obj=obj,
                    values={"summary": summary},
                    expected_updated_at=data.get("expected_updated_at"),
                    checker=request_checker(request),
                )

            return self._update(request, apply)

        transitions, fire = transition_actions(model)

    SubmissionViewSet.partial_update.__doc__ = (
        f"Write the {name.lower()}'s text while it is a draft or returned."
    )
    viewset = type(
        f"{name}ViewSet",
        (SubmissionViewSet,),
        {
            "__doc__": f"The departments' {plural} of the user's body.",
            "model": model,
            "queryset": model._default_manager.none(),
            "filterset_class": _filter(model, name),
            "response_serializer": serializer,
        },
    )
    return extend_schema_view(  # type: ignore[no-any-return]
        list=extend_schema(summary=f"List the {plural} of the user's body"),
        retrieve=extend_schema(summary=f"Read one {one}"),
    )(viewset)


ReviewViewSet = submission_viewset(
    DepartmentReview, "Review", plural="goal reviews", one="goal review", text_of="goal review's"
)
PlanViewSet = type(
    "PlanViewSet",
    (
        PlanBudgetMixin,
        submission_viewset(
            DepartmentPlan,
            "Plan",
            plural="goal and budget plans",
            one="goal and budget plan",
            text_of="plan's",
        ),
    ),
    {"__doc__": "The departments' goal and budget plans of the user's body."},
)
