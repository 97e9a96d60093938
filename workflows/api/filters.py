"""What every workflow list filters and sorts by (query parameters)."""

from __future__ import annotations

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _

from planning_cycle.api.filters import ApiFilterSet, IdFilter
from workflows.services.transitions import state_field

# Sort fields every workflow list offers: public name -> model path (see rows).
WORKFLOW_SORT = (
    ("updated_at", "updated_at"),
    ("state", "state"),
    ("department__code", "department"),
    ("cycle__year", "cycle"),
)


def state_filter(model: type[models.Model]) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=state_field(model).choices or [])


class WorkflowFilter(ApiFilterSet):
    cycle = IdFilter(field_name="cycle_id", label=_("Planungszyklus (ID)"))
    department = IdFilter(field_name="department_id", label=_("Organisationseinheit (ID)"))
