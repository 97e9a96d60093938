"""Planning cycles of a body: the current one, its calendar and its departments' states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from planning_cycle.models import PHASE_ORDER, Department, Phase, PlanningCycle
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement


def cycles_of_body(body_id: int) -> QuerySet[PlanningCycle]:
    """Return a body's cycles, newest first."""
    return PlanningCycle.objects.filter(body_id=body_id).select_related("body").order_by("-year")


def cycle_current(body_id: int) -> PlanningCycle | None:
    """Return the body's newest cycle that is not closed."""
    return cycles_of_body(body_id).exclude(phase=Phase.CLOSED).first()


@dataclass(frozen=True)
class CalendarRow:
    """One phase of a cycle with its due date and where the cycle stands."""

    phase: str
    label: str
    due_date: dt.date | None
    status: str  # "done", "current" or "upcoming"

    @property
    def is_current(self) -> bool:
        return self.status == "current"


def cycle_calendar(cycle: PlanningCycle) -> list[CalendarRow]:
    """Return the cycle's phases in order with their due dates (PhaseDeadline)."""
    due = dict(cycle.deadlines.values_list("phase", "due_date"))
    current = PHASE_ORDER.index(cycle.phase)
    rows = []
    for index, phase in enumerate(PHASE_ORDER):
        if phase == Phase.CLOSED:
            continue
        if index < current:
            status = "done"
        elif index == current:
            status = "current"
        else:
            status = "upcoming"
        rows.append(
            CalendarRow(
                phase=phase, label=str(Phase(phase).label), due_date=due.get(phase), status=status
            )
        )
    return rows


def cycle_phase_due(cycle: PlanningCycle, calendar: list[CalendarRow]) -> dt.date | None:
    """Return the due date of the cycle's current phase."""
    return next((row.due_date for row in calendar if row.phase == cycle.phase), None)


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


def departments_of_body(body_id: int) -> QuerySet[Department]:
    """Return a body's departments."""
    return Department.objects.filter(body_id=body_id).select_related("parent")


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
