"""Role by state by transition: who may fire what, through the one transition service.

The expected table below is written out from DOMAIN.md and is the specification; it is
not derived from planning_cycle.permissions. Every cell (transition, source state, role)
is its own test: the allowed roles fire it and the object moves with one history row;
every other role is refused with TransitionNotPermitted and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import models, transaction

from planning_cycle.access import permission_checker
from planning_cycle.models import OperativeGoal, Role, User
from tests.support.factories import BodyFactory, user_with_role
from tests.support.workflows import (
    WORKFLOW_MODELS,
    agreement,
    current_state,
    operative_goal,
    transition_edges,
    walk,
)
from tests.support.world import World, build_world
from workflows.models import DepartmentPlan, DepartmentReview, OutboxMessage, TransitionLog
from workflows.services.transitions import (
    TransitionNotPermitted,
    transition_fire,
    transitions_available,
)

pytestmark = pytest.mark.django_db

MANAGEMENT = "management"
STRATEGY_UNIT = "strategy_unit"
DEPARTMENT_HEAD = "department_head"  # head of the object's own department
DEPARTMENT_EDITOR = "department_editor"  # editor in the object's own department
COMMITTEE_SECRETARY = "committee_secretary"
COMMITTEE_CLERK = "committee_clerk"  # secretary of the council (Kreistag) only
COUNCIL_MEMBER = "council_member"
EXTERNAL_STAKEHOLDER = "external_stakeholder"
OTHER_DEPARTMENT_HEAD = "other_department_head"  # head of another department, same body
OTHER_BODY_MANAGEMENT = "other_body_management"  # management of another body

ROLES = (
    MANAGEMENT,
    STRATEGY_UNIT,
    DEPARTMENT_HEAD,
    DEPARTMENT_EDITOR,
    COMMITTEE_SECRETARY,
    COMMITTEE_CLERK,
    COUNCIL_MEMBER,
    EXTERNAL_STAKEHOLDER,
    OTHER_DEPARTMENT_HEAD,
    OTHER_BODY_MANAGEMENT,
)

OPEN_AGREEMENT = (
    "proposed",
    "submitted",
    "returned",
    "approved",
    "adopted",
    "changed",
    "deferred",
    "resolved",
    "in_implementation",
)

# (state machine, transition, source states, roles allowed to fire it)
EXPECTED: list[tuple[str, str, tuple[str, ...], frozenset[str]]] = [
    # The cycle: only management moves it from phase to phase.
    ("cycle", "to_framework", ("goal_review",), frozenset({MANAGEMENT})),
    ("cycle", "to_retreat_preparation", ("framework",), frozenset({MANAGEMENT})),
    ("cycle", "to_retreat", ("retreat_preparation",), frozenset({MANAGEMENT})),
    ("cycle", "to_council_resolution", ("retreat",), frozenset({MANAGEMENT})),
    ("cycle", "to_planning", ("council_resolution",), frozenset({MANAGEMENT})),
    ("cycle", "to_budget_introduction", ("planning",), frozenset({MANAGEMENT})),
    ("cycle", "to_budget_resolution", ("budget_introduction",), frozenset({MANAGEMENT})),
    ("cycle", "close", ("budget_resolution",), frozenset({MANAGEMENT})),
    # The department's goal review: its own head submits, management decides.
    ("review", "submit", ("draft", "returned"), frozenset({DEPARTMENT_HEAD})),
    ("review", "return_", ("submitted",), frozenset({MANAGEMENT})),
    ("review", "accept", ("submitted",), frozenset({MANAGEMENT})),
    # The department's plan: the same.
    ("plan", "submit", ("draft", "returned"), frozenset({DEPARTMENT_HEAD})),
    ("plan", "return_", ("submitted",), frozenset({MANAGEMENT})),
    ("plan", "approve", ("submitted",), frozenset({MANAGEMENT})),
    # The goal agreement.
    ("agreement", "submit", ("proposed", "returned"), frozenset({DEPARTMENT_HEAD})),
    ("agreement", "return_", ("submitted",), frozenset({MANAGEMENT})),
    ("agreement", "approve", ("submitted",), frozenset({MANAGEMENT})),
    ("agreement", "adopt", ("approved",), frozenset({MANAGEMENT, STRATEGY_UNIT})),
    ("agreement", "change", ("approved",), frozenset({MANAGEMENT, STRATEGY_UNIT})),
    ("agreement", "defer", ("approved",), frozenset({MANAGEMENT, STRATEGY_UNIT})),
    ("agreement", "drop", ("approved",), frozenset({MANAGEMENT, STRATEGY_UNIT})),
    ("agreement", "resolve", ("adopted", "changed"), frozenset({COMMITTEE_SECRETARY})),
    ("agreement", "start", ("resolved",), frozenset({DEPARTMENT_HEAD})),
    ("agreement", "report_achieved", ("in_implementation",), frozenset({DEPARTMENT_HEAD})),
    (
        "agreement",
        "report_partly_achieved",
        ("in_implementation",),
        frozenset({DEPARTMENT_HEAD}),
    ),
    ("agreement", "report_not_achieved", ("in_implementation",), frozenset({DEPARTMENT_HEAD})),
    ("agreement", "report_carried_over", ("in_implementation",), frozenset({DEPARTMENT_HEAD})),
    (
        "agreement",
        "close",
        ("achieved", "partly_achieved", "not_achieved", "carried_over", "deferred", "dropped"),
        frozenset({MANAGEMENT, STRATEGY_UNIT}),
    ),
    ("agreement", "withdraw", OPEN_AGREEMENT, frozenset({MANAGEMENT, DEPARTMENT_HEAD})),
]

# Roles that fire nothing at all.
NEVER_FIRE = {
    DEPARTMENT_EDITOR,
    # A committee's secretary records its results on papers; the goal agreements follow the
    # council's decision on the goals paper, never a click on the agreement.
    COMMITTEE_CLERK,
    COUNCIL_MEMBER,
    EXTERNAL_STAKEHOLDER,
    OTHER_DEPARTMENT_HEAD,
    OTHER_BODY_MANAGEMENT,
}

COMMENT = "Begründung im Matrixtest"
OVERRIDE = "Übergangen im Matrixtest"


def _cells() -> list[object]:
    cells = []
    for machine, name, sources, allowed in EXPECTED:
        for source in sources:
            for role in ROLES:
                verdict = "allowed" if role in allowed else "refused"
                cells.append(
                    pytest.param(
                        machine,
                        source,
                        name,
                        role,
                        role in allowed,
                        id=f"{machine}-{source}-{name}-{role}-{verdict}",
                    )
                )
    return cells


def _target(machine: str, source: str, name: str) -> str:
    model = WORKFLOW_MODELS[machine]
    (target,) = {t for s, n, t in transition_edges(model) if s == source and n == name}
    return target


@dataclass
class MatrixWorld:
    world: World
    users: dict[str, User]
    goal: OperativeGoal

    def object_in(self, machine: str, state: str) -> models.Model:
        """Return an object of the own department (or the cycle) walked into `state`."""
        cycle, department = self.world.cycle, self.world.department
        obj: models.Model
        if machine == "cycle":
            obj = type(cycle).objects.get(pk=cycle.pk)
        elif machine == "review":
            obj = DepartmentReview.objects.get(cycle=cycle, department=department)
        elif machine == "plan":
            obj = DepartmentPlan.objects.get(cycle=cycle, department=department)
        else:
            obj = agreement(cycle, department, self.goal)
        return walk(obj, state, self.users)


@pytest.fixture(scope="module")
def matrix_world(django_db_setup: None, django_db_blocker: object) -> Iterator[MatrixWorld]:
    """One world for the whole module, rolled back at its end; every test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        world = build_world(key="matrix")
        other_body = BodyFactory(key="matrix-other", name="Stadt Anderswo")
        users = {
            **world.users,
            OTHER_BODY_MANAGEMENT: user_with_role(other_body, Role.MANAGEMENT),
        }
        yield MatrixWorld(world=world, users=users, goal=operative_goal(world.body))
        transaction.set_rollback(True)


def test_table_names_every_transition_of_every_state_machine() -> None:
    """The expected table covers exactly the transitions the models declare."""
    declared = {
        (machine, source, name)
        for machine, model in WORKFLOW_MODELS.items()
        for source, name, _target in transition_edges(model)
    }
    tabled = {
        (machine, source, name)
        for machine, name, sources, _allowed in EXPECTED
        for source in sources
    }
    assert tabled == declared


def test_roles_of_the_table_are_the_product_roles() -> None:
    body_roles = {r.value for r in Role}
    assert set(ROLES) == body_roles | {OTHER_DEPARTMENT_HEAD, OTHER_BODY_MANAGEMENT}
    firing = set().union(*(allowed for *_rest, allowed in EXPECTED))
    assert firing.isdisjoint(NEVER_FIRE)


@pytest.mark.parametrize(("machine", "source", "name", "role", "allowed"), _cells())
def test_cell(
    matrix_world: MatrixWorld, machine: str, source: str, name: str, role: str, allowed: bool
) -> None:
    obj = matrix_world.object_in(machine, source)
    user = matrix_world.users[role]
    logs_before = TransitionLog.objects.count()
    outbox_before = OutboxMessage.objects.count()

    offered = {
        o.name for o in transitions_available(user=user, obj=obj, checker=permission_checker(user))
    }
    assert (name in offered) is allowed, "transitions_available disagrees with the matrix"

    if allowed:
        result = transition_fire(
            acting_user=user,
            obj=obj,
            transition=name,
            comment=COMMENT,
            override_reason=OVERRIDE if machine == "cycle" else "",
            expected_state=source,
        )
        target = _target(machine, source, name)
        assert current_state(obj) == target
        log = result.log
        assert (log.transition, log.source_state, log.target_state) == (name, source, target)
        assert log.actor_id == user.pk
        assert log.object_id == obj.pk
        assert log.comment == COMMENT
        assert TransitionLog.objects.count() == logs_before + 1
        assert OutboxMessage.objects.count() == outbox_before + 1
    else:
        with pytest.raises(TransitionNotPermitted) as excinfo:
            transition_fire(
                acting_user=user,
                obj=obj,
                transition=name,
                comment=COMMENT,
                override_reason=OVERRIDE,
                expected_state=source,
            )
        assert excinfo.value.status == 403
        assert current_state(obj) == source
        assert TransitionLog.objects.count() == logs_before
        assert OutboxMessage.objects.count() == outbox_before
