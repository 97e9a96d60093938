"""The cycle waits for the council: its council phases close only after the decision."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from planning_cycle.models import Phase, PlanningCycle
from tests.support.council import (
    DECISION,
    PRE,
    clerk_of,
    committees_build,
    meeting_build,
    paper_build,
    record,
    schedule,
    steps_of,
)
from tests.support.workflows import agreement, operative_goal, walk
from tests.support.world import World, build_world
from workflows.council.states import CyclePaper, StepResult
from workflows.models import AgreementState, GoalAgreement, TransitionLog
from workflows.services.transitions import TransitionBlocked, transition_fire

pytestmark = pytest.mark.django_db


def _cycle_in_council_phase(world: World) -> tuple[PlanningCycle, list[GoalAgreement]]:
    goals = [operative_goal(world.body, f"1.{i}", position=i) for i in (1, 2)]
    agreements = [
        walk(agreement(world.cycle, world.department, goal), AgreementState.APPROVED, world.users)
        for goal in goals
    ]
    adopted = [
        transition_fire(acting_user=world.users["strategy_unit"], obj=a, transition=t).obj
        for a, t in zip(agreements, ("adopt", "adopt"), strict=True)
    ]
    cycle = walk(world.cycle, Phase.COUNCIL_RESOLUTION, world.users)
    assert isinstance(cycle, PlanningCycle)
    return cycle, adopted  # type: ignore[return-value]


def _to_planning(world: World, cycle: PlanningCycle) -> PlanningCycle:
    return transition_fire(  # type: ignore[return-value]
        acting_user=world.users["management"], obj=cycle, transition="to_planning"
    ).obj


def test_the_phase_names_the_missing_paper() -> None:
    world = build_world()
    cycle, _ = _cycle_in_council_phase(world)
    with pytest.raises(TransitionBlocked) as blocked:
        _to_planning(world, cycle)
    assert "keine Vorlage" in blocked.value.message


def test_the_council_decision_resolves_the_goals_and_lets_the_phase_close() -> None:
    world = build_world()
    c = committees_build(world)
    cycle, adopted = _cycle_in_council_phase(world)
    paper = paper_build(
        world,
        [(c.main, PRE), (c.council, DECISION)],
        cycle=cycle,
        cycle_phase=CyclePaper.COUNCIL_RESOLUTION,
    )
    paper.agreements.set(adopted)
    main_step, council_step = steps_of(paper)
    main_meeting = meeting_build(world, c.main, days=-10)
    record(
        clerk_of(world, c.main), schedule(world, main_step, main_meeting), StepResult.RECOMMENDED
    )

    with pytest.raises(TransitionBlocked) as blocked:
        _to_planning(world, cycle)
    message = blocked.value.message
    assert paper.reference in message and paper.title in message
    assert "Kreisausschuss: empfohlen am" in message
    assert "Kreistag: noch nicht terminiert" in message

    council_meeting = meeting_build(world, c.council, days=-2)
    item = schedule(world, council_step, council_meeting)
    with pytest.raises(TransitionBlocked) as blocked:
        _to_planning(world, cycle)
    assert "Kreistag: auf der Tagesordnung am" in blocked.value.message
    record(clerk_of(world, c.council), item, StepResult.DECIDED)

    for a in adopted:
        a = GoalAgreement.objects.get(pk=a.pk)
        # Resolved with the council's date, not the day somebody clicked.
        assert (a.state, a.council_resolved_on) == (AgreementState.RESOLVED, council_meeting.date)
        log = TransitionLog.objects.get(
            content_type=ContentType.objects.get_for_model(GoalAgreement),
            object_id=a.pk,
            transition="resolve",
        )
        assert paper.reference in log.comment
    assert _to_planning(world, cycle).phase == Phase.PLANNING


def test_a_rejected_goals_paper_resolves_nothing() -> None:
    world = build_world()
    c = committees_build(world)
    cycle, adopted = _cycle_in_council_phase(world)
    paper = paper_build(
        world, [(c.council, DECISION)], cycle=cycle, cycle_phase=CyclePaper.COUNCIL_RESOLUTION
    )
    paper.agreements.set(adopted)
    (step,) = steps_of(paper)
    item = schedule(world, step, meeting_build(world, c.council, days=-1))
    record(clerk_of(world, c.council), item, StepResult.REJECTED)
    assert set(
        GoalAgreement.objects.filter(pk__in=[a.pk for a in adopted]).values_list("state", flat=True)
    ) == {AgreementState.ADOPTED}
