"""Switched-off phases: the cycle's transitions pass over them, through the one service."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from planning_cycle.access import permission_checker
from planning_cycle.models import Phase, PhaseDeadline, PlanningCycle, User
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.calendar import CalendarSpec
from planning_cycle.services.cycles import cycle_create
from tests.support.factories import BodyFactory, user_with_role
from tests.support.workflows import agreement, current_state, operative_goal, walk
from tests.support.world import World
from tests.workflows.test_permission_matrix import MANAGEMENT, OTHER_BODY_MANAGEMENT, ROLES
from workflows.models import AgreementState, TransitionLog
from workflows.selectors import cycle_next_phase
from workflows.services.transitions import (
    TransitionBlocked,
    TransitionNotPermitted,
    transition_fire,
    transitions_available,
)

pytestmark = pytest.mark.django_db

WITHOUT_RETREAT = frozenset({Phase.RETREAT})


def cycle_without(world: World, off: frozenset[str], year: int = 2027) -> PlanningCycle:
    return cycle_create(
        acting_user=SYSTEM,
        body=world.body,
        year=year,
        calendar=CalendarSpec(switched_off=off),
    )


def put_in(cycle: PlanningCycle, phase: str) -> PlanningCycle:
    PlanningCycle.objects.filter(pk=cycle.pk).update(phase=phase)
    return PlanningCycle.objects.get(pk=cycle.pk)


def offered(user: User, cycle: PlanningCycle) -> dict[str, str]:
    options = transitions_available(user=user, obj=cycle, checker=permission_checker(user))
    return {o.name: o.target for o in options}


def test_without_a_retreat_the_preparation_leads_to_the_council(world: World) -> None:
    cycle = put_in(cycle_without(world, WITHOUT_RETREAT), Phase.RETREAT_PREPARATION)
    management = world.users["management"]

    assert offered(management, cycle) == {"to_council_resolution": Phase.COUNCIL_RESOLUTION}
    moved = transition_fire(acting_user=management, obj=cycle, transition="to_council_resolution")

    assert current_state(cycle) == Phase.COUNCIL_RESOLUTION
    assert (moved.log.source_state, moved.log.target_state) == (
        Phase.RETREAT_PREPARATION,
        Phase.COUNCIL_RESOLUTION,
    )


def test_the_step_into_a_switched_off_phase_is_refused(world: World) -> None:
    cycle = put_in(cycle_without(world, WITHOUT_RETREAT), Phase.RETREAT_PREPARATION)

    with pytest.raises(TransitionBlocked) as refused:
        transition_fire(
            acting_user=world.users["management"],
            obj=cycle,
            transition="to_retreat",
            override_reason="trotzdem",
        )

    assert "Strategieklausur" in refused.value.message and "abgeschaltet" in refused.value.message
    assert not refused.value.overridable
    assert current_state(cycle) == Phase.RETREAT_PREPARATION


def test_a_default_cycle_offers_no_shortcut(world: World) -> None:
    cycle = put_in(world.cycle, Phase.RETREAT_PREPARATION)

    assert offered(world.users["management"], cycle) == {"to_retreat": Phase.RETREAT}
    with pytest.raises(TransitionBlocked):
        transition_fire(
            acting_user=world.users["management"], obj=cycle, transition="to_council_resolution"
        )
    assert current_state(cycle) == Phase.RETREAT_PREPARATION


def test_the_guards_of_a_skipped_phase_do_not_apply(world: World) -> None:
    """An approved proposal blocks leaving the retreat, which this cycle does not hold."""
    cycle = cycle_without(world, WITHOUT_RETREAT)
    goal = operative_goal(world.body)
    approved = agreement(cycle, world.department, goal)
    walk(approved, AgreementState.APPROVED, world.users)
    cycle = put_in(cycle, Phase.RETREAT_PREPARATION)

    # The guard of the retreat ("all proposals prioritised") would block; it is not asked.
    next_phase = cycle_next_phase(cycle)
    assert next_phase is not None and next_phase.target == Phase.COUNCIL_RESOLUTION
    assert next_phase.blockers == ()
    transition_fire(
        acting_user=world.users["management"], obj=cycle, transition="to_council_resolution"
    )
    log = TransitionLog.objects.filter(object_id=cycle.pk).latest("id")
    assert log.override_reason == ""

    # The same proposal blocks a cycle that holds a retreat.
    with_retreat = put_in(world.cycle, Phase.RETREAT)
    agreement_2026 = agreement(with_retreat, world.department, goal)
    walk(agreement_2026, AgreementState.APPROVED, world.users)
    with pytest.raises(TransitionBlocked, match="Strategieklausur kann nicht abgeschlossen"):
        transition_fire(
            acting_user=world.users["management"],
            obj=with_retreat,
            transition="to_council_resolution",
        )


def test_the_guards_of_the_phase_left_still_apply(world: World) -> None:
    """Leaving the preparation past the retreat still needs every proposal approved."""
    cycle = cycle_without(world, WITHOUT_RETREAT)
    agreement(cycle, world.department, operative_goal(world.body))  # proposed only
    cycle = put_in(cycle, Phase.RETREAT_PREPARATION)

    with pytest.raises(TransitionBlocked, match="Zielvorschläge sind noch nicht gebilligt"):
        transition_fire(
            acting_user=world.users["management"], obj=cycle, transition="to_council_resolution"
        )


def test_several_phases_in_a_row_are_passed_over(world: World) -> None:
    off = frozenset({Phase.FRAMEWORK, Phase.RETREAT_PREPARATION, Phase.RETREAT})
    cycle = cycle_without(world, off)
    management = world.users["management"]

    assert offered(management, cycle) == {"to_council_resolution": Phase.COUNCIL_RESOLUTION}
    transition_fire(
        acting_user=management,
        obj=cycle,
        transition="to_council_resolution",
        override_reason="Zielbilanzierung extern abgeschlossen",
    )
    assert current_state(cycle) == Phase.COUNCIL_RESOLUTION


def test_without_the_budget_phases_planning_closes_the_cycle(world: World) -> None:
    off = frozenset({Phase.BUDGET_INTRODUCTION, Phase.BUDGET_RESOLUTION})
    cycle = put_in(cycle_without(world, off), Phase.PLANNING)

    assert offered(world.users["management"], cycle) == {"close": Phase.CLOSED}


@pytest.mark.parametrize("role", ROLES)
def test_only_management_fires_the_step_past_a_switched_off_phase(world: World, role: str) -> None:
    cycle = put_in(cycle_without(world, WITHOUT_RETREAT), Phase.RETREAT_PREPARATION)
    users = {
        **world.users,
        OTHER_BODY_MANAGEMENT: user_with_role(
            BodyFactory(key="anderswo", name="Stadt Anderswo"), "management"
        ),
    }
    user = users[role]
    logs = TransitionLog.objects.count()

    if role == MANAGEMENT:
        transition_fire(acting_user=user, obj=cycle, transition="to_council_resolution")
        assert current_state(cycle) == Phase.COUNCIL_RESOLUTION
        assert TransitionLog.objects.count() == logs + 1
    else:
        assert offered(user, cycle) == {}
        with pytest.raises(TransitionNotPermitted):
            transition_fire(acting_user=user, obj=cycle, transition="to_council_resolution")
        assert current_state(cycle) == Phase.RETREAT_PREPARATION
        assert TransitionLog.objects.count() == logs


@pytest.mark.parametrize("phase", [Phase.GOAL_REVIEW, Phase.PLANNING])
def test_the_database_refuses_switching_off_a_required_phase(world: World, phase: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PhaseDeadline.objects.filter(cycle=world.cycle, phase=phase).update(
            switched_off=True, due_date=None
        )


def test_a_switched_off_phase_has_no_date(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PhaseDeadline.objects.filter(cycle=world.cycle, phase=Phase.RETREAT).update(
            switched_off=True
        )
