"""The invitee's pages through HTTP: draft, edit, release, correct; what others may not see."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from planning_cycle.models import Role
from tests.support.consultation import Round, round_build, statement_draft
from tests.support.world import World
from workflows.consultation.models import Invitation, Statement
from workflows.consultation.services.statements import statement_correct, statement_release
from workflows.consultation.states import InvitationState, Position, StatementState
from workflows.models import OutboxMessage, TransitionLog

from .statements_support import _without_deadlines_for_organisations, client_for

pytestmark = pytest.mark.django_db

__all__ = ["_without_deadlines_for_organisations", "client_for"]


@pytest.fixture
def r(world: World) -> Round:
    return round_build(world)


def invitation_url(invitation: Invitation) -> str:
    return reverse("workflows:invitation_detail", args=[invitation.pk])


def statement_url(statement: Statement, name: str = "statement_detail") -> str:
    return reverse(f"workflows:{name}", args=[statement.pk])


def test_the_external_contact_answers_a_round_through_the_pages(world, r, client_for):
    extern = world.users[Role.EXTERNAL_STAKEHOLDER]
    client = client_for(extern)
    invitation = r.of(r.organisations[0])

    # Their list shows only their organisation's invitation.
    listing = client.get(reverse("workflows:my_invitations"))
    assert listing.status_code == 200
    assert listing.content.decode().count("/beteiligung/einladung/") == 1
    assert invitation_url(invitation) in listing.content.decode()

    page = client.get(invitation_url(invitation))
    assert page.status_code == 200
    html = page.content.decode()
    assert r.round.description in html
    for section in r.sections:
        assert f"{section.number} {section.title}" in html
    assert reverse("workflows:statement_create", args=[invitation.pk]) in html

    created = client.post(
        reverse("workflows:statement_create", args=[invitation.pk]),
        {
            "position": Position.AGREEMENT_WITH_CHANGES,
            "text": "Radwege stärker gewichten.",
            "section": r.sections[1].pk,
        },
    )
    statement = Statement.objects.get()
    assert created.status_code == 302
    assert created["Location"] == statement_url(statement)
    assert (statement.section, statement.drafted_by) == (r.sections[1], extern)

    edit_page = client.get(statement_url(statement))
    assert statement_url(statement, "statement_edit") in edit_page.content.decode()
    edited = client.post(
        statement_url(statement, "statement_edit"),
        {
            "position": Position.AGREEMENT_WITH_CHANGES,
            "text": "Radwege und Busse stärker gewichten.",
            "section": r.sections[1].pk,
            "expected_updated_at": statement.updated_at.isoformat(),
            "action": "save",
        },
    )
    assert edited.status_code == 302
    statement.refresh_from_db()
    assert statement.text == "Radwege und Busse stärker gewichten."

    released = client.post(
        statement_url(statement, "statement_release"), {"expected_state": "draft"}
    )
    assert released.status_code == 302
    statement.refresh_from_db()
    invitation.refresh_from_db()
    assert statement.state == StatementState.RELEASED
    assert invitation.state == InvitationState.SUBMITTED

    # Released: read-only, no edit form; a correction is a new version.
    shown = client.get(statement_url(statement)).content.decode()
    assert statement_url(statement, "statement_edit") not in shown
    assert statement_url(statement, "statement_correct") in shown
    corrected = client.post(statement_url(statement, "statement_correct"))
    correction = Statement.objects.get(supersedes=statement)
    assert corrected["Location"] == statement_url(correction)
    client.post(
        statement_url(correction, "statement_edit"),
        {
            "position": Position.REJECTION,
            "text": "Korrigiert: Wir lehnen den Abschnitt ab.",
            "section": r.sections[1].pk,
            "expected_updated_at": correction.updated_at.isoformat(),
            "action": "release",
        },
    )
    correction.refresh_from_db()
    assert correction.state == StatementState.RELEASED

    # Both versions are kept and shown.
    for url in (statement_url(correction), statement_url(statement)):
        html = client.get(url).content.decode()
        assert "Radwege und Busse stärker gewichten." in html
        assert "Korrigiert: Wir lehnen den Abschnitt ab." in html
        assert "Fassung 1" in html and "Fassung 2" in html
    html = client.get(invitation_url(invitation)).content.decode()
    assert "Korrigiert: Wir lehnen den Abschnitt ab." in html
    assert "Radwege und Busse stärker gewichten." in html
    assert "2 Fassungen" in html
    assert "Fassung 1 (freigegeben)" in html and "Fassung 2 (freigegeben)" in html


def test_a_refused_draft_keeps_the_input_and_names_the_problem(world, r, client_for):
    client = client_for(world.users[Role.EXTERNAL_STAKEHOLDER])
    invitation = r.of(r.organisations[0])
    answer = client.post(
        reverse("workflows:statement_create", args=[invitation.pk]),
        {"position": "vielleicht", "text": "Mein sorgfältiger Text", "section": r.sections[0].pk},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Mein sorgfältiger Text" in html
    assert "Bitte wählen Sie eine der angebotenen Haltungen." in html
    assert not Statement.objects.exists()


def test_a_release_without_position_keeps_the_input_and_says_why(world, r, client_for):
    client = client_for(world.users[Role.EXTERNAL_STAKEHOLDER])
    statement = statement_draft(
        r.of(r.organisations[0]), by=world.users[Role.EXTERNAL_STAKEHOLDER], position=""
    )
    answer = client.post(
        statement_url(statement, "statement_edit"),
        {"position": "", "text": "Neuer Text, noch ohne Haltung", "action": "release"},
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Neuer Text, noch ohne Haltung" in html
    assert "Bitte wählen Sie eine Haltung." in html
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT
    assert statement.text != "Neuer Text, noch ohne Haltung"  # nothing half-written


def test_after_the_deadline_the_page_refuses_a_new_statement(world, client_for):
    r = round_build(world, deadline=timezone.localdate() + dt.timedelta(days=2))
    invitation = r.of(r.organisations[0])
    client = client_for(world.users[Role.EXTERNAL_STAKEHOLDER])
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        page = client.get(invitation_url(invitation)).content.decode()
        assert "Frist zur Stellungnahme ist am" in page
        assert reverse("workflows:statement_create", args=[invitation.pk]) not in page
        answer = client.post(
            reverse("workflows:statement_create", args=[invitation.pk]),
            {"position": Position.AGREEMENT, "text": "Zu spät?"},
        )
    assert answer.status_code == 409
    assert "Zu spät?" in answer.content.decode()
    assert not Statement.objects.exists()


def test_extension_request_through_the_page(world, r, client_for):
    invitation = r.of(r.organisations[0])
    client = client_for(world.users[Role.EXTERNAL_STAKEHOLDER])
    url = reverse("workflows:invitation_extension_request", args=[invitation.pk])
    early = client.post(url, {"until": r.round.deadline.isoformat(), "comment": "Ratssitzung"})
    assert early.status_code == 400
    assert "muss nach der bisherigen Frist" in early.content.decode()
    assert "Ratssitzung" in early.content.decode()
    missing = client.post(url, {"until": "", "comment": ""})
    assert missing.status_code == 400
    assert "bis wann" in missing.content.decode()
    assert "Bitte begründen Sie" in missing.content.decode()
    later = r.round.deadline + dt.timedelta(days=10)
    done = client.post(url, {"until": later.isoformat(), "comment": "Ratssitzung erst später"})
    assert done.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.EXTENSION_REQUESTED
    assert invitation.extension_requested_until == later


def test_decline_through_the_page(world, r, client_for):
    invitation = r.of(r.organisations[0])
    client = client_for(world.users[Role.EXTERNAL_STAKEHOLDER])
    answer = client.post(
        reverse("workflows:invitation_decline", args=[invitation.pk]),
        {"comment": "Nicht betroffen", "expected_state": "invited"},
    )
    assert answer.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED


def test_another_organisations_invitation_and_statement_are_404(world, r, client_for):
    other = r.of(r.organisations[1])
    other_contact = r.contacts[r.organisations[1].pk]
    statement = statement_draft(other, by=other_contact)
    client = client_for(world.users[Role.EXTERNAL_STAKEHOLDER])
    department_statement = statement_draft(
        r.of(world.department), by=world.users[Role.DEPARTMENT_EDITOR]
    )
    for url in (
        invitation_url(other),
        reverse("workflows:statement_create", args=[other.pk]),
        reverse("workflows:invitation_decline", args=[other.pk]),
        reverse("workflows:invitation_extension_request", args=[other.pk]),
    ):
        method = client.get if url == invitation_url(other) else client.post
        assert method(url).status_code == 404, url
    for s in (statement, department_statement):
        assert client.get(statement_url(s)).status_code == 404
        for name in (
            "statement_edit",
            "statement_release",
            "statement_correct",
            "statement_discard",
        ):
            assert client.post(statement_url(s, name)).status_code == 404, name
    # Released ones stay another organisation's too.
    statement_release(acting_user=other_contact, statement=statement)
    assert client.get(statement_url(statement)).status_code == 404
    assert Statement.objects.count() == 2
    listing = client.get(reverse("workflows:my_invitations")).content.decode()
    assert invitation_url(other) not in listing


def test_another_departments_head_gets_404_for_a_department_draft(world, r, client_for):
    statement = statement_draft(r.of(world.department), by=world.users[Role.DEPARTMENT_EDITOR])
    client = client_for(world.users["other_department_head"])
    assert client.get(statement_url(statement)).status_code == 404
    assert client.post(statement_url(statement, "statement_release")).status_code == 404


def test_the_editor_drafts_the_head_releases(world, r, client_for):
    invitation = r.of(world.department)
    editor = client_for(world.users[Role.DEPARTMENT_EDITOR])
    head = client_for(world.users[Role.DEPARTMENT_HEAD])
    editor.post(
        reverse("workflows:statement_create", args=[invitation.pk]),
        {"position": Position.AGREEMENT, "text": "Einverstanden."},
    )
    statement = Statement.objects.get()
    page = editor.get(statement_url(statement)).content.decode()
    assert "freigeben kann die Leitung" in page
    assert statement_url(statement, "statement_release") not in page
    refused = editor.post(statement_url(statement, "statement_release"))
    assert refused.status_code == 403
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT

    assert (
        statement_url(statement, "statement_release")
        in head.get(statement_url(statement)).content.decode()
    )
    assert head.post(statement_url(statement, "statement_release")).status_code == 302
    statement.refresh_from_db()
    invitation.refresh_from_db()
    assert statement.state == StatementState.RELEASED
    assert invitation.state == InvitationState.SUBMITTED


def test_four_eyes_on_the_page(world, r, client_for):
    organisation = r.organisations[0]
    organisation.second_person_release = True
    organisation.save()
    extern = world.users[Role.EXTERNAL_STAKEHOLDER]
    statement = statement_draft(r.of(organisation), by=extern)
    client = client_for(extern)
    page = client.get(statement_url(statement)).content.decode()
    assert "Freigabe durch eine zweite Person" in page
    assert statement_url(statement, "statement_release") not in page
    refused = client.post(statement_url(statement, "statement_release"))
    assert refused.status_code == 422
    assert "Freigabe durch eine zweite Person" in refused.content.decode()
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT


def test_a_get_changes_nothing(world, r, client_for):
    extern = world.users[Role.EXTERNAL_STAKEHOLDER]
    statement = statement_draft(r.of(r.organisations[0]), by=extern)
    client = client_for(extern)
    before = (
        TransitionLog.objects.count(),
        OutboxMessage.objects.count(),
        Statement.objects.count(),
    )
    for name in (
        "statement_detail",
        "statement_edit",
        "statement_release",
        "statement_correct",
        "statement_discard",
    ):
        answer = client.get(statement_url(statement, name))
        assert answer.status_code in (200, 405), name
    for name in ("invitation_detail", "statement_create", "invitation_decline"):
        client.get(reverse(f"workflows:{name}", args=[statement.invitation_id]))
    client.get(reverse("workflows:my_invitations"))
    after = (
        TransitionLog.objects.count(),
        OutboxMessage.objects.count(),
        Statement.objects.count(),
    )
    assert before == after
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT


def test_a_co_signer_sees_the_joint_statement_on_their_invitation(world, r, client_for):
    extern = world.users[Role.EXTERNAL_STAKEHOLDER]
    partner = r.of(r.organisations[1])
    client_for(extern).post(
        reverse("workflows:statement_create", args=[r.of(r.organisations[0]).pk]),
        {"position": Position.AGREEMENT, "text": "Gemeinsam getragen.", "co_signers": [partner.pk]},
    )
    statement = Statement.objects.get()
    assert list(statement.co_signers.all()) == [partner]
    statement_release(acting_user=extern, statement=statement)
    partner_client = client_for(r.contacts[r.organisations[1].pk])
    html = partner_client.get(invitation_url(partner)).content.decode()
    assert "Gemeinsam getragen." in html
    assert "Gemeinsame Stellungnahmen, die für Sie gelten" in html
    assert partner_client.get(statement_url(statement)).status_code == 200
    partner.refresh_from_db()
    assert partner.state == InvitationState.SUBMITTED


def test_the_strategy_unit_reads_released_statements_not_drafts(world, r, client_for):
    extern = world.users[Role.EXTERNAL_STAKEHOLDER]
    invitation = r.of(r.organisations[0])
    draft = statement_draft(invitation, by=extern)
    client = client_for(world.users[Role.STRATEGY_UNIT])
    assert client.get(statement_url(draft)).status_code == 404
    statement_release(acting_user=extern, statement=draft)
    page = client.get(statement_url(draft))
    assert page.status_code == 200
    assert statement_url(draft, "statement_correct") not in page.content.decode()
    assert client.get(invitation_url(invitation)).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/beteiligung/einladung/{n}/",
        "/beteiligung/stellungnahme/{n}/",
    ],
)
def test_an_id_too_large_for_the_database_is_404(world, client_for, path):
    client = client_for(world.users[Role.EXTERNAL_STAKEHOLDER])
    assert client.get(path.format(n="9" * 30)).status_code == 404
    assert client.post(path.format(n="9" * 30) + "freigeben/").status_code == 404


def test_the_external_contact_finds_their_invitations_from_home(world, r, client_for):
    client = client_for(world.users[Role.EXTERNAL_STAKEHOLDER])
    home = client.get("/").content.decode()
    assert reverse("workflows:my_invitations") in home
    assert "Meine Einladungen" in home


def test_the_invitation_page_reads_a_fixed_number_of_queries(world, r, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    extern = world.users[Role.EXTERNAL_STAKEHOLDER]
    invitation = r.of(r.organisations[0])
    client = client_for(extern)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(invitation_url(invitation)).status_code == 200
        return len(queries)

    first = statement_draft(invitation, by=extern, section=r.sections[0])
    first.co_signers.set([r.of(r.organisations[1]), r.of(world.department)])
    statement_release(acting_user=extern, statement=first)
    one = count()
    statement_correct(acting_user=extern, statement=first)
    for section in r.sections:
        s = statement_draft(invitation, by=extern, section=section)
        s.co_signers.set([r.of(world.department)])
    assert count() == one


def test_attachments_are_offered_on_a_draft_only(world, r, client_for):
    extern = world.users[Role.EXTERNAL_STAKEHOLDER]
    statement = statement_draft(r.of(r.organisations[0]), by=extern)
    client = client_for(extern)
    upload = reverse("workflows:statement_file_upload", args=[statement.pk])
    assert upload in client.get(statement_url(statement)).content.decode()
    statement_release(acting_user=extern, statement=statement)
    html = client.get(statement_url(statement)).content.decode()
    assert upload not in html
    assert "Keine Anlagen." in html
