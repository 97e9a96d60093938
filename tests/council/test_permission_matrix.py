"""Role by state by action on steps and meetings: who may do what, and nothing else changes.

Written out from the issue: the council office (Sitzungsdienst) and the strategy unit put
papers on agendas and correct results; only the secretary of the deliberating committee
records its result; nobody of another body does anything.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from planning_cycle.models import Role, User
from tests.support.council import (
    DECISION,
    Committees,
    clerk_of,
    committees_build,
    meeting_build,
    paper_build,
    record,
    schedule,
    steps_of,
)
from tests.support.factories import BodyFactory, user_with_role
from tests.support.world import World, build_world
from workflows.council.models import AgendaItem, ConsultationStep, Meeting
from workflows.council.services.base import CouncilError
from workflows.council.services.results import (
    agenda_item_result_record,
    step_reopen,
    step_schedule,
    step_unschedule,
)
from workflows.council.states import MeetingState, StepResult, StepState
from workflows.services.transitions import TransitionNotPermitted, transition_fire

pytestmark = pytest.mark.django_db

OFFICE = "committee_secretary"
CLERK = "clerk_of_the_committee"
OTHER_CLERK = "clerk_of_another_committee"
OTHER_BODY = "other_body_office"
ROLES = (
    OFFICE,
    CLERK,
    OTHER_CLERK,
    "management",
    "strategy_unit",
    "department_head",
    "council_member",
    OTHER_BODY,
)
MANAGERS = frozenset({OFFICE, "strategy_unit"})

# action, the step's state before, who may
EXPECTED = [
    ("schedule", StepState.PLANNED, MANAGERS),
    ("unschedule", StepState.SCHEDULED, MANAGERS),
    ("record", StepState.SCHEDULED, frozenset({CLERK})),
    ("defer", StepState.SCHEDULED, frozenset({CLERK})),
    ("reopen", StepState.RECORDED, MANAGERS),
]
MEETING_EXPECTED = [
    ("invite", MeetingState.SCHEDULED, MANAGERS),
    ("cancel", MeetingState.SCHEDULED, MANAGERS),
    ("hold", MeetingState.INVITED, MANAGERS),
]


def _users(world: World, c: Committees) -> dict[str, User]:
    return {
        **{role: world.users[role] for role in ROLES if role in world.users},
        CLERK: clerk_of(world, c.council),
        OTHER_CLERK: clerk_of(world, c.main),
        OTHER_BODY: user_with_role(BodyFactory(key="anderswo"), Role.COMMITTEE_SECRETARY),
    }


def _step_in(world: World, c: Committees, state: str) -> tuple[ConsultationStep, AgendaItem | None]:
    paper = paper_build(world, [(c.council, DECISION)])
    (step,) = steps_of(paper)
    if state == StepState.PLANNED:
        return step, None
    item = schedule(world, step, meeting_build(world, c.council, days=-1))
    if state == StepState.RECORDED:
        record(clerk_of(world, c.council), item, StepResult.DECIDED)
    return ConsultationStep.objects.get(pk=step.pk), item


def _act(action: str, user: User, world: World, c: Committees) -> Callable[[], object]:
    state = next(s for a, s, _ in EXPECTED if a == action)
    step, item = _step_in(world, c, state)
    if action == "schedule":
        meeting = meeting_build(world, c.council, days=4)
        return lambda: step_schedule(acting_user=user, step=step, meeting=meeting)
    if action == "unschedule":
        return lambda: step_unschedule(acting_user=user, step=step, reason="Nicht beratungsreif")
    if action == "reopen":
        return lambda: step_reopen(acting_user=user, step=step, reason="Tippfehler")
    assert item is not None
    result = StepResult.DECIDED if action == "record" else StepResult.DEFERRED
    return lambda: agenda_item_result_record(acting_user=user, item=item, result=result)


@pytest.mark.parametrize(
    ("action", "role", "allowed"),
    [
        pytest.param(action, role, role in allowed, id=f"{action}-{role}")
        for action, _state, allowed in EXPECTED
        for role in ROLES
    ],
)
def test_step_cell(action: str, role: str, allowed: bool) -> None:
    world = build_world()
    c = committees_build(world)
    user = _users(world, c)[role]
    act = _act(action, user, world, c)
    before = list(ConsultationStep.objects.values_list("pk", "state", "result"))
    items_before = list(AgendaItem.objects.values_list("pk", "result", "deleted"))
    if allowed:
        act()
        assert list(ConsultationStep.objects.values_list("pk", "state", "result")) != before
        return
    with pytest.raises((CouncilError, TransitionNotPermitted)) as refused:
        act()
    assert getattr(refused.value, "status", 403) == 403
    assert list(ConsultationStep.objects.values_list("pk", "state", "result")) == before
    assert list(AgendaItem.objects.values_list("pk", "result", "deleted")) == items_before


@pytest.mark.parametrize(
    ("transition", "role", "allowed"),
    [
        pytest.param(name, role, role in allowed, id=f"{name}-{role}")
        for name, _state, allowed in MEETING_EXPECTED
        for role in ROLES
    ],
)
def test_meeting_cell(transition: str, role: str, allowed: bool) -> None:
    world = build_world()
    c = committees_build(world)
    user = _users(world, c)[role]
    meeting = meeting_build(world, c.council, days=-1)
    source = next(s for n, s, _ in MEETING_EXPECTED if n == transition)
    if source == MeetingState.INVITED:
        transition_fire(acting_user=world.users[OFFICE], obj=meeting, transition="invite")
    if allowed:
        transition_fire(acting_user=user, obj=meeting, transition=transition, comment="Grund")
        assert Meeting.objects.get(pk=meeting.pk).state != source
        return
    with pytest.raises(TransitionNotPermitted):
        transition_fire(acting_user=user, obj=meeting, transition=transition, comment="Grund")
    assert Meeting.objects.get(pk=meeting.pk).state == source
