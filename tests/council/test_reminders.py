"""A step on an agenda reminds its committee's secretaries to record the result.

The deadline opens when the step is scheduled, is due two working days after the meeting,
closes when the result is recorded or deferred and is cancelled when the step leaves the
agenda; the sweep reminds the committee's secretaries (and only them) once per slot and
escalates like any other task.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from notifications.models import (
    Audience,
    Deadline,
    DeadlineState,
    Notification,
    NotificationKind,
    Reminder,
    ReminderKind,
    TaskKind,
)
from notifications.services.deadlines import deadlines_of, end_of_day
from notifications.services.sweep import deadline_sweep
from planning_cycle.models import Role, User
from tests.support.council import (
    DECISION,
    PRE,
    Committees,
    clerk_of,
    committees_build,
    meeting_build,
    office,
    paper_build,
    record,
    schedule,
    steps_of,
)
from tests.support.notifications import ReminderPolicyFactory
from tests.support.world import World, build_world
from workflows.council.models import ConsultationStep, Meeting
from workflows.council.services.results import step_unschedule
from workflows.council.states import StepResult, StepState
from workflows.services.transitions import transition_fire

BERLIN = ZoneInfo("Europe/Berlin")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


# Monday 1 June 2026; the main committee meets on Wednesday 10 June, so the result is
# due on Friday 12 June: the reminder one day before goes out on Thursday 11 June at
# 08:00, the first escalation on Monday 15 June (the 13th is a Saturday).
START = local(2026, 6, 1, 9)
MEETING_DAYS = 9
DUE = dt.date(2026, 6, 12)
REMINDER_AT = local(2026, 6, 11, 8)
ESCALATION_AT = local(2026, 6, 15, 8)


def at(when: dt.datetime, action: Any, *args: Any, **kwargs: Any) -> Any:
    with time_machine.travel(when, tick=False):
        return action(*args, **kwargs)


class Setting:
    """The world, its committees, a paper and the main committee's step on an agenda."""

    def __init__(self) -> None:
        self.world: World = build_world()
        ReminderPolicyFactory(body=self.world.body, reminder_days=[1])
        self.c: Committees = committees_build(self.world)
        self.clerk: User = clerk_of(self.world, self.c.main)
        # The world's own secretary holds the role on the council, not on the main committee.
        self.council_clerk: User = self.world.users[Role.COMMITTEE_CLERK]
        self.paper = paper_build(self.world, [(self.c.main, PRE), (self.c.council, DECISION)])
        self.step, self.council_step = steps_of(self.paper)
        self.meeting: Meeting = meeting_build(self.world, self.c.main, days=MEETING_DAYS)
        self.item = schedule(self.world, self.step, self.meeting)

    def deadlines(self) -> list[Deadline]:
        return list(deadlines_of([self.step]).filter(kind=TaskKind.RESULT_RECORD))


@pytest.fixture
def setting(db: None) -> Setting:
    return at(START, Setting)


def reminded(kind: str = NotificationKind.REMINDER) -> set[int]:
    """Return who was told of a result to record (the world's cycle has tasks of its own)."""
    return set(
        Notification.objects.filter(kind=kind, deadline__kind=TaskKind.RESULT_RECORD).values_list(
            "recipient_id", flat=True
        )
    )


def sent(kind: str) -> int:
    return Reminder.objects.filter(kind=kind, deadline__kind=TaskKind.RESULT_RECORD).count()


def test_scheduling_opens_the_committee_task_due_two_working_days_after_the_meeting(
    setting: Setting,
) -> None:
    (deadline,) = setting.deadlines()
    assert deadline.state == DeadlineState.OPEN
    assert deadline.audience == Audience.COMMITTEE
    assert deadline.committee_id == setting.c.main.pk
    assert deadline.due_at == end_of_day(DUE)
    # The council's step is not on an agenda: no task for it.
    assert not deadlines_of([setting.council_step]).exists()


def test_a_meeting_before_a_weekend_is_due_after_it(setting: Setting) -> None:
    # Thursday 4 June: Friday and Monday are the two working days.
    thursday = at(START, meeting_build, setting.world, setting.c.council, days=3)
    at(START, schedule, setting.world, setting.council_step, thursday)
    (deadline,) = deadlines_of([setting.council_step])
    assert deadline.due_at == end_of_day(dt.date(2026, 6, 8))
    assert deadline.committee_id == setting.c.council.pk


def test_the_reminder_reaches_the_committees_secretary_only_and_once(
    setting: Setting,
) -> None:
    at(REMINDER_AT - dt.timedelta(minutes=1), deadline_sweep)
    assert sent(ReminderKind.REMINDER) == 0
    at(REMINDER_AT, deadline_sweep)
    assert sent(ReminderKind.REMINDER) == 1
    assert reminded() == {setting.clerk.pk}
    # Another sweep, later that day: nothing is sent twice.
    at(REMINDER_AT + dt.timedelta(hours=3), deadline_sweep)
    assert sent(ReminderKind.REMINDER) == 1
    assert (
        Notification.objects.filter(
            kind=NotificationKind.REMINDER, deadline__kind=TaskKind.RESULT_RECORD
        ).count()
        == 1
    )
    assert setting.council_clerk.pk not in reminded()
    assert office(setting.world).pk not in reminded()


def test_the_secretary_sees_the_task_and_others_do_not(setting: Setting, client: Client) -> None:
    client.force_login(setting.clerk)
    page = client.get("/aufgaben/")
    assert page.status_code == 200
    assert "Beratungsergebnis erfassen" in page.content.decode()
    client.force_login(setting.council_clerk)
    assert "Beratungsergebnis erfassen" not in client.get("/aufgaben/").content.decode()


def test_recording_the_result_closes_the_task(setting: Setting) -> None:
    meeting_evening = local(2026, 6, 10, 20)
    step = at(meeting_evening, record, setting.clerk, setting.item, StepResult.RECOMMENDED)
    assert step.state == StepState.RECORDED
    (deadline,) = setting.deadlines()
    assert deadline.state == DeadlineState.DONE
    at(ESCALATION_AT, deadline_sweep)
    assert sent(ReminderKind.REMINDER) == sent(ReminderKind.ESCALATION) == 0
    assert reminded() == set()
    assert reminded(NotificationKind.ESCALATION) == set()


def test_a_deferral_closes_the_task_and_the_next_agenda_opens_another(
    setting: Setting,
) -> None:
    at(local(2026, 6, 10, 20), record, setting.clerk, setting.item, StepResult.DEFERRED)
    (deadline,) = setting.deadlines()
    assert deadline.state == DeadlineState.DONE
    later = at(START, meeting_build, setting.world, setting.c.main, days=MEETING_DAYS + 14)
    step = ConsultationStep.objects.get(pk=setting.step.pk)
    at(local(2026, 6, 11, 9), schedule, setting.world, step, later)
    states = sorted(d.state for d in setting.deadlines())
    assert states == [DeadlineState.DONE, DeadlineState.OPEN]


def test_taking_the_paper_off_the_agenda_cancels_the_task(setting: Setting) -> None:
    at(
        local(2026, 6, 2, 9),
        step_unschedule,
        acting_user=office(setting.world),
        step=setting.step,
        reason="Die Vorlage ist noch nicht fertig.",
    )
    (deadline,) = setting.deadlines()
    assert deadline.state == DeadlineState.CANCELLED
    at(REMINDER_AT, deadline_sweep)
    assert sent(ReminderKind.REMINDER) == 0


def test_a_cancelled_meeting_cancels_the_task(setting: Setting) -> None:
    at(
        local(2026, 6, 2, 9),
        transition_fire,
        acting_user=office(setting.world),
        obj=setting.meeting,
        transition="cancel",
        comment="Beschlussunfähig.",
    )
    (deadline,) = setting.deadlines()
    assert deadline.state == DeadlineState.CANCELLED


def test_a_missing_result_escalates_like_any_other_task(setting: Setting) -> None:
    at(ESCALATION_AT, deadline_sweep)
    assert sent(ReminderKind.ESCALATION) == 1
    users = setting.world.users
    assert reminded(NotificationKind.ESCALATION) == {
        setting.clerk.pk,
        users[Role.MANAGEMENT].pk,
        users[Role.STRATEGY_UNIT].pk,
        # The council office chases the committees' results.
        users[Role.COMMITTEE_SECRETARY].pk,
    }
    at(ESCALATION_AT + dt.timedelta(hours=1), deadline_sweep)
    assert sent(ReminderKind.ESCALATION) == 1


def test_a_moved_meeting_moves_the_results_due_date(setting: Setting) -> None:
    from workflows.council.services.meetings import meeting_update

    # From Wednesday 10 June to Wednesday 17 June: due Friday 19 June instead of the 12th.
    later = setting.meeting.start + dt.timedelta(days=7)
    at(
        START,
        meeting_update,
        acting_user=office(setting.world),
        meeting=setting.meeting,
        name=setting.meeting.name,
        start=later,
    )
    (deadline,) = setting.deadlines()
    assert (deadline.state, deadline.due_at) == (
        DeadlineState.OPEN,
        end_of_day(dt.date(2026, 6, 19)),
    )
    # No reminder on the old date; the one day before the new one comes.
    at(REMINDER_AT, deadline_sweep)
    assert sent(ReminderKind.REMINDER) == 0
    at(local(2026, 6, 18, 8), deadline_sweep)
    assert reminded() == {setting.clerk.pk}
