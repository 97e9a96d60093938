"""Deadlines of consultation invitations: opened with the round, their people, the sweep."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from notifications.models import (
    Audience,
    Deadline,
    DeadlineState,
    Notification,
    NotificationKind,
    TaskKind,
)
from notifications.recipients import Invitee, recipients_for
from notifications.services.deadlines import end_of_day
from notifications.services.overdue import invitations_mark_overdue
from notifications.services.sweep import deadline_sweep
from planning_cycle.models import Organisation, Role, RoleAssignment
from planning_cycle.services.roles import SYSTEM, role_revoke
from tests.support.consultation import round_build, statement_draft
from tests.support.factories import user_with_role
from tests.support.world import World, build_world
from workflows.consultation.models import Evaluation, Invitation
from workflows.consultation.states import InvitationState
from workflows.models import TransitionLog
from workflows.registry import workflow_objects_created, workflow_of
from workflows.services.transitions import transition_fire

from .consultation_support import consultation_pages  # noqa: F401

pytestmark = pytest.mark.usefixtures("consultation_pages")

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 1 June 2026; the round's deadline is Friday 26 June.
START = dt.datetime(2026, 6, 1, 9, tzinfo=BERLIN)
DEADLINE = dt.date(2026, 6, 26)


@pytest.fixture
def world(db: None) -> World:
    with time_machine.travel(START, tick=False):
        return build_world()


def invitation_deadlines(invitations: list[Invitation]) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(Invitation),
            object_id__in=[i.pk for i in invitations],
        ).order_by("object_id")
    )


def opened(world: World):  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False):
        return round_build(world, deadline=DEADLINE)


def test_opening_a_round_opens_one_invitee_deadline_per_invitation(world: World) -> None:
    built = opened(world)
    deadlines = invitation_deadlines(built.invitations)
    assert len(deadlines) == len(built.invitations) == 4
    by_object = {d.object_id: d for d in deadlines}
    for invitation in built.invitations:
        d = by_object[invitation.pk]
        assert d.kind == TaskKind.STATEMENT_GIVE
        assert d.get_kind_display() == "Stellungnahme abgeben"
        assert d.audience == Audience.INVITEE
        assert d.state == DeadlineState.OPEN
        assert d.cycle_id is None
        assert d.department_id == invitation.department_id
        assert d.organisation_id == invitation.organisation_id
        assert d.due_at == end_of_day(DEADLINE)
        assert d.url_path == workflow_of(Invitation).detail_path(invitation.pk)


def test_an_extension_moves_the_reopened_deadline(world: World) -> None:
    built = opened(world)
    invitation = built.of(built.organisations[0])
    Invitation.objects.filter(pk=invitation.pk).update(
        extended_until=dt.date(2026, 7, 10), extension_requested_until=None
    )
    invitation.refresh_from_db()
    Deadline.objects.filter(object_id=invitation.pk).delete()
    workflow_objects_created([invitation])
    (d,) = invitation_deadlines([invitation])
    assert d.due_at == end_of_day(dt.date(2026, 7, 10))


def test_recipients_of_invitee_deadlines_in_one_query(
    world: World, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    built = opened(world)
    org_a, org_b = built.organisations
    second_contact = user_with_role(world.body, Role.EXTERNAL_STAKEHOLDER, organisation=org_a)
    deadlines = invitation_deadlines(built.invitations)
    with django_assert_num_queries(1):
        found = recipients_for(deadlines)
    by_object = {d.object_id: found[d.pk] for d in deadlines}
    users = {k: {r.user for r in v} for k, v in by_object.items()}
    assert users[built.of(org_a).pk] == {world.users[Role.EXTERNAL_STAKEHOLDER], second_contact}
    assert users[built.of(org_b).pk] == {built.contacts[org_b.pk]}
    department = world.departments[0]
    assert users[built.of(department).pk] == {
        world.users[Role.DEPARTMENT_HEAD],
        world.users[Role.DEPARTMENT_EDITOR],
    }
    # The other department's people, not the first one's.
    assert users[built.of(world.departments[1]).pk] == {world.users["other_department_head"]}


def test_escalation_adds_management_and_strategy_unit(world: World) -> None:
    built = opened(world)
    org = built.organisations[1]
    stand_in = Invitee(pk=1, body_id=world.body.pk, department_id=None, organisation_id=org.pk)
    users = {r.user for r in recipients_for([stand_in], escalation=True)[1]}
    assert users == {
        built.contacts[org.pk],
        world.users[Role.MANAGEMENT],
        world.users[Role.STRATEGY_UNIT],
    }


def test_deactivated_contact_is_no_recipient(world: World) -> None:
    built = opened(world)
    org = built.organisations[1]
    contact = built.contacts[org.pk]
    contact.is_active = False
    contact.save(update_fields=["is_active"])
    (d,) = invitation_deadlines([built.of(org)])
    assert recipients_for([d])[d.pk] == []


def test_sweep_reminds_invitees_before_and_escalates_after_the_deadline(world: World) -> None:
    built = opened(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    own = built.of(Organisation.objects.get(role_assignments__user=external))
    (d,) = invitation_deadlines([own])
    # Default policy: 14, 7 and 1 day before at 08:00 (working days), escalation a day after.
    with time_machine.travel(dt.datetime(2026, 6, 12, 8, 1, tzinfo=BERLIN), tick=False):
        deadline_sweep()
    reminders = Notification.objects.filter(
        recipient=external, deadline=d, kind=NotificationKind.REMINDER
    )
    assert reminders.count() == 1
    # The same slot is not sent twice.
    with time_machine.travel(dt.datetime(2026, 6, 12, 9, tzinfo=BERLIN), tick=False):
        deadline_sweep()
    assert reminders.count() == 1
    with time_machine.travel(dt.datetime(2026, 6, 29, 8, 1, tzinfo=BERLIN), tick=False):
        deadline_sweep()
    escalations = Notification.objects.filter(deadline=d, kind=NotificationKind.ESCALATION)
    assert {n.recipient for n in escalations} == {
        external,
        world.users[Role.MANAGEMENT],
        world.users[Role.STRATEGY_UNIT],
    }


def test_my_tasks_lists_the_statement_to_give_for_the_invitee(world: World) -> None:
    built = opened(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    own = built.of(Organisation.objects.get(role_assignments__user=external))
    other = built.of(built.organisations[1])
    client = Client()
    client.force_login(external)
    response = client.get(reverse("notifications:my_tasks"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stellungnahme abgeben" in html
    assert workflow_of(Invitation).detail_path(own.pk) in html
    # Not another organisation's invitation.
    assert workflow_of(Invitation).detail_path(other.pk) not in html


def test_my_tasks_lists_the_evaluation_for_the_evaluator(world: World) -> None:
    built = opened(world)
    strategy = world.users[Role.STRATEGY_UNIT]
    statement = statement_draft(built.of(built.organisations[0]), by=strategy)
    evaluation = Evaluation.objects.create(
        body=world.body,
        round=built.round,
        statement=statement,
        department=world.departments[0],
        assigned_by=strategy,
    )
    workflow_objects_created([evaluation])
    client = Client()
    client.force_login(world.users[Role.DEPARTMENT_HEAD])
    html = client.get(reverse("notifications:my_tasks")).content.decode()
    assert "Stellungnahme abwägen" in html
    assert workflow_of(Evaluation).detail_path(evaluation.pk) in html


def test_an_evaluation_of_the_strategy_unit_itself_opens_no_department_deadline(
    world: World,
) -> None:
    built = opened(world)
    strategy = world.users[Role.STRATEGY_UNIT]
    statement = statement_draft(built.of(built.organisations[0]), by=strategy)
    evaluation = Evaluation.objects.create(
        body=world.body, round=built.round, statement=statement, assigned_by=strategy
    )
    assert workflow_objects_created([evaluation]) is None
    assert not Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Evaluation)
    ).exists()


# --- overdue ------------------------------------------------------------------------------


AFTER = dt.datetime(2026, 6, 27, 0, 30, tzinfo=BERLIN)


def test_overdue_task_marks_invitations_past_their_deadline_once(world: World) -> None:
    built = opened(world)
    answered = built.invitations[0]
    with time_machine.travel(START, tick=False):
        transition_fire(
            acting_user=world.users[Role.DEPARTMENT_HEAD], obj=answered, transition="decline"
        )
    with time_machine.travel(dt.datetime(2026, 6, 26, 23, 0, tzinfo=BERLIN), tick=False):
        assert invitations_mark_overdue() == 0  # the deadline's own day still counts
    with time_machine.travel(AFTER, tick=False):
        assert invitations_mark_overdue() == 3
        assert invitations_mark_overdue() == 0
    states = dict(Invitation.objects.values_list("pk", "state"))
    assert states[answered.pk] == InvitationState.DECLINED
    assert [states[i.pk] for i in built.invitations[1:]] == [InvitationState.OVERDUE] * 3
    logs = TransitionLog.objects.filter(transition="mark_overdue")
    assert logs.count() == 3
    assert {log.actor_id for log in logs} == {built.round.created_by_id}
    # The statement is still to give: the task stays open (a new row, the same due time)
    # and the sweep escalates it to management and the strategy unit.
    rows = invitation_deadlines(built.invitations[1:])
    assert sorted(d.state for d in rows) == [DeadlineState.DONE] * 3 + [DeadlineState.OPEN] * 3
    assert {d.due_at for d in rows if d.is_open} == {end_of_day(DEADLINE)}
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    own = built.of(Organisation.objects.get(role_assignments__user=external))
    with time_machine.travel(dt.datetime(2026, 6, 29, 8, 1, tzinfo=BERLIN), tick=False):
        deadline_sweep()
    escalated = Notification.objects.filter(
        kind=NotificationKind.ESCALATION, deadline__object_id=own.pk
    )
    assert {n.recipient for n in escalated} == {
        external,
        world.users[Role.MANAGEMENT],
        world.users[Role.STRATEGY_UNIT],
    }


def test_overdue_marking_skips_when_the_creator_lost_the_role(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    built = opened(world)
    creator = built.round.created_by
    for assignment in RoleAssignment.objects.filter(user=creator):
        role_revoke(acting_user=SYSTEM, assignment=assignment)
    with (
        time_machine.travel(AFTER, tick=False),
        caplog.at_level(logging.WARNING, logger="notifications.services.overdue"),
    ):
        assert invitations_mark_overdue() == 0
    assert set(Invitation.objects.values_list("state", flat=True)) == {InvitationState.INVITED}
    assert "not marked overdue" in caplog.text


def test_cancelling_a_round_ends_its_open_tasks(world: World) -> None:
    built = opened(world)
    other = round_build(world, title="Zweite Runde")
    transition_fire(
        acting_user=world.users[Role.STRATEGY_UNIT],
        obj=built.round,
        transition="cancel",
        comment="Entwurf wird grundlegend überarbeitet",
    )
    states = {d.state for d in invitation_deadlines(built.invitations)}
    assert states == {DeadlineState.CANCELLED}
    # Another round's invitations keep their tasks.
    assert {d.state for d in invitation_deadlines(other.invitations)} == {DeadlineState.OPEN}
