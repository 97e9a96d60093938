"""Planning cycles of a body: the current one, its calendar and its departments' states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from planning_cycle.models import PHASE_ORDER, CycleMilestone, Department, Phase, PlanningCycle


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
    """Return the phases the cycle runs, in order, with their due dates (PhaseDeadline).

    Switched-off phases are left out. Reads `cycle.deadlines.all()`: prefetch it to share
    the query with the cycle's transitions.
    """
    entries = list(cycle.deadlines.all())
    due = {entry.phase: entry.due_date for entry in entries}
    off = {entry.phase for entry in entries if entry.switched_off}
    current = PHASE_ORDER.index(cycle.phase)
    rows = []
    for index, phase in enumerate(PHASE_ORDER):
        if phase == Phase.CLOSED or phase in off:
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


def cycle_milestones(cycle: PlanningCycle) -> list[CycleMilestone]:
    """Return the cycle's dated milestones in date order (one query)."""
    return list(CycleMilestone.objects.filter(cycle_id=cycle.pk).order_by("due_date", "id"))


def cycle_phase_due(cycle: PlanningCycle, calendar: list[CalendarRow]) -> dt.date | None:
    """Return the due date of the cycle's current phase."""
    return next((row.due_date for row in calendar if row.phase == cycle.phase), None)


def departments_of_body(body_id: int) -> QuerySet[Department]:
    """Return a body's departments."""
    return Department.objects.filter(body_id=body_id).select_related("parent")
