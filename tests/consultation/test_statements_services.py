"""The invitee's services: deadlines, four eyes, joint statements, corrections, answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from planning_cycle.models import Role
from tests.support.consultation import Round, round_build, statement_draft
from tests.support.factories import user_with_role
from tests.support.world import World
from workflows.consultation.models import Invitation, RoundSection, Statement
from workflows.consultation.services.statements import (
    invitation_decline,
    invitation_extension_request,
    statement_correct,
    statement_create,
    statement_discard,
    statement_release,
    statement_update,
)
from workflows.consultation.states import InvitationState, Position, StatementState
from workflows.models import TransitionLog
from workflows.services.content import ContentError
from workflows.services.transitions import (
    TransitionBlocked,
    TransitionNotPermitted,
    transition_fire,
)

from .statements_support import _without_deadlines_for_organisations

pytestmark = pytest.mark.django_db

__all__ = ["_without_deadlines_for_organisations"]

AGREE = Position.AGREEMENT_WITH_CHANGES
TEXT = "Wir regen an, die Radwege stärker zu gewichten."


@pytest.fixture
def r(world: World) -> Round:
    return round_build(world)


def extern(world: World):  # type: ignore[no-untyped-def]
    return world.users[Role.EXTERNAL_STAKEHOLDER]


def own(world: World, r: Round) -> Invitation:
    return r.of(r.organisations[0])


def history(obj: Any) -> list[TransitionLog]:
    ctype = ContentType.objects.get_for_model(type(obj))
    return list(TransitionLog.objects.filter(content_type=ctype, object_id=obj.pk).order_by("id"))  # type: ignore[attr-defined]


def test_an_external_contact_drafts_and_releases_their_organisations_statement(world, r):
    invitation = own(world, r)
    statement = statement_create(
        acting_user=extern(world),
        invitation=invitation,
        position=AGREE,
        text=TEXT,
        section=r.sections[1],
    )
    assert (statement.state, statement.version, statement.organisation) == (
        StatementState.DRAFT,
        1,
        r.organisations[0],
    )
    statement_release(acting_user=extern(world), statement=statement)

    statement.refresh_from_db()
    invitation.refresh_from_db()
    assert statement.state == StatementState.RELEASED and statement.released_at is not None
    assert invitation.state == InvitationState.SUBMITTED
    assert [log.transition for log in history(invitation)] == ["submit"]
    assert history(invitation)[0].actor == extern(world)


def test_another_organisations_contact_may_not_draft(world, r):
    other = r.contacts[r.organisations[1].pk]
    with pytest.raises(ContentError) as refused:
        statement_create(acting_user=other, invitation=own(world, r), position=AGREE, text=TEXT)
    assert refused.value.status == 403
    assert not Statement.objects.exists()


def test_a_section_of_another_round_is_refused(world, r):
    second = round_build(world, title="Zweite Runde")
    with pytest.raises(ContentError) as refused:
        statement_create(
            acting_user=extern(world),
            invitation=own(world, r),
            position=AGREE,
            text=TEXT,
            section=second.sections[0],
        )
    assert refused.value.field == "section"
    assert "gehört nicht zu diesem Beteiligungsverfahren" in refused.value.message


def test_an_unknown_position_is_refused(world, r):
    with pytest.raises(ContentError) as refused:
        statement_create(
            acting_user=extern(world), invitation=own(world, r), position="maybe", text=TEXT
        )
    assert refused.value.field == "position"


def test_a_statement_after_the_deadline_is_refused(world):
    r = round_build(world, deadline=timezone.localdate() + dt.timedelta(days=3))
    invitation = own(world, r)
    draft = statement_draft(invitation, by=extern(world))
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        with pytest.raises(ContentError) as late:
            statement_create(
                acting_user=extern(world), invitation=invitation, position=AGREE, text=TEXT
            )
        assert "Frist zur Stellungnahme ist am" in late.value.message
        assert "Fristverlängerung" in late.value.message
        with pytest.raises(TransitionBlocked) as blocked:
            statement_release(acting_user=extern(world), statement=draft)
        assert "Frist zur Stellungnahme ist am" in blocked.value.message
    draft.refresh_from_db()
    assert draft.state == StatementState.DRAFT
    assert Statement.objects.count() == 1


def test_a_statement_after_the_deadline_is_taken_after_a_granted_extension(world):
    r = round_build(world, deadline=timezone.localdate() + dt.timedelta(days=3))
    invitation = own(world, r)
    until = timezone.localdate() + dt.timedelta(days=14)
    invitation_extension_request(
        acting_user=extern(world),
        invitation=invitation,
        until=until,
        reason="Ratssitzung erst am 10.",
    )
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.EXTENSION_REQUESTED
    assert invitation.extension_requested_until == until
    (log,) = history(invitation)
    assert (log.transition, log.comment) == ("request_extension", "Ratssitzung erst am 10.")
    transition_fire(
        acting_user=world.users[Role.STRATEGY_UNIT], obj=invitation, transition="grant_extension"
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        invitation.refresh_from_db()
        assert invitation.extended_until == until
        statement = statement_create(
            acting_user=extern(world), invitation=invitation, position=AGREE, text=TEXT
        )
        statement_release(acting_user=extern(world), statement=statement)
    statement.refresh_from_db()
    assert statement.state == StatementState.RELEASED


def test_an_extension_must_end_after_the_current_deadline(world, r):
    invitation = own(world, r)
    with pytest.raises(Exception) as refused:
        invitation_extension_request(
            acting_user=extern(world),
            invitation=invitation,
            until=r.round.deadline,
            reason="Mehr Zeit",
        )
    assert "muss nach der bisherigen Frist" in str(refused.value.message)  # type: ignore[attr-defined]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.INVITED
    assert invitation.extension_requested_until is None
    assert history(invitation) == []


def test_declining_ends_the_invitation_and_no_statement_follows(world, r):
    invitation = own(world, r)
    invitation_decline(acting_user=extern(world), invitation=invitation, comment="Nicht betroffen")
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    with pytest.raises(ContentError) as refused:
        statement_create(acting_user=extern(world), invitation=invitation, text=TEXT)
    assert "abgesagt" in refused.value.message


def test_four_eyes_the_drafter_may_not_release_another_contact_may(world, r):
    organisation = r.organisations[0]
    organisation.second_person_release = True
    organisation.save()
    colleague = user_with_role(world.body, Role.EXTERNAL_STAKEHOLDER, organisation=organisation)
    statement = statement_create(
        acting_user=extern(world), invitation=own(world, r), position=AGREE, text=TEXT
    )
    with pytest.raises(TransitionBlocked) as refused:
        statement_release(acting_user=extern(world), statement=statement)
    assert "Freigabe durch eine zweite Person" in refused.value.message
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT
    assert history(statement) == []
    assert own(world, r).state == InvitationState.INVITED

    statement_release(acting_user=colleague, statement=statement)
    statement.refresh_from_db()
    assert statement.state == StatementState.RELEASED
    assert history(statement)[0].actor == colleague


def test_four_eyes_counts_the_last_editor(world, r):
    organisation = r.organisations[0]
    organisation.second_person_release = True
    organisation.save()
    colleague = user_with_role(world.body, Role.EXTERNAL_STAKEHOLDER, organisation=organisation)
    statement = statement_create(
        acting_user=extern(world), invitation=own(world, r), position=AGREE, text=TEXT
    )
    statement_update(
        acting_user=colleague, statement=statement, position=AGREE, text=TEXT + " Ergänzt."
    )
    with pytest.raises(TransitionBlocked):
        statement_release(acting_user=colleague, statement=statement)
    statement_release(acting_user=extern(world), statement=statement)


def test_a_department_editor_drafts_but_only_the_head_releases(world, r):
    invitation = r.of(world.department)
    editor = world.users[Role.DEPARTMENT_EDITOR]
    head = world.users[Role.DEPARTMENT_HEAD]
    statement = statement_create(
        acting_user=editor, invitation=invitation, position=Position.NO_COMMENT
    )
    with pytest.raises(TransitionNotPermitted):
        statement_release(acting_user=editor, statement=statement)
    statement_release(acting_user=head, statement=statement)
    statement.refresh_from_db()
    invitation.refresh_from_db()
    assert statement.state == StatementState.RELEASED
    assert invitation.state == InvitationState.SUBMITTED


def test_another_departments_head_may_not_release(world, r):
    statement = statement_draft(r.of(world.department), by=world.users[Role.DEPARTMENT_EDITOR])
    with pytest.raises(TransitionNotPermitted):
        statement_release(acting_user=world.users["other_department_head"], statement=statement)


def test_a_joint_statement_marks_the_co_signers_submitted(world, r):
    invitation = own(world, r)
    partner = r.of(r.organisations[1])
    department = r.of(world.department)
    statement = statement_create(
        acting_user=extern(world),
        invitation=invitation,
        position=AGREE,
        text=TEXT,
        co_signers=[partner, department],
    )
    statement_release(acting_user=extern(world), statement=statement)

    for inv in (invitation, partner, department):
        inv.refresh_from_db()
        assert inv.state == InvitationState.SUBMITTED
    (log,) = history(partner)
    assert log.actor == extern(world)
    assert (log.source_state, log.target_state) == (
        InvitationState.INVITED,
        InvitationState.SUBMITTED,
    )
    assert "Gemeinsame Stellungnahme" in log.comment
    assert str(r.organisations[0]) in log.comment
    # The partner's contact sees the joint statement (it counts for them).
    from workflows.access import workflow_visible

    partner_contact = r.contacts[r.organisations[1].pk]
    assert list(workflow_visible(Statement, user=partner_contact)) == [statement]


def test_a_co_signer_who_declined_stays_declined(world, r):
    partner = r.of(r.organisations[1])
    invitation_decline(acting_user=r.contacts[r.organisations[1].pk], invitation=partner)
    statement = statement_create(
        acting_user=extern(world),
        invitation=own(world, r),
        position=AGREE,
        text=TEXT,
        co_signers=[partner],
    )
    statement_release(acting_user=extern(world), statement=statement)
    partner.refresh_from_db()
    assert partner.state == InvitationState.DECLINED


def test_co_signers_must_be_other_invitees_of_the_round(world, r):
    second = round_build(world, title="Zweite Runde", organisations=1, departments=1)
    with pytest.raises(ContentError) as refused:
        statement_create(
            acting_user=extern(world),
            invitation=own(world, r),
            text=TEXT,
            co_signers=[second.invitations[0]],
        )
    assert refused.value.field == "co_signers"


def test_a_correction_is_a_new_version_and_only_one_per_version(world, r):
    statement = statement_create(
        acting_user=extern(world), invitation=own(world, r), position=AGREE, text=TEXT
    )
    statement_release(acting_user=extern(world), statement=statement)
    correction = statement_correct(acting_user=extern(world), statement=statement)
    assert (correction.version, correction.supersedes_id, correction.state) == (
        2,
        statement.pk,
        StatementState.DRAFT,
    )
    assert (correction.position, correction.text) == (AGREE, TEXT)
    with pytest.raises(ContentError) as twice:
        statement_correct(acting_user=extern(world), statement=statement)
    assert twice.value.status == 409
    assert "bereits eine Korrektur" in twice.value.message
    assert Statement.objects.count() == 2

    statement_update(
        acting_user=extern(world), statement=correction, position=Position.REJECTION, text="Nein."
    )
    statement_release(acting_user=extern(world), statement=correction)
    statement.refresh_from_db()
    correction.refresh_from_db()
    assert (statement.text, statement.state) == (TEXT, StatementState.RELEASED)
    assert (correction.text, correction.state) == ("Nein.", StatementState.RELEASED)


def test_a_draft_cannot_be_corrected_and_a_released_one_not_edited_or_discarded(world, r):
    statement = statement_create(
        acting_user=extern(world), invitation=own(world, r), position=AGREE, text=TEXT
    )
    with pytest.raises(ContentError):
        statement_correct(acting_user=extern(world), statement=statement)
    statement_release(acting_user=extern(world), statement=statement)
    with pytest.raises(ContentError) as edit:
        statement_update(acting_user=extern(world), statement=statement, position=AGREE, text="x")
    assert edit.value.status == 409
    with pytest.raises(ContentError):
        statement_discard(acting_user=extern(world), statement=statement)
    statement.refresh_from_db()
    assert statement.text == TEXT


def test_a_draft_is_discarded(world, r):
    statement = statement_draft(own(world, r), by=extern(world))
    statement_discard(acting_user=extern(world), statement=statement)
    assert not Statement.objects.exists()


def test_update_sets_section_and_co_signers_and_the_drafter(world, r):
    editor = world.users[Role.DEPARTMENT_EDITOR]
    head = world.users[Role.DEPARTMENT_HEAD]
    statement = statement_create(acting_user=head, invitation=r.of(world.department), text=TEXT)
    partner = r.of(r.organisations[1])
    statement_update(
        acting_user=editor,
        statement=statement,
        position=AGREE,
        text=TEXT,
        section=r.sections[2],
        co_signers=[partner],
    )
    statement.refresh_from_db()
    assert statement.section == r.sections[2]
    assert list(statement.co_signers.all()) == [partner]
    assert statement.drafted_by == editor
    assert RoundSection.objects.filter(round=r.round).count() == 3


def test_the_engine_endpoint_keeps_the_same_rules(world, r):
    """The API and the engine's transition endpoint fire transitions directly: same rules."""
    organisation = r.organisations[0]
    organisation.second_person_release = True
    organisation.save()
    invitation = own(world, r)
    partner = r.of(r.organisations[1])
    statement = statement_create(
        acting_user=extern(world),
        invitation=invitation,
        position=AGREE,
        text=TEXT,
        co_signers=[partner],
    )
    with pytest.raises(TransitionBlocked):
        transition_fire(acting_user=extern(world), obj=statement, transition="release")
    colleague = user_with_role(world.body, Role.EXTERNAL_STAKEHOLDER, organisation=organisation)
    transition_fire(acting_user=colleague, obj=statement, transition="release")
    partner.refresh_from_db()
    assert partner.state == InvitationState.SUBMITTED

    other = r.of(world.department)
    with pytest.raises(TransitionBlocked) as no_date:
        transition_fire(
            acting_user=world.users[Role.DEPARTMENT_HEAD],
            obj=other,
            transition="request_extension",
            comment="Mehr Zeit",
        )
    assert "bis wann" in no_date.value.message
    other.refresh_from_db()
    assert other.state == InvitationState.INVITED


def test_an_editor_may_not_ask_for_an_extension(world, r):
    with pytest.raises(TransitionNotPermitted):
        invitation_extension_request(
            acting_user=world.users[Role.DEPARTMENT_EDITOR],
            invitation=r.of(world.department),
            until=r.round.deadline - dt.timedelta(days=1),
            reason="Mehr Zeit",
        )
