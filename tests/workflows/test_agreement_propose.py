"""Proposing a goal agreement: who may for which department, and how proposals are refused.

Only holders of `agreement_edit` on the department propose: its head and editor. The
body-wide roles hold no `agreement_edit` (see `planning_cycle/permissions.py`), so they
are refused like everyone else; platform administrators (superusers) pass.
"""

from __future__ import annotations

import pytest

from planning_cycle.models import Phase
from tests.support.factories import DepartmentFactory, UserFactory
from tests.support.workflows import operative_goal, walk
from tests.support.world import World, build_world
from workflows.agreements.services import agreement_propose
from workflows.models import AgreementState, GoalAgreement, TransitionLog
from workflows.services.content import ContentError

pytestmark = pytest.mark.django_db

OWN, OTHER = 0, 1
# role -> may propose for (own department, other department)
MATRIX = {
    "department_head": (True, False),
    "department_editor": (True, False),
    "other_department_head": (False, True),
    "management": (False, False),
    "strategy_unit": (False, False),
    "committee_secretary": (False, False),
    "council_member": (False, False),
    "external_stakeholder": (False, False),
}


@pytest.mark.parametrize("role", sorted(MATRIX))
@pytest.mark.parametrize("index", [OWN, OTHER])
def test_role_matrix(world: World, role: str, index: int) -> None:
    goal = operative_goal(world.body)
    department = world.departments[index]
    allowed = MATRIX[role][index]
    if not allowed:
        with pytest.raises(ContentError) as refused:
            agreement_propose(
                acting_user=world.users[role],
                cycle=world.cycle,
                operative_goal=goal,
                department=department,
            )
        assert refused.value.status == 403
        assert not GoalAgreement.objects.exists()
        return
    agreement = agreement_propose(
        acting_user=world.users[role], cycle=world.cycle, operative_goal=goal, department=department
    )
    stored = GoalAgreement.objects.get()
    assert stored.pk == agreement.pk
    assert (stored.body, stored.cycle, stored.operative_goal, stored.department) == (
        world.body,
        world.cycle,
        goal,
        department,
    )
    assert stored.state == AgreementState.PROPOSED
    assert not TransitionLog.objects.exists()  # creating is not a transition


def test_superuser_may_propose(world: World) -> None:
    admin = UserFactory(body=None, is_staff=True, is_superuser=True)
    agreement_propose(
        acting_user=admin,
        cycle=world.cycle,
        operative_goal=operative_goal(world.body),
        department=world.departments[2],
    )
    assert GoalAgreement.objects.count() == 1


def test_inactive_head_is_refused(world: World) -> None:
    head = world.users["department_head"]
    head.is_active = False
    head.save(update_fields=["is_active"])
    with pytest.raises(ContentError) as refused:
        agreement_propose(
            acting_user=head,
            cycle=world.cycle,
            operative_goal=operative_goal(world.body),
            department=world.department,
        )
    assert refused.value.status == 403


@pytest.mark.parametrize("foreign", ["cycle", "operative_goal", "department"])
def test_objects_of_another_body_are_refused_without_detail(world: World, foreign: str) -> None:
    other = build_world(key="stadt-anders")
    ours = {
        "cycle": world.cycle,
        "operative_goal": operative_goal(world.body),
        "department": world.department,
    }
    theirs = {
        "cycle": other.cycle,
        "operative_goal": operative_goal(other.body),
        "department": other.department,
    }
    for user in (world.users["department_head"], other.users["department_head"]):
        args = {**ours, foreign: theirs[foreign]}
        with pytest.raises(ContentError) as refused:
            agreement_propose(acting_user=user, **args)
        assert refused.value.status == 403
        assert refused.value.field is None
        assert str(other.body) not in refused.value.message
    # Even a superuser cannot mix bodies.
    admin = UserFactory(body=None, is_staff=True, is_superuser=True)
    with pytest.raises(ContentError):
        agreement_propose(acting_user=admin, **{**ours, foreign: theirs[foreign]})
    assert not GoalAgreement.objects.exists()


def test_closed_cycle_is_refused_naming_it(world: World) -> None:
    goal = operative_goal(world.body)
    cycle = walk(world.cycle, Phase.CLOSED, world.users)
    with pytest.raises(ContentError) as refused:
        agreement_propose(
            acting_user=world.users["department_head"],
            cycle=cycle,
            operative_goal=goal,
            department=world.department,
        )
    assert refused.value.status == 409
    assert str(cycle) in refused.value.message
    assert not GoalAgreement.objects.filter(cycle=cycle).exists()


def test_closed_cycle_is_read_from_the_database(world: World) -> None:
    stale = world.cycle  # still in goal review in memory
    walk(world.cycle, Phase.CLOSED, world.users)
    with pytest.raises(ContentError) as refused:
        agreement_propose(
            acting_user=world.users["department_head"],
            cycle=stale,
            operative_goal=operative_goal(world.body),
            department=world.department,
        )
    assert refused.value.status == 409


def test_department_not_taking_part_is_refused(world: World) -> None:
    staff_unit = DepartmentFactory(body=world.body, code="StS", takes_part=False)
    admin = UserFactory(body=None, is_staff=True, is_superuser=True)
    with pytest.raises(ContentError) as refused:
        agreement_propose(
            acting_user=admin,
            cycle=world.cycle,
            operative_goal=operative_goal(world.body),
            department=staff_unit,
        )
    assert refused.value.status == 400
    assert refused.value.field == "department"
    assert not GoalAgreement.objects.exists()


def test_duplicate_is_refused_by_the_database_and_leaves_one_row(world: World) -> None:
    goal = operative_goal(world.body)
    kwargs = {"cycle": world.cycle, "operative_goal": goal, "department": world.department}
    first = agreement_propose(acting_user=world.users["department_head"], **kwargs)
    with pytest.raises(ContentError) as refused:
        agreement_propose(acting_user=world.users["department_editor"], **kwargs)
    assert refused.value.status == 409
    assert refused.value.message == (
        "Für dieses Ziel und diese Organisationseinheit gibt es im Planungszyklus 2026 "
        "bereits eine Zielvereinbarung."
    )
    assert list(GoalAgreement.objects.values_list("pk", flat=True)) == [first.pk]
    # The refusal rolled back only its savepoint: the connection is still usable.
    assert GoalAgreement.objects.filter(cycle=world.cycle).count() == 1
