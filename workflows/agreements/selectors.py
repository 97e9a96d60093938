"""Reads of goal agreements across cycles."""

from __future__ import annotations

from dataclasses import dataclass

from planning_cycle.models import OperativeGoal, PlanningCycle
from workflows.models import GoalAgreement


@dataclass
class CycleAgreements:
    """A cycle and the goal agreements on one operative goal in it."""

    cycle: PlanningCycle
    agreements: list[GoalAgreement]


def operative_goal_agreements(goal: OperativeGoal) -> list[CycleAgreements]:
    """Return the goal's agreements grouped by cycle, newest cycle first."""
    agreements = (
        GoalAgreement.objects.filter(operative_goal=goal, body_id=goal.body_id)
        .select_related("cycle", "department", "operative_goal")
        .order_by("-cycle__year", "department__code")
    )
    groups: dict[int, CycleAgreements] = {}
    for agreement in agreements:
        group = groups.setdefault(
            agreement.cycle_id, CycleAgreements(cycle=agreement.cycle, agreements=[])
        )
        group.agreements.append(agreement)
    return list(groups.values())
