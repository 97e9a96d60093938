"""Random actions by random people on a paper's sequence, checked against a small model.

Each example builds a fresh world in a savepoint and rolls it back at its end. The model
knows who may do what from the issue (the council office schedules and corrects, only a
committee's own secretary records its results) and which meetings lie in the past.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from planning_cycle.models import Body, Role
from tests.support.council import (
    DECISION,
    PRE,
    clerk_of,
    committees_build,
    meeting_build,
    office,
    paper_build,
    steps_of,
)
from tests.support.world import build_world
from workflows.council.models import AgendaItem, ConsultationStep, Meeting, Paper
from workflows.council.services.base import CouncilError
from workflows.council.services.results import (
    agenda_item_result_record,
    step_reopen,
    step_schedule,
    step_unschedule,
)
from workflows.council.states import ResolutionStatus, StepResult, StepState
from workflows.services.transitions import TransitionError

OUTCOMES: Counter[str] = Counter()
USERS = ("office", "main_clerk", "council_clerk", "department_head")
RESULTS = (StepResult.RECOMMENDED, StepResult.DECIDED, StepResult.DEFERRED, StepResult.REJECTED)


@dataclass
class StepModel:
    committee: str
    state: str = StepState.PLANNED
    meeting: int | None = None
    result: str = ""
    meetings_held: list[int] = field(default_factory=list)


class SequenceMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            self._build()
        except BaseException:
            self.teardown()
            raise

    def _build(self) -> None:
        # The previous example was rolled back: nothing of it is left.
        assert not Body.objects.exists()
        world = build_world(key="steps", departments=2)
        c = committees_build(world)
        self.paper = paper_build(world, [(c.main, PRE), (c.council, DECISION)])
        self.steps = steps_of(self.paper)
        self.users = {
            "office": office(world),
            "main_clerk": clerk_of(world, c.main),
            "council_clerk": clerk_of(world, c.council),
            "department_head": world.users[Role.DEPARTMENT_HEAD],
        }
        self.meetings = {
            "main": [meeting_build(world, c.main, days=d) for d in (-3, 4)],
            "council": [meeting_build(world, c.council, days=d) for d in (-1, 6)],
        }
        self.model = [StepModel("main"), StepModel("council")]

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _past(self, meeting_id: int) -> bool:
        return any(
            m.pk == meeting_id and m.start < timezone.now()
            for ms in self.meetings.values()
            for m in ms
        )

    def _try(self, action: object, expected: bool) -> None:
        try:
            action()  # type: ignore[operator]
        except (CouncilError, TransitionError):
            OUTCOMES["refused"] += 1
            assert not expected, "a permitted action was refused"
            return
        OUTCOMES["done"] += 1
        assert expected, "a forbidden action went through"

    @rule(i=st.integers(0, 1), user=st.sampled_from(USERS), which=st.integers(0, 1))
    def schedule(self, i: int, user: str, which: int) -> None:
        m = self.model[i]
        meeting = self.meetings[m.committee][which]
        expected = (
            user == "office" and m.state == StepState.PLANNED and meeting.pk not in m.meetings_held
        )
        self._try(
            lambda: step_schedule(
                acting_user=self.users[user], step=self.steps[i], meeting=meeting
            ),
            expected,
        )
        if expected:
            m.state, m.meeting = StepState.SCHEDULED, meeting.pk

    @rule(i=st.integers(0, 1), user=st.sampled_from(USERS), result=st.sampled_from(RESULTS))
    def record(self, i: int, user: str, result: str) -> None:
        m = self.model[i]
        item = AgendaItem.objects.filter(step=self.steps[i], deleted=False).order_by("-id").first()
        if item is None:
            return
        clerk = "main_clerk" if m.committee == "main" else "council_clerk"
        expected = (
            user == clerk
            and m.state == StepState.SCHEDULED
            and item.meeting_id == m.meeting
            and self._past(item.meeting_id)
        )
        self._try(
            lambda: agenda_item_result_record(
                acting_user=self.users[user], item=item, result=result
            ),
            expected,
        )
        if expected:
            assert m.meeting is not None
            m.meetings_held.append(m.meeting)
            if result == StepResult.DEFERRED:
                m.state, m.meeting, m.result = StepState.PLANNED, None, ""
            else:
                m.state, m.result = StepState.RECORDED, result

    @rule(i=st.integers(0, 1), user=st.sampled_from(USERS))
    def unschedule(self, i: int, user: str) -> None:
        m = self.model[i]
        expected = user == "office" and m.state == StepState.SCHEDULED
        self._try(
            lambda: step_unschedule(
                acting_user=self.users[user], step=self.steps[i], reason="Grund"
            ),
            expected,
        )
        if expected:
            m.state, m.meeting = StepState.PLANNED, None

    @rule(i=st.integers(0, 1), user=st.sampled_from(USERS))
    def reopen(self, i: int, user: str) -> None:
        m = self.model[i]
        expected = user == "office" and m.state == StepState.RECORDED
        self._try(
            lambda: step_reopen(acting_user=self.users[user], step=self.steps[i], reason="Fehler"),
            expected,
        )
        if expected:
            assert m.meeting is not None
            m.meetings_held.remove(m.meeting)
            m.state, m.result = StepState.SCHEDULED, ""

    # What a user would plausibly click: the next step of a random step, by the person whose
    # task it is, so that runs get through whole sequences (the rules above draw anything).
    @rule(i=st.integers(0, 1), which=st.integers(0, 1), result=st.sampled_from(RESULTS))
    def plausible(self, i: int, which: int, result: str) -> None:
        m = self.model[i]
        if m.state == StepState.PLANNED:
            self.schedule(i, "office", which)
        elif m.state == StepState.SCHEDULED:
            self.record(i, "main_clerk" if m.committee == "main" else "council_clerk", result)
        else:
            self.reopen(i, "office")

    @invariant()
    def states_match_the_model(self) -> None:
        for step, m in zip(self.steps, self.model, strict=True):
            stored = ConsultationStep.objects.select_related("agenda_item").get(pk=step.pk)
            assert stored.state == m.state
            assert stored.result == m.result
            if m.state == StepState.RECORDED:
                meeting = Meeting.objects.get(pk=m.meeting)
                assert stored.result_date == meeting.date
            if m.state != StepState.PLANNED:
                assert stored.agenda_item is not None
                assert stored.agenda_item.meeting_id == m.meeting

    @invariant()
    def the_paper_follows_its_deciding_step(self) -> None:
        paper = Paper.objects.get(pk=self.paper.pk)
        deciding = self.model[1]
        expected = {
            StepResult.DECIDED: ResolutionStatus.DECIDED,
            StepResult.RECOMMENDED: ResolutionStatus.DECIDED,
            StepResult.REJECTED: ResolutionStatus.REJECTED,
        }.get(deciding.result, ResolutionStatus.PENDING)
        if deciding.state != StepState.RECORDED:
            expected = ResolutionStatus.PENDING
        assert paper.resolution_status == expected


@pytest.mark.django_db(transaction=False)
def test_random_actions_keep_the_sequence_consistent() -> None:
    OUTCOMES.clear()
    run_state_machine_as_test(
        SequenceMachine,
        settings=settings(
            max_examples=8,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    assert OUTCOMES["done"] >= 5 and OUTCOMES["refused"] >= 5, OUTCOMES
