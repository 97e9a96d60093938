"""Helpers of the workflow tests: goals to agree on, and walking objects into a state.

Objects are put into a state only by firing the real transitions through
`transition_fire` as a user allowed to fire them, never by writing the state field.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from django.db import models

from planning_cycle.models import (
    Body,
    Department,
    OperativeGoal,
    Phase,
    PlanningCycle,
    PolicyField,
    StrategicGoal,
    User,
)
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement
from workflows.services.transitions import state_field, transition_fire

WORKFLOW_MODELS: dict[str, type[models.Model]] = {
    "cycle": PlanningCycle,
    "review": DepartmentReview,
    "plan": DepartmentPlan,
    "agreement": GoalAgreement,
}

# Who walks an object along a transition (one role that may fire it; see the matrix for all).
WALKER_ROLE: dict[str, str] = {
    "submit": "department_head",
    "start": "department_head",
    "report_achieved": "department_head",
    "report_partly_achieved": "department_head",
    "report_not_achieved": "department_head",
    "report_carried_over": "department_head",
    "resolve": "committee_secretary",
}
DEFAULT_WALKER_ROLE = "management"
WALK_COMMENT = "Kommentar beim Durchlaufen"
WALK_OVERRIDE = "Testaufbau: offene Punkte werden bewusst übergangen"


def transition_names(model: type[models.Model]) -> list[str]:
    """Return the names of all transitions of a workflow model, sorted."""
    return sorted({t.name for t in state_field(model).get_all_transitions(model)})


def transition_edges(model: type[models.Model]) -> list[tuple[str, str, str]]:
    """Return every (source, transition, target) of a workflow model.

    A cycle's steps past switched-off phases are left out: with the default calendar they
    are never the way on.
    """
    return sorted(
        (str(t.source), t.name, str(t.target))
        for t in state_field(model).get_all_transitions(model)
        if not t.custom.get("skips")
    )


def initial_state(model: type[models.Model]) -> str:
    return str(state_field(model).get_default())


def current_state(obj: models.Model) -> str:
    """Return the object's state as stored in the database."""
    field = state_field(type(obj))
    return str(type(obj)._default_manager.values_list(field.attname, flat=True).get(pk=obj.pk))


def path_to(model: type[models.Model], target: str, start: str | None = None) -> list[str]:
    """Return the shortest list of transition names leading from `start` to `target`."""
    start = start or initial_state(model)
    edges: dict[str, list[tuple[str, str]]] = {}
    for source, name, dest in transition_edges(model):
        edges.setdefault(source, []).append((name, dest))
    queue: deque[tuple[str, list[str]]] = deque([(start, [])])
    seen = {start}
    while queue:
        state, path = queue.popleft()
        if state == target:
            return path
        for name, dest in edges.get(state, []):
            if dest not in seen:
                seen.add(dest)
                queue.append((dest, [*path, name]))
    raise ValueError(f"{model.__name__}: no path from {start} to {target}")


def walk(
    obj: models.Model, target: str, users: Mapping[str, User], *, checker: object = None
) -> models.Model:
    """Fire the transitions leading the object to `target`; return the object as stored.

    Department plans can only move in the planning phase: their cycle is walked there first.
    """
    model = type(obj)
    if isinstance(obj, DepartmentPlan):
        cycle = PlanningCycle.objects.get(pk=obj.cycle_id)
        if cycle.phase != Phase.PLANNING:
            walk(cycle, Phase.PLANNING, users)
    for name in path_to(model, target, start=current_state(obj)):
        user = users[WALKER_ROLE.get(name, DEFAULT_WALKER_ROLE)]
        obj = transition_fire(
            acting_user=user,
            obj=obj,
            transition=name,
            comment=WALK_COMMENT,
            override_reason=WALK_OVERRIDE if model is PlanningCycle else "",
        ).obj
    fresh = model._default_manager.get(pk=obj.pk)
    assert current_state(fresh) == target
    return fresh


def operative_goal(body: Body, number: str = "1.1", position: int = 0) -> OperativeGoal:
    """Create a minimal goal hierarchy (policy field, strategic goal) and an operative goal."""
    field, _ = PolicyField.objects.get_or_create(
        body=body, key="pf-test", defaults={"name": "Bildung und Teilhabe"}
    )
    strategic, _ = StrategicGoal.objects.get_or_create(
        body=body,
        number="1",
        defaults={"policy_field": field, "title": "Gute Bildung für alle"},
    )
    return OperativeGoal.objects.create(
        body=body,
        strategic_goal=strategic,
        key=f"oz-{number}",
        number=number,
        title=f"Operatives Ziel {number}",
        position=position,
    )


# The answers an agreement needs before it can be submitted (the balance may stay empty).
ANSWERS = {
    "effects": "Mehr Kinder erreichen einen Schulabschluss.",
    "programmes": "Schulsozialarbeit an allen Schulen",
    "processes": "Gemeinsame Fallkonferenzen",
    "resources": "2 Stellen, 120.000 EUR",
}


def agreement(
    cycle: PlanningCycle, department: Department, goal: OperativeGoal, **fields: str
) -> GoalAgreement:
    """Create a proposed goal agreement, answered so far that it can be submitted."""
    return GoalAgreement.objects.create(
        body_id=cycle.body_id,
        cycle=cycle,
        department=department,
        operative_goal=goal,
        **{**ANSWERS, **fields},
    )
