"""When a cycle closes, goal agreements not achieved carry over to the next cycle."""

from __future__ import annotations

from django.db import models

from planning_cycle.models import PlanningCycle, User
from planning_cycle.services.cycles import cycle_get_or_create_next
from workflows.models import OPEN_AGREEMENT_STATES, GoalAgreement, Outcome, TransitionLog
from workflows.registry import workflow_objects_created

UNFINISHED_OUTCOMES = (Outcome.PARTLY_ACHIEVED, Outcome.NOT_ACHIEVED, Outcome.CARRIED_OVER)


def agreements_carry_over(cycle: models.Model, acting_user: User, log: TransitionLog) -> None:
    """Copy every agreement still open or reported as not (fully) achieved to the next cycle."""
    assert isinstance(cycle, PlanningCycle)
    # Achieved, dropped, withdrawn and otherwise closed agreements end with their cycle.
    carried = GoalAgreement.objects.filter(cycle=cycle).filter(
        models.Q(state__in=OPEN_AGREEMENT_STATES) | models.Q(outcome__in=UNFINISHED_OUTCOMES)
    )
    nxt = cycle_get_or_create_next(cycle=cycle)
    before = set(GoalAgreement.objects.filter(cycle=nxt).values_list("pk", flat=True))
    # The unique constraints (cycle, goal, department) and carried_over_from make a
    # repeated carry-over a no-op.
    GoalAgreement.objects.bulk_create(
        [
            GoalAgreement(
                body_id=a.body_id,
                cycle=nxt,
                operative_goal_id=a.operative_goal_id,
                department_id=a.department_id,
                carried_over_from=a,
                balance=a.balance,
                effects=a.effects,
                programmes=a.programmes,
                processes=a.processes,
                resources=a.resources,
            )
            for a in carried
        ],
        ignore_conflicts=True,
    )
    # ignore_conflicts leaves the primary keys unset (and a repeat creates nothing): tell
    # the listeners (deadlines) about the agreements this call created, read back.
    workflow_objects_created(
        list(
            GoalAgreement.objects.filter(cycle=nxt, carried_over_from__cycle=cycle).exclude(
                pk__in=before
            )
        )
    )
