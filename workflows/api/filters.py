"""Filters of the workflow lists (query parameters)."""

from __future__ import annotations

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _

from planning_cycle.api.filters import ApiFilterSet, IdFilter, SortFilter
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement
from workflows.services.transitions import state_field

# Sort fields of the submissions: public name -> model path (read as list columns, see rows).
SUBMISSION_SORT = (
    ("updated_at", "updated_at"),
    ("state", "state"),
    ("department__code", "department"),
    ("cycle__year", "cycle"),
)


def _state_filter(model: type[models.Model]) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=state_field(model).choices or [])


class _WorkflowFilter(ApiFilterSet):
    cycle = IdFilter(field_name="cycle_id", label=_("Planungszyklus (ID)"))
    department = IdFilter(field_name="department_id", label=_("Organisationseinheit (ID)"))


class ReviewFilter(_WorkflowFilter):
    state = _state_filter(DepartmentReview)
    ordering = SortFilter(model=DepartmentReview, fields=SUBMISSION_SORT)

    class Meta:
        model = DepartmentReview
        fields = ["cycle", "department", "state"]


class PlanFilter(_WorkflowFilter):
    state = _state_filter(DepartmentPlan)
    ordering = SortFilter(model=DepartmentPlan, fields=SUBMISSION_SORT)

    class Meta:
        model = DepartmentPlan
        fields = ["cycle", "department", "state"]


class AgreementFilter(_WorkflowFilter):
    state = _state_filter(GoalAgreement)
    operative_goal = IdFilter(field_name="operative_goal_id", label=_("Operatives Ziel (ID)"))
    ordering = SortFilter(
        model=GoalAgreement,
        fields=(*SUBMISSION_SORT, ("operative_goal__number", "operative_goal")),
    )

    class Meta:
        model = GoalAgreement
        fields = ["cycle", "department", "operative_goal", "state"]
