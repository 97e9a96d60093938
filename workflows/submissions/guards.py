"""The cycle's guards about reviews and plans: every department's must be through."""

from __future__ import annotations

from django.utils.translation import gettext as _

from planning_cycle.models import PlanningCycle
from workflows.guards import missing_departments
from workflows.models import DepartmentPlan, DepartmentReview, PlanState
from workflows.models import ReviewState as RS


def all_reviews_accepted(cycle: PlanningCycle) -> str | None:
    """Require every department's goal review to be accepted."""
    rows = DepartmentReview.objects.filter(cycle=cycle).order_by("department__code")
    return missing_departments(
        rows.values_list("department__code", "state"), RS.ACCEPTED, _("Zielbilanzierung")
    )


def all_plans_approved(cycle: PlanningCycle) -> str | None:
    """Require every department's plan to be approved."""
    rows = DepartmentPlan.objects.filter(cycle=cycle).order_by("department__code")
    return missing_departments(
        rows.values_list("department__code", "state"),
        PlanState.APPROVED,
        _("Ziel- und Haushaltsplanung"),
    )
