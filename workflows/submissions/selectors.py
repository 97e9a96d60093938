"""Reads of a cycle's department submissions: reviews, plans and the department's agreements."""

from __future__ import annotations

from dataclasses import dataclass

from planning_cycle.models import Department, PlanningCycle
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement


@dataclass
class DepartmentRow:
    """A department taking part in a cycle with its review and plan."""

    department: Department
    review: DepartmentReview | None
    plan: DepartmentPlan | None


def cycle_department_rows(cycle: PlanningCycle) -> list[DepartmentRow]:
    """Return the cycle's departments with their review and plan in two queries.

    The review's and plan's cycle is the given instance, so reading it does not query.
    """
    rows: dict[int, DepartmentRow] = {}
    for review in DepartmentReview.objects.filter(cycle=cycle).select_related("department"):
        review.cycle = cycle
        rows[review.department_id] = DepartmentRow(review.department, review, None)
    for plan in DepartmentPlan.objects.filter(cycle=cycle).select_related("department"):
        plan.cycle = cycle
        row = rows.get(plan.department_id)
        if row is None:
            rows[plan.department_id] = DepartmentRow(plan.department, None, plan)
        else:
            row.plan = plan
    return sorted(rows.values(), key=lambda r: (r.department.code, r.department.pk))


@dataclass
class DepartmentCycle:
    """A department's review, plan and goal agreements in one cycle."""

    review: DepartmentReview | None
    plan: DepartmentPlan | None
    agreements: list[GoalAgreement]


def department_cycle(cycle: PlanningCycle, department: Department) -> DepartmentCycle:
    """Return the department's workflow objects in the cycle, loaded for permission checks."""
    review = (
        DepartmentReview.objects.filter(cycle=cycle, department=department)
        .select_related("cycle", "department")
        .first()
    )
    plan = (
        DepartmentPlan.objects.filter(cycle=cycle, department=department)
        .select_related("cycle", "department")
        .first()
    )
    agreements = list(
        GoalAgreement.objects.filter(cycle=cycle, department=department)
        .select_related("cycle", "department", "operative_goal")
        .order_by("operative_goal__position", "operative_goal__number")
    )
    return DepartmentCycle(review=review, plan=plan, agreements=agreements)
