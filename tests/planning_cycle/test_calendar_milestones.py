"""Milestones of a cycle's calendar open deadlines like a phase: reminded, escalated, closed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from notifications.ical import calendar_build
from notifications.models import (
    Audience,
    Deadline,
    DeadlineState,
    Notification,
    NotificationKind,
    TaskKind,
)
from notifications.selectors import deadlines_for_user, milestones_for_user
from notifications.services.milestones import MilestoneNotPermitted, milestone_done
from notifications.services.sweep import deadline_sweep
from planning_cycle.models import CycleMilestone, Phase, PlanningCycle, User
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.calendar import CalendarSpec, MilestoneSpec
from planning_cycle.services.cycles import cycle_create
from tests.support.world import World
from workflows.services.transitions import transition_fire

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
CREATED = dt.datetime(2027, 8, 20, 9, tzinfo=BERLIN)
DUE = dt.date(2027, 9, 15)  # a Wednesday
SLOT_14 = dt.datetime(2027, 9, 1, 8, tzinfo=BERLIN)
SLOT_1 = dt.datetime(2027, 9, 14, 8, tzinfo=BERLIN)
ESCALATION = dt.datetime(2027, 9, 16, 8, tzinfo=BERLIN)

MILESTONES = (
    MilestoneSpec("Zwischenbericht I", "interim_report", DUE, "council_office", Phase.PLANNING),
    MilestoneSpec("Budgetanmeldung vorbereiten", "preparation", DUE, "departments"),
    MilestoneSpec("Kennzahlen sichten", "other", DUE, "strategy_unit"),
)


@pytest.fixture
def cycle(world: World) -> PlanningCycle:
    with time_machine.travel(CREATED, tick=False):
        return cycle_create(
            acting_user=SYSTEM,
            body=world.body,
            year=2027,
            calendar=CalendarSpec(milestones=MILESTONES),
        )


def deadline_of(title: str) -> Deadline:
    milestone = CycleMilestone.objects.get(title=title)
    return Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(CycleMilestone), object_id=milestone.pk
    )


def told(user: User, kind: str) -> list[str]:
    """Name the milestone tasks the user was notified of (of this kind)."""
    notifications = Notification.objects.filter(
        recipient=user, kind=kind, deadline__kind__startswith="milestone_"
    ).select_related("deadline")
    return sorted(str(n.deadline.get_kind_display()) for n in notifications)


def sweep_at(when: dt.datetime) -> None:
    with time_machine.travel(when, tick=False):
        deadline_sweep()


def test_each_milestone_opens_a_deadline_for_its_audience(cycle: PlanningCycle) -> None:
    rows = {
        d.kind: d
        for d in Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(CycleMilestone)
        )
    }
    assert set(rows) == {
        TaskKind.MILESTONE_INTERIM_REPORT,
        TaskKind.MILESTONE_PREPARATION,
        TaskKind.MILESTONE_OTHER,
    }
    report = rows[TaskKind.MILESTONE_INTERIM_REPORT]
    assert report.audience == Audience.COUNCIL_OFFICE
    assert report.cycle_id == cycle.pk
    assert report.state == DeadlineState.OPEN
    assert report.due_at == dt.datetime(2027, 9, 15, 23, 59, tzinfo=BERLIN)
    assert report.url_path == f"/zyklen/{cycle.pk}/#termine"
    assert rows[TaskKind.MILESTONE_PREPARATION].audience == Audience.DEPARTMENTS
    assert rows[TaskKind.MILESTONE_OTHER].audience == Audience.STRATEGY_UNIT


def test_the_audience_sees_the_task_and_nobody_else(world: World, cycle: PlanningCycle) -> None:
    def kinds(role: str) -> set[str]:
        return {d.kind for d in deadlines_for_user(world.users[role]) if d.cycle_id == cycle.pk}

    milestone_kinds = {
        TaskKind.MILESTONE_INTERIM_REPORT,
        TaskKind.MILESTONE_PREPARATION,
        TaskKind.MILESTONE_OTHER,
    }
    assert kinds("committee_secretary") & milestone_kinds == {TaskKind.MILESTONE_INTERIM_REPORT}
    assert kinds("department_head") & milestone_kinds == {TaskKind.MILESTONE_PREPARATION}
    assert kinds("other_department_head") & milestone_kinds == {TaskKind.MILESTONE_PREPARATION}
    assert kinds("department_editor") & milestone_kinds == {TaskKind.MILESTONE_PREPARATION}
    assert kinds("strategy_unit") & milestone_kinds == {TaskKind.MILESTONE_OTHER}
    assert kinds("council_member") & milestone_kinds == set()
    assert kinds("management") & milestone_kinds == set()


def test_reminders_go_to_the_audience_before_the_date(world: World, cycle: PlanningCycle) -> None:
    sweep_at(CREATED)
    sweep_at(SLOT_14 - dt.timedelta(minutes=1))
    assert told(world.users["committee_secretary"], NotificationKind.REMINDER) == []

    sweep_at(SLOT_14)
    assert told(world.users["committee_secretary"], NotificationKind.REMINDER) == [
        "Zwischenbericht an den Rat"
    ]
    for role in ("department_head", "other_department_head", "department_editor"):
        assert told(world.users[role], NotificationKind.REMINDER) == [
            "Vorbereitungsschritt erledigen"
        ], role
    assert told(world.users["strategy_unit"], NotificationKind.REMINDER) == [
        "Termin im Jahreskalender"
    ]
    assert told(world.users["council_member"], NotificationKind.REMINDER) == []

    sweep_at(SLOT_14 + dt.timedelta(hours=1))  # once per slot
    assert len(told(world.users["committee_secretary"], NotificationKind.REMINDER)) == 1


def test_an_overdue_milestone_escalates_to_management(world: World, cycle: PlanningCycle) -> None:
    sweep_at(SLOT_1)
    sweep_at(ESCALATION - dt.timedelta(minutes=1))
    assert told(world.users["management"], NotificationKind.ESCALATION) == []

    sweep_at(ESCALATION)

    assert len(told(world.users["management"], NotificationKind.ESCALATION)) == 3
    assert "Zwischenbericht an den Rat" in told(
        world.users["committee_secretary"], NotificationKind.ESCALATION
    )


def test_a_milestone_marked_done_is_not_reminded(world: World, cycle: PlanningCycle) -> None:
    milestone = CycleMilestone.objects.get(title="Zwischenbericht I")
    with time_machine.travel(SLOT_14 - dt.timedelta(days=1), tick=False):
        milestone_done(acting_user=world.users["management"], milestone=milestone)
        milestone_done(acting_user=world.users["management"], milestone=milestone)  # twice: ok

    sweep_at(SLOT_14)
    sweep_at(ESCALATION)

    assert deadline_of("Zwischenbericht I").state == DeadlineState.DONE
    assert told(world.users["committee_secretary"], NotificationKind.REMINDER) == []
    milestone.refresh_from_db()
    assert milestone.done_at is not None


def test_only_management_marks_a_milestone_done(world: World, cycle: PlanningCycle) -> None:
    milestone = CycleMilestone.objects.get(title="Zwischenbericht I")
    with pytest.raises(MilestoneNotPermitted):
        milestone_done(acting_user=world.users["department_head"], milestone=milestone)
    assert deadline_of("Zwischenbericht I").state == DeadlineState.OPEN


def test_closing_the_cycle_cancels_its_milestones(world: World, cycle: PlanningCycle) -> None:
    PlanningCycle.objects.filter(pk=cycle.pk).update(phase=Phase.BUDGET_RESOLUTION)
    transition_fire(
        acting_user=world.users["management"],
        obj=PlanningCycle.objects.get(pk=cycle.pk),
        transition="close",
        override_reason="Beschluss liegt vor",
    )
    assert deadline_of("Kennzahlen sichten").state == DeadlineState.CANCELLED


def test_the_calendar_feed_lists_the_milestones(world: World, cycle: PlanningCycle) -> None:
    user = world.users["council_member"]
    feed = calendar_build(
        deadlines=[],
        phase_dates=[],
        milestones=milestones_for_user(user),
        site_url="https://planung.example",
        reader=user,
    ).decode()
    assert "Zwischenbericht I (Planungszyklus 2027)" in feed
    assert "DTSTART;VALUE=DATE:20270915" in feed
    assert f"https://planung.example/zyklen/{cycle.pk}/" in feed
