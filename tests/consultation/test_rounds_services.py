"""The strategy unit's services of a round: draft, sections, invitees, open, remind, extend."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Deadline
from planning_cycle.models import Role
from tests.consultation.rounds_support import invitation_page  # noqa: F401
from tests.support.consultation import round_build
from tests.support.factories import DepartmentFactory, OrganisationFactory
from tests.support.world import World, build_world
from workflows.consultation.models import ConsultationRound, Invitation, RoundSection
from workflows.consultation.services.rounds import (
    INVITATION_TOPIC,
    REMINDER_TOPIC,
    RoundError,
    extension_grant,
    extension_refuse,
    invitation_remove,
    invitations_add,
    reminder_send_unanswered,
    round_cancel,
    round_close,
    round_create,
    round_open,
    round_update,
    section_add,
    section_remove,
    section_update,
)
from workflows.consultation.states import InvitationState, RoundState, SubjectKind
from workflows.models import OutboxMessage, TransitionLog
from workflows.services.transitions import (
    CommentRequired,
    TransitionBlocked,
    TransitionConflict,
    TransitionNotPermitted,
    transition_fire,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("invitation_page")]


def _strategy(world: World):  # type: ignore[no-untyped-def]
    return world.users[Role.STRATEGY_UNIT]


def _draft(world: World, **kwargs: object) -> ConsultationRound:
    values: dict[str, object] = {
        "title": "Entwurf Kreisentwicklungskonzept",
        "subject_kind": SubjectKind.CONCEPT,
        "description": "Bitte nehmen Sie Stellung.",
        "deadline": timezone.localdate() + dt.timedelta(days=14),
        "cycle": world.cycle,
    }
    values.update(kwargs)
    return round_create(acting_user=_strategy(world), **values)  # type: ignore[arg-type]


def test_create_makes_a_draft_of_the_body(world: World) -> None:
    round_ = _draft(world)
    assert round_.state == RoundState.DRAFT
    assert round_.body_id == world.body.pk
    assert round_.created_by == _strategy(world)


def test_create_refuses_an_empty_title_and_writes_nothing(world: World) -> None:
    with pytest.raises(RoundError) as exc:
        _draft(world, title="   ")
    assert exc.value.field == "title"
    assert "Titel" in exc.value.message
    assert not ConsultationRound.objects.exists()


def test_create_refuses_a_deadline_in_the_past(world: World) -> None:
    with pytest.raises(RoundError) as exc:
        _draft(world, deadline=timezone.localdate() - dt.timedelta(days=1))
    assert exc.value.field == "deadline"
    assert "Vergangenheit" in exc.value.message


def test_create_refuses_an_unknown_subject(world: World) -> None:
    with pytest.raises(RoundError) as exc:
        _draft(world, subject_kind="poem")
    assert exc.value.field == "subject_kind"


def test_only_the_strategy_unit_creates_rounds(world: World) -> None:
    for role in (Role.MANAGEMENT, Role.DEPARTMENT_HEAD, Role.EXTERNAL_STAKEHOLDER):
        with pytest.raises(RoundError) as exc:
            round_create(
                acting_user=world.users[role],
                title="x",
                subject_kind=SubjectKind.OTHER,
                description="",
                deadline=timezone.localdate(),
            )
        assert exc.value.status == 403


def test_create_refuses_another_bodys_cycle(world: World) -> None:
    other = build_world("andere-kommune")
    with pytest.raises(RoundError) as exc:
        _draft(world, cycle=other.cycle)
    assert exc.value.field == "cycle"


def test_update_changes_a_draft_only(world: World) -> None:
    round_ = _draft(world)
    round_update(
        acting_user=_strategy(world),
        round=round_,
        title="Neuer Titel",
        subject_kind=SubjectKind.GOAL_CATALOG,
        description="Neu",
        deadline=round_.deadline,
    )
    round_.refresh_from_db()
    assert (round_.title, round_.subject_kind) == ("Neuer Titel", SubjectKind.GOAL_CATALOG)
    opened = round_build(world).round
    with pytest.raises(RoundError) as exc:
        round_update(
            acting_user=_strategy(world),
            round=opened,
            title="Zu spät",
            subject_kind=SubjectKind.OTHER,
            description="",
            deadline=opened.deadline,
        )
    assert exc.value.status == 409
    opened.refresh_from_db()
    assert opened.title != "Zu spät"


def test_sections_are_numbered_once_per_round(world: World) -> None:
    round_ = _draft(world)
    first = section_add(acting_user=_strategy(world), round=round_, number="1", title="Leitbild")
    second = section_add(acting_user=_strategy(world), round=round_, number="2", title="Ziele")
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(RoundError) as exc:
        section_add(acting_user=_strategy(world), round=round_, number="1", title="Doppelt")
    assert exc.value.field == "number"
    assert "„1“" in exc.value.message
    with pytest.raises(RoundError):
        section_update(acting_user=_strategy(world), section=second, number="1", title="Ziele")
    section_update(acting_user=_strategy(world), section=second, number="2a", title="Ziele")
    section_remove(acting_user=_strategy(world), section=first)
    assert list(round_.sections.values_list("number", flat=True)) == ["2a"]


def test_section_needs_number_and_title(world: World) -> None:
    round_ = _draft(world)
    with pytest.raises(RoundError) as exc:
        section_add(acting_user=_strategy(world), round=round_, number="", title="Leitbild")
    assert exc.value.field == "number"
    with pytest.raises(RoundError) as exc:
        section_add(acting_user=_strategy(world), round=round_, number="1", title=" ")
    assert exc.value.field == "title"


def test_invite_departments_and_organisations_of_the_body(world: World) -> None:
    round_ = _draft(world)
    org = OrganisationFactory(body=world.body, name="Gemeinde Edemissen")
    created = invitations_add(
        acting_user=_strategy(world),
        round=round_,
        department_ids=[d.pk for d in world.departments[:2]],
        organisation_ids=[org.pk],
    )
    assert len(created) == 3
    assert round_.invitations.count() == 3


def test_invite_refuses_another_bodys_department_and_writes_nothing(world: World) -> None:
    round_ = _draft(world)
    other = DepartmentFactory(body=build_world("andere-kommune").body)
    with pytest.raises(RoundError) as exc:
        invitations_add(
            acting_user=_strategy(world),
            round=round_,
            department_ids=[world.departments[0].pk, other.pk],
        )
    assert str(other.pk) in exc.value.message
    assert "Organisationseinheit" in exc.value.message
    assert not round_.invitations.exists()


def test_invite_refuses_another_bodys_organisation(world: World) -> None:
    round_ = _draft(world)
    other = OrganisationFactory(body=build_world("andere-kommune").body)
    with pytest.raises(RoundError) as exc:
        invitations_add(acting_user=_strategy(world), round=round_, organisation_ids=[other.pk])
    assert "Organisation" in exc.value.message


def test_invite_twice_names_the_invitee(world: World) -> None:
    round_ = _draft(world)
    department = world.departments[0]
    invitations_add(acting_user=_strategy(world), round=round_, department_ids=[department.pk])
    with pytest.raises(RoundError) as exc:
        invitations_add(
            acting_user=_strategy(world),
            round=round_,
            department_ids=[department.pk, world.departments[1].pk],
        )
    assert exc.value.status == 409
    assert str(department) in exc.value.message
    assert str(world.departments[1]) not in exc.value.message
    assert round_.invitations.count() == 1


def test_invite_nobody_is_refused(world: World) -> None:
    with pytest.raises(RoundError) as exc:
        invitations_add(acting_user=_strategy(world), round=_draft(world))
    assert "mindestens" in exc.value.message


def test_remove_invitee_only_in_draft(world: World) -> None:
    round_ = _draft(world)
    [invitation] = invitations_add(
        acting_user=_strategy(world), round=round_, department_ids=[world.departments[0].pk]
    )
    invitation_remove(acting_user=_strategy(world), invitation=invitation)
    assert not round_.invitations.exists()
    opened = round_build(world)
    with pytest.raises(RoundError):
        invitation_remove(acting_user=_strategy(world), invitation=opened.invitations[0])


def test_open_without_invitees_names_the_reason(world: World) -> None:
    round_ = _draft(world)
    with pytest.raises(TransitionBlocked) as exc:
        round_open(acting_user=_strategy(world), round=round_)
    assert "mindestens eine" in exc.value.message
    round_.refresh_from_db()
    assert round_.state == RoundState.DRAFT


def test_open_with_the_deadline_passed_is_refused(world: World) -> None:
    round_ = _draft(world, deadline=timezone.localdate() + dt.timedelta(days=1))
    invitations_add(
        acting_user=_strategy(world), round=round_, department_ids=[world.departments[0].pk]
    )
    later = timezone.now() + dt.timedelta(days=3)
    with time_machine.travel(later), pytest.raises(TransitionBlocked) as exc:
        round_open(acting_user=_strategy(world), round=round_)
    assert "Frist" in exc.value.message
    assert not OutboxMessage.objects.filter(topic=INVITATION_TOPIC).exists()


def test_open_starts_every_invitation_in_one_step(world: World) -> None:
    round_ = _draft(world)
    orgs = [OrganisationFactory(body=world.body) for _ in range(3)]
    invitations = invitations_add(
        acting_user=_strategy(world),
        round=round_,
        department_ids=[d.pk for d in world.departments],
        organisation_ids=[o.pk for o in orgs],
    )
    opened = round_open(acting_user=_strategy(world), round=round_)
    assert opened.state == RoundState.OPEN
    assert opened.opened_at is not None
    messages = OutboxMessage.objects.filter(topic=INVITATION_TOPIC)
    assert sorted(m.payload["invitation_id"] for m in messages) == sorted(i.pk for i in invitations)
    assert TransitionLog.objects.filter(object_id=round_.pk, transition="open").count() == 1


def test_open_opens_a_deadline_per_invitation(world: World, invitation_page) -> None:  # noqa: F811
    built = round_build(world)
    if not invitation_page.supported:
        pytest.skip("the notifications part has no deadlines for invitees yet")
    deadlines = Deadline.objects.filter(
        object_id__in=[i.pk for i in built.invitations], kind="statement_give"
    )
    assert deadlines.count() == len(built.invitations)


def test_open_twice_is_a_conflict(world: World) -> None:
    round_ = round_build(world, open_=False).round
    round_open(acting_user=_strategy(world), round=round_)
    with pytest.raises(TransitionConflict):
        round_open(acting_user=_strategy(world), round=round_)
    assert OutboxMessage.objects.filter(topic=INVITATION_TOPIC).count() == 4


def test_management_may_not_open(world: World) -> None:
    round_ = round_build(world, open_=False).round
    with pytest.raises(TransitionNotPermitted):
        round_open(acting_user=world.users[Role.MANAGEMENT], round=round_)


def test_invitee_added_to_an_open_round_is_started(world: World) -> None:
    built = round_build(world, departments=1)
    [late] = invitations_add(
        acting_user=_strategy(world), round=built.round, department_ids=[world.departments[2].pk]
    )
    assert OutboxMessage.objects.filter(
        topic=INVITATION_TOPIC, payload__invitation_id=late.pk
    ).exists()


def test_close_and_cancel(world: World) -> None:
    first = round_build(world).round
    assert round_close(acting_user=_strategy(world), round=first).state == RoundState.CLOSED
    second = round_build(world, title="Zweite").round
    with pytest.raises(CommentRequired):
        round_cancel(acting_user=_strategy(world), round=second, reason="")
    cancelled = round_cancel(
        acting_user=_strategy(world), round=second, reason="Entwurf zurückgezogen"
    )
    assert cancelled.state == RoundState.CANCELLED


def test_follow_up_round_copies_invitees_and_sections(world: World) -> None:
    first = round_build(world)
    follow = _draft(world, title="Zweite Runde", previous_round=first.round)
    assert follow.previous_round == first.round
    assert sorted(follow.sections.values_list("number", flat=True)) == ["1", "2", "3"]
    assert follow.invitations.count() == len(first.invitations)
    assert set(follow.invitations.values_list("state", flat=True)) == {InvitationState.INVITED}


def test_follow_up_of_a_draft_is_refused(world: World) -> None:
    with pytest.raises(RoundError) as exc:
        _draft(world, previous_round=_draft(world))
    assert exc.value.field == "previous_round"


def test_reminder_goes_to_those_who_have_not_answered(world: World) -> None:
    built = round_build(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    declined = built.of(built.organisations[0])
    transition_fire(acting_user=external, obj=declined, transition="decline")
    sent = reminder_send_unanswered(acting_user=_strategy(world), round=built.round)
    assert sent == len(built.invitations) - 1
    reminded = {
        m.payload["invitation_id"] for m in OutboxMessage.objects.filter(topic=REMINDER_TOPIC)
    }
    assert declined.pk not in reminded
    assert len(reminded) == sent


def test_reminder_refused_for_a_draft_and_for_others(world: World) -> None:
    built = round_build(world, open_=False)
    with pytest.raises(RoundError) as exc:
        reminder_send_unanswered(acting_user=_strategy(world), round=built.round)
    assert exc.value.status == 409
    with pytest.raises(RoundError) as exc:
        reminder_send_unanswered(acting_user=world.users[Role.MANAGEMENT], round=built.round)
    assert exc.value.status == 403


def _requested(built, world: World, until: dt.date) -> Invitation:  # type: ignore[no-untyped-def]
    invitation = built.of(built.organisations[0])
    Invitation.objects.filter(pk=invitation.pk).update(extension_requested_until=until)
    transition_fire(
        acting_user=world.users[Role.EXTERNAL_STAKEHOLDER],
        obj=Invitation.objects.get(pk=invitation.pk),
        transition="request_extension",
        comment="Die Gremien tagen erst danach.",
    )
    return Invitation.objects.get(pk=invitation.pk)


def test_extension_grant_sets_the_new_deadline(world: World) -> None:
    built = round_build(world)
    until = built.round.deadline + dt.timedelta(days=14)
    invitation = _requested(built, world, until)
    granted = extension_grant(acting_user=_strategy(world), invitation=invitation)
    assert granted.state == InvitationState.INVITED
    assert granted.extended_until == until


def test_extension_refuse_needs_a_reason(world: World) -> None:
    built = round_build(world)
    invitation = _requested(built, world, built.round.deadline + dt.timedelta(days=14))
    with pytest.raises(CommentRequired):
        extension_refuse(acting_user=_strategy(world), invitation=invitation, reason=" ")
    refused = extension_refuse(
        acting_user=_strategy(world), invitation=invitation, reason="Der Kreistag tagt vorher."
    )
    assert refused.state == InvitationState.INVITED
    assert refused.extended_until is None
    assert RoundSection.objects.filter(round=built.round).count() == 3
