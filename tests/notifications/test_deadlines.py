"""Deadlines open and close with the tasks they stand for; management extends them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import (
    Audience,
    Deadline,
    DeadlineExtension,
    DeadlineState,
    ReminderPolicy,
    TaskKind,
)
from notifications.services.deadlines import (
    DeadlineError,
    DeadlineNotPermitted,
    deadline_extend,
    deadlines_of,
    end_of_day,
)
from planning_cycle.models import Phase, PlanningCycle, Role
from tests.support.workflows import operative_goal, walk
from tests.support.world import World
from workflows.agreements.services import agreement_propose
from workflows.models import DepartmentReview, GoalAgreement
from workflows.services.transitions import TransitionBlocked, transition_fire

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def open_deadlines(obj: object) -> list[Deadline]:
    return list(deadlines_of([obj]).filter(state=DeadlineState.OPEN))  # type: ignore[list-item]


def review(world: World) -> DepartmentReview:
    return DepartmentReview.objects.get(cycle=world.cycle, department=world.department)


def test_a_new_cycle_opens_each_departments_review_and_plan_deadline(world: World) -> None:
    deadlines = Deadline.objects.filter(cycle=world.cycle)
    assert deadlines.count() == 2 * len(world.departments)
    submit = deadlines.get(kind=TaskKind.REVIEW_SUBMIT, department=world.department)
    # Kreis Soest's calendar: the goal review ends on 30 April, due by the end of that day.
    assert submit.due_at == dt.datetime(2026, 4, 30, 23, 59, tzinfo=BERLIN)
    assert submit.audience == Audience.DEPARTMENT
    assert submit.url_path == f"/zielbilanzierungen/{review(world).pk}/"
    assert submit.next_check_at is not None  # the next sweep computes its reminders
    plan = deadlines.get(kind=TaskKind.PLAN_SUBMIT, department=world.department)
    assert plan.due_at == dt.datetime(2026, 11, 30, 23, 59, tzinfo=BERLIN)


@time_machine.travel(dt.datetime(2026, 4, 10, 9, 0, tzinfo=BERLIN), tick=False)
def test_submitting_closes_the_departments_task_and_opens_managements_decision(
    world: World,
) -> None:
    obj = review(world)
    [before] = open_deadlines(obj)

    transition_fire(acting_user=world.users["department_head"], obj=obj, transition="submit")

    before.refresh_from_db()
    assert before.state == DeadlineState.DONE
    assert before.closed_at == timezone.now()
    assert before.next_check_at is None
    [decide] = open_deadlines(obj)
    assert decide.kind == TaskKind.REVIEW_DECIDE
    assert decide.audience == Audience.MANAGEMENT
    # The default decision period: 14 days after submission, to the end of that day.
    assert decide.due_at == dt.datetime(2026, 4, 24, 23, 59, tzinfo=BERLIN)


@time_machine.travel(dt.datetime(2026, 4, 10, 9, 0, tzinfo=BERLIN), tick=False)
def test_the_decision_period_comes_from_the_bodys_policy(world: World) -> None:
    ReminderPolicy.objects.create(body=world.body, decision_days=5)
    obj = review(world)

    transition_fire(acting_user=world.users["department_head"], obj=obj, transition="submit")

    [decide] = open_deadlines(obj)
    assert decide.due_at == dt.datetime(2026, 4, 15, 23, 59, tzinfo=BERLIN)


def test_return_reopens_the_departments_task_and_acceptance_ends_all(world: World) -> None:
    obj = review(world)
    head, management = world.users["department_head"], world.users["management"]

    transition_fire(acting_user=head, obj=obj, transition="submit")
    transition_fire(acting_user=management, obj=obj, transition="return_", comment="Bitte KPI")
    assert [d.kind for d in open_deadlines(obj)] == [TaskKind.REVIEW_SUBMIT]
    transition_fire(acting_user=head, obj=obj, transition="submit")
    transition_fire(acting_user=management, obj=obj, transition="accept")

    assert open_deadlines(obj) == []
    history = list(deadlines_of([obj]).order_by("opened_at", "id").values_list("kind", "state"))
    assert history == [
        (TaskKind.REVIEW_SUBMIT, DeadlineState.DONE),
        (TaskKind.REVIEW_DECIDE, DeadlineState.DONE),
        (TaskKind.REVIEW_SUBMIT, DeadlineState.DONE),
        (TaskKind.REVIEW_DECIDE, DeadlineState.DONE),
    ]


def test_a_refused_transition_leaves_the_deadlines_as_they_were(world: World) -> None:
    obj = review(world)
    walk(world.cycle, Phase.FRAMEWORK, world.users)  # submitting needs the goal-review phase
    before = list(deadlines_of([obj]).values_list("pk", "state", "closed_at"))

    with pytest.raises(TransitionBlocked):
        transition_fire(acting_user=world.users["department_head"], obj=obj, transition="submit")

    assert list(deadlines_of([obj]).values_list("pk", "state", "closed_at")) == before


def test_a_proposed_agreement_is_due_when_the_retreat_preparation_ends(world: World) -> None:
    goal = operative_goal(world.body)
    agreement = agreement_propose(
        acting_user=world.users["department_head"],
        cycle=world.cycle,
        operative_goal=goal,
        department=world.department,
    )

    [submit] = open_deadlines(agreement)
    assert submit.kind == TaskKind.AGREEMENT_SUBMIT
    assert submit.due_at == dt.datetime(2026, 5, 31, 23, 59, tzinfo=BERLIN)

    transition_fire(
        acting_user=world.users["management"],
        obj=agreement,
        transition="withdraw",
        comment="Ziel entfällt",
    )
    submit.refresh_from_db()
    assert submit.state == DeadlineState.CANCELLED
    assert open_deadlines(agreement) == []


def test_closing_the_cycle_cancels_its_open_deadlines_and_opens_the_carried_ones(
    world: World,
) -> None:
    goal = operative_goal(world.body)
    agreement = agreement_propose(
        acting_user=world.users["department_head"],
        cycle=world.cycle,
        operative_goal=goal,
        department=world.department,
    )
    cycle = walk(world.cycle, Phase.BUDGET_RESOLUTION, world.users)
    transition_fire(
        acting_user=world.users["management"],
        obj=cycle,
        transition="close",
        override_reason="Haushaltsbeschluss liegt vor (Vorlage außerhalb des Tests)",
    )

    assert not Deadline.objects.filter(cycle=world.cycle, state=DeadlineState.OPEN).exists()
    assert (
        Deadline.objects.get(
            content_type=ContentType.objects.get_for_model(GoalAgreement), object_id=agreement.pk
        ).state
        == DeadlineState.CANCELLED
    )
    nxt = PlanningCycle.objects.get(body=world.body, year=world.cycle.year + 1)
    copy = GoalAgreement.objects.get(cycle=nxt, carried_over_from=agreement)
    [carried] = open_deadlines(copy)
    assert carried.kind == TaskKind.AGREEMENT_SUBMIT
    assert carried.due_at == dt.datetime(2027, 5, 31, 23, 59, tzinfo=BERLIN)
    # The next cycle's reviews and plans are open tasks too.
    assert Deadline.objects.filter(cycle=nxt, kind=TaskKind.REVIEW_SUBMIT).count() == 3


def test_a_task_cannot_be_open_twice(world: World) -> None:
    [submit] = open_deadlines(review(world))
    submit.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        submit.save()


# --- extension ----------------------------------------------------------------------------

NOW = dt.datetime(2026, 4, 20, 10, 0, tzinfo=BERLIN)
LATER = end_of_day(dt.date(2026, 5, 15))


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("state", ["open", "done"])
@time_machine.travel(NOW, tick=False)
def test_who_may_extend_a_deadline_in_which_state(world: World, role: str, state: str) -> None:
    """Only management extends, and only open deadlines; every refusal changes nothing."""
    obj = review(world)
    [deadline] = open_deadlines(obj)
    if state == "done":
        transition_fire(acting_user=world.users["department_head"], obj=obj, transition="submit")
        deadline.refresh_from_db()
    user = world.users[role]

    if role != Role.MANAGEMENT:
        with pytest.raises(DeadlineNotPermitted):
            deadline_extend(acting_user=user, deadline=deadline, new_due_at=LATER, reason="Grund")
    elif state == "done":
        with pytest.raises(DeadlineError, match="bereits erledigt"):
            deadline_extend(acting_user=user, deadline=deadline, new_due_at=LATER, reason="Grund")
    else:
        extension = deadline_extend(
            acting_user=user, deadline=deadline, new_due_at=LATER, reason="Personalausfall"
        )
        assert extension.previous_due_at == end_of_day(dt.date(2026, 4, 30))
        assert extension.actor == user
    deadline.refresh_from_db()
    extended = role == Role.MANAGEMENT and state == "open"
    assert DeadlineExtension.objects.count() == (1 if extended else 0)
    assert deadline.due_at == (LATER if extended else end_of_day(dt.date(2026, 4, 30)))


@time_machine.travel(NOW, tick=False)
def test_an_extension_restarts_the_reminders_of_the_new_due_time(world: World) -> None:
    [deadline] = open_deadlines(review(world))
    Deadline.objects.filter(pk=deadline.pk).update(
        last_slot_at=NOW - dt.timedelta(days=1), next_check_at=NOW + dt.timedelta(days=9)
    )
    deadline.refresh_from_db()

    deadline_extend(
        acting_user=world.users["management"], deadline=deadline, new_due_at=LATER, reason="Grund"
    )

    deadline.refresh_from_db()
    assert deadline.last_slot_at is None
    assert deadline.next_check_at == NOW


@pytest.mark.parametrize(
    ("new_due_at", "reason", "message"),
    [
        (end_of_day(dt.date(2026, 4, 30)), "Grund", "nach der bisherigen"),
        (end_of_day(dt.date(2026, 4, 1)), "Grund", "nach der bisherigen"),
        (LATER, "   ", "begründen"),
        (LATER, "x" * 2001, "zu lang"),
        (LATER, "a\x00b", "Steuerzeichen"),
        (end_of_day(dt.date(2029, 5, 1)), "Grund", "höchstens drei Jahre"),
        (end_of_day(dt.date(9999, 12, 31)), "Grund", "höchstens drei Jahre"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_a_bad_extension_is_refused_with_a_clear_message(
    world: World, new_due_at: dt.datetime, reason: str, message: str
) -> None:
    [deadline] = open_deadlines(review(world))

    with pytest.raises(DeadlineError, match=message):
        deadline_extend(
            acting_user=world.users["management"],
            deadline=deadline,
            new_due_at=new_due_at,
            reason=reason,
        )

    assert DeadlineExtension.objects.count() == 0
    deadline.refresh_from_db()
    assert deadline.due_at == end_of_day(dt.date(2026, 4, 30))


@time_machine.travel(dt.datetime(2026, 5, 20, 10, 0, tzinfo=BERLIN), tick=False)
def test_an_overdue_deadline_cannot_be_extended_into_the_past(world: World) -> None:
    [deadline] = open_deadlines(review(world))

    with pytest.raises(DeadlineError, match="in der Zukunft"):
        deadline_extend(
            acting_user=world.users["management"],
            deadline=deadline,
            new_due_at=end_of_day(dt.date(2026, 5, 10)),
            reason="Grund",
        )


def test_management_of_another_body_cannot_extend(world: World) -> None:
    from tests.support.world import build_world

    other = build_world(key="andere-kommune")
    [deadline] = open_deadlines(review(world))

    with pytest.raises(DeadlineNotPermitted):
        deadline_extend(
            acting_user=other.users["management"],
            deadline=deadline,
            new_due_at=LATER,
            reason="Grund",
        )


def test_leaving_a_phase_cancels_the_tasks_that_can_only_be_done_in_it(world: World) -> None:
    """Management closes the goal review with reviews missing: nobody is chased for them."""
    submitted = review(world)
    transition_fire(acting_user=world.users["department_head"], obj=submitted, transition="submit")

    walk(world.cycle, Phase.FRAMEWORK, world.users)  # overriding the missing reviews

    open_kinds = set(
        Deadline.objects.filter(cycle=world.cycle, state=DeadlineState.OPEN).values_list(
            "kind", flat=True
        )
    )
    assert open_kinds == {TaskKind.PLAN_SUBMIT}
    cancelled = Deadline.objects.filter(cycle=world.cycle, state=DeadlineState.CANCELLED)
    assert sorted(cancelled.values_list("kind", flat=True)) == [
        TaskKind.REVIEW_DECIDE,
        TaskKind.REVIEW_SUBMIT,
        TaskKind.REVIEW_SUBMIT,
    ]

    walk(world.cycle, Phase.BUDGET_INTRODUCTION, world.users)

    assert not Deadline.objects.filter(cycle=world.cycle, state=DeadlineState.OPEN).exists()
