"""A paper's consultation sequence: deferral and resumption, referral, parts, resolution."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.support.council import (
    DECISION,
    PRE,
    clerk_of,
    committees_build,
    meeting_build,
    office,
    paper_build,
    record,
    schedule,
    steps_of,
)
from tests.support.world import build_world
from workflows.council.models import AgendaItem, ConsultationStep, Paper
from workflows.council.services.base import CouncilError
from workflows.council.services.papers import step_add, step_remove
from workflows.council.services.results import (
    Referral,
    agenda_item_result_record,
    step_reopen,
    step_schedule,
)
from workflows.council.states import ResolutionStatus, StepResult, StepRole, StepState
from workflows.models import TransitionLog
from workflows.services.transitions import TransitionBlocked, transition_fire

pytestmark = pytest.mark.django_db


def _history(step: ConsultationStep) -> list[tuple[str, str, str]]:
    rows = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(ConsultationStep), object_id=step.pk
    ).order_by("id")
    return [(r.transition, r.source_state, r.target_state) for r in rows]


def test_a_deferral_plans_the_step_again_and_keeps_the_earlier_meeting() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.main, PRE), (c.council, DECISION)])
    main_step, _council_step = steps_of(paper)
    clerk = clerk_of(world, c.main)
    first = meeting_build(world, c.main, days=-14)
    first_item = schedule(world, main_step, first)

    step = record(clerk, first_item, StepResult.DEFERRED, comment="Beratungsbedarf der Fraktionen")

    assert step.state == StepState.PLANNED
    assert step.agenda_item is None and step.result == ""
    kept = AgendaItem.objects.get(pk=first_item.pk)
    assert (kept.result, kept.deleted, kept.step_id) == (StepResult.DEFERRED, False, step.pk)

    second = meeting_build(world, c.main, days=-7)
    second_item = schedule(world, step, second)
    step = record(clerk, second_item, StepResult.RECOMMENDED, resolution_text="Empfehlung")

    assert step.state == StepState.RECORDED
    assert (step.result, step.result_date) == (StepResult.RECOMMENDED, second.date)
    assert _history(step) == [
        ("schedule", "planned", "scheduled"),
        ("defer", "scheduled", "planned"),
        ("schedule", "planned", "scheduled"),
        ("record", "scheduled", "recorded"),
    ]
    # Both meetings stay on the paper's record, each with its own result.
    items = AgendaItem.objects.filter(step=step).order_by("meeting__start")
    assert [(i.meeting_id, i.result) for i in items] == [
        (first.pk, StepResult.DEFERRED),
        (second.pk, StepResult.RECOMMENDED),
    ]
    assert Paper.objects.get(pk=paper.pk).resolution_status == ResolutionStatus.PENDING


def test_a_referral_adds_a_step_right_after_the_referring_one() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.main, PRE), (c.council, DECISION)])
    main_step, council_step = steps_of(paper)
    item = schedule(world, main_step, meeting_build(world, c.main, days=-3))

    record(
        clerk_of(world, c.main),
        item,
        StepResult.RECOMMENDED,
        referrals=[Referral(committee=c.youth, role=StepRole.HEARING)],
    )

    steps = steps_of(paper)
    assert [(s.committee, s.role) for s in steps] == [
        (c.main, PRE),
        (c.youth, StepRole.HEARING),
        (c.council, DECISION),
    ]
    assert steps[1].referred_by_id == main_step.pk
    assert steps[1].state == StepState.PLANNED
    assert steps[2].pk == council_step.pk


def test_several_committees_decide_their_parts_and_the_paper_waits_for_all() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(
        world,
        [
            (c.social, DECISION, "Teil A: Seniorenarbeit"),
            (c.youth, DECISION, "Teil B: Jugendhilfe"),
        ],
    )
    social_step, youth_step = steps_of(paper)
    record(
        clerk_of(world, c.social),
        schedule(world, social_step, meeting_build(world, c.social, days=-5)),
        StepResult.DECIDED,
    )
    assert Paper.objects.get(pk=paper.pk).resolution_status == ResolutionStatus.PENDING

    youth_meeting = meeting_build(world, c.youth, days=-2)
    record(
        clerk_of(world, c.youth),
        schedule(world, youth_step, youth_meeting),
        StepResult.DECIDED_WITH_CHANGES,
    )
    paper = Paper.objects.get(pk=paper.pk)
    assert paper.resolution_status == ResolutionStatus.DECIDED_WITH_CHANGES
    assert paper.resolved_on == youth_meeting.date


def test_a_second_decision_on_the_same_part_is_refused_naming_the_part() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.council, DECISION)])
    with pytest.raises(CouncilError) as refused:
        step_add(acting_user=office(world), paper=paper, committee=c.main, role=DECISION)
    assert refused.value.field == "role"
    assert "Teil" in refused.value.message
    assert len(steps_of(paper)) == 1


def test_the_result_is_dated_the_meeting_day_and_needs_the_day_to_have_come() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.council, DECISION)])
    (step,) = steps_of(paper)
    coming = meeting_build(world, c.council, days=3)
    item = schedule(world, step, coming)
    with pytest.raises(TransitionBlocked) as blocked:
        record(clerk_of(world, c.council), item, StepResult.DECIDED)
    assert "noch nicht stattgefunden" in blocked.value.message
    # Nothing of the refused result stays behind.
    item.refresh_from_db()
    assert (item.result, item.recorded_at) == ("", None)
    assert ConsultationStep.objects.get(pk=step.pk).state == StepState.SCHEDULED


def test_a_double_submitted_result_is_a_conflict_and_the_first_stands() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.council, DECISION)])
    (step,) = steps_of(paper)
    item = schedule(world, step, meeting_build(world, c.council, days=-1))
    clerk = clerk_of(world, c.council)
    record(clerk, item, StepResult.DECIDED, votes_yes=40, votes_no=3, votes_abstain=2)
    with pytest.raises(CouncilError) as conflict:
        agenda_item_result_record(acting_user=clerk, item=item, result=StepResult.REJECTED)
    assert conflict.value.status == 409
    item.refresh_from_db()
    assert (item.result, item.votes_yes) == (StepResult.DECIDED, 40)


def test_incomplete_votes_are_refused_naming_the_field() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.council, DECISION)])
    (step,) = steps_of(paper)
    item = schedule(world, step, meeting_build(world, c.council, days=-1))
    with pytest.raises(CouncilError) as refused:
        agenda_item_result_record(
            acting_user=clerk_of(world, c.council),
            item=item,
            result=StepResult.DECIDED,
            votes_yes=5,
        )
    assert refused.value.field == "votes_yes"
    assert ConsultationStep.objects.get(pk=step.pk).state == StepState.SCHEDULED


def test_a_reopened_result_takes_the_paper_back_to_pending() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.council, DECISION)])
    (step,) = steps_of(paper)
    item = schedule(world, step, meeting_build(world, c.council, days=-1))
    record(clerk_of(world, c.council), item, StepResult.REJECTED)
    assert Paper.objects.get(pk=paper.pk).resolution_status == ResolutionStatus.REJECTED

    step_reopen(acting_user=office(world), step=step, reason="Falsches Ergebnis ausgewählt")

    paper = Paper.objects.get(pk=paper.pk)
    assert (paper.resolution_status, paper.resolved_on) == (ResolutionStatus.PENDING, None)
    assert ConsultationStep.objects.get(pk=step.pk).state == StepState.SCHEDULED


def test_a_cancelled_meeting_sends_its_papers_back_to_be_planned() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.main, PRE)])
    (step,) = steps_of(paper)
    meeting = meeting_build(world, c.main, days=5)
    schedule(world, step, meeting)

    transition_fire(
        acting_user=office(world), obj=meeting, transition="cancel", comment="Beschlussunfähig"
    )

    step = ConsultationStep.objects.get(pk=step.pk)
    assert (step.state, step.agenda_item) == (StepState.PLANNED, None)
    with pytest.raises(CouncilError) as refused:
        step_schedule(acting_user=office(world), step=step, meeting=meeting)
    assert refused.value.field == "meeting"


def test_a_step_that_was_on_an_agenda_cannot_be_removed() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.main, PRE), (c.youth, PRE)])
    main_step, youth_step = steps_of(paper)
    record(
        clerk_of(world, c.main),
        schedule(world, main_step, meeting_build(world, c.main, days=-2)),
        StepResult.DEFERRED,
    )
    with pytest.raises(CouncilError) as refused:
        step_remove(acting_user=office(world), step=main_step)
    assert refused.value.status == 409
    step_remove(acting_user=office(world), step=youth_step)
    assert [s.committee for s in steps_of(paper)] == [c.main]


def test_a_meeting_of_another_committee_is_refused() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.main, PRE)])
    (step,) = steps_of(paper)
    with pytest.raises(CouncilError) as refused:
        step_schedule(
            acting_user=office(world), step=step, meeting=meeting_build(world, c.youth, days=3)
        )
    assert refused.value.field == "meeting"
    assert ConsultationStep.objects.get(pk=step.pk).state == StepState.PLANNED
    assert not AgendaItem.objects.filter(step=step).exists()


def test_an_information_paper_is_noted_when_its_whole_sequence_has_taken_note() -> None:
    world = build_world()
    c = committees_build(world)
    paper = paper_build(world, [(c.social, PRE), (c.youth, PRE)], paper_type="information")
    social_step, youth_step = steps_of(paper)
    record(
        clerk_of(world, c.social),
        schedule(world, social_step, meeting_build(world, c.social, days=-9)),
        StepResult.NOTED,
    )
    assert Paper.objects.get(pk=paper.pk).resolution_status == ResolutionStatus.PENDING
    last = meeting_build(world, c.youth, days=-4)
    record(clerk_of(world, c.youth), schedule(world, youth_step, last), StepResult.NOTED)
    paper = Paper.objects.get(pk=paper.pk)
    assert (paper.resolution_status, paper.resolved_on) == (ResolutionStatus.NOTED, last.date)
