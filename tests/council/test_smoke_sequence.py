"""A paper through its sequence: pre-deliberation, deferral, referral, decision."""

from __future__ import annotations

import pytest

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
from tests.support.world import build_world
from workflows.council.models import Paper
from workflows.council.states import ResolutionStatus, StepResult, StepState

pytestmark = pytest.mark.django_db


def test_sequence_with_deferral_and_referral() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.main, PRE), (c.council, DECISION)])
    assert paper.reference.endswith("/0001")
    main_step, council_step = steps_of(paper)
    past = meeting_build(world, c.main, days=-14)
    item = schedule(world, main_step, past)
    main_clerk = clerk_of(world, c.main)
    step = record(main_clerk, item, StepResult.DEFERRED)
    assert step.state == StepState.PLANNED
    later = meeting_build(world, c.main, days=-7)
    item2 = schedule(world, step, later)
    from tests.support.council import Committees  # noqa: F401
    from workflows.council.services.results import Referral

    step = record(
        main_clerk, item2, StepResult.RECOMMENDED, referrals=[Referral(committee=c.social)]
    )
    assert step.state == StepState.RECORDED
    assert step.result_date == later.date
    assert [s.committee for s in steps_of(paper)] == [c.main, c.social, c.council]
    council_meeting = meeting_build(world, c.council, days=-1)
    item3 = schedule(world, council_step, council_meeting)
    step = record(
        clerk_of(world, c.council),
        item3,
        StepResult.DECIDED,
        votes_yes=30,
        votes_no=2,
        votes_abstain=1,
    )
    paper = Paper.objects.get(pk=paper.pk)
    assert paper.resolution_status == ResolutionStatus.DECIDED
    assert paper.resolved_on == council_meeting.date
