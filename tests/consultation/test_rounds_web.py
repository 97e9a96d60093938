"""The strategy unit's round pages over HTTP, and who sees which round (404 for the rest)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planning_cycle.models import Role, User
from tests.consultation.rounds_support import invitation_page  # noqa: F401
from tests.support.consultation import round_build
from tests.support.factories import user_with_role
from tests.support.world import World, build_world
from workflows.consultation.models import ConsultationRound
from workflows.consultation.services.rounds import REMINDER_TOPIC
from workflows.consultation.states import RoundState
from workflows.models import OutboxMessage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("invitation_page")]
HTMX = {"HTTP_HX_REQUEST": "true"}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _strategy(world: World) -> Client:
    return _client(world.users[Role.STRATEGY_UNIT])


def test_list_and_nav_link(world: World) -> None:
    built = round_build(world)
    page = _strategy(world).get(reverse("workflows:round_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert built.round.title in text
    assert 'aria-current="page">Beteiligung<' in text
    assert "Neues Beteiligungsverfahren" in text


def test_create_edit_sections_and_invitees_through_the_pages(world: World) -> None:
    client = _strategy(world)
    deadline = timezone.localdate() + dt.timedelta(days=20)
    answer = client.post(
        reverse("workflows:round_create"),
        {
            "title": "Entwurf Zielkatalog 2027",
            "subject_kind": "goal_catalog",
            "description": "Bitte Stellung nehmen.",
            "deadline": deadline.isoformat(),
            "cycle": world.cycle.pk,
        },
    )
    round_ = ConsultationRound.objects.get(title="Entwurf Zielkatalog 2027")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("workflows:round_detail", args=[round_.pk])
    answer = client.post(
        reverse("workflows:round_section_add", args=[round_.pk]),
        {"number": "1", "title": "Bildung", "text": ""},
    )
    assert answer.status_code == 302
    duplicate = client.post(
        reverse("workflows:round_section_add", args=[round_.pk]),
        {"number": "1", "title": "Nochmal Bildung", "text": ""},
    )
    assert duplicate.status_code == 409
    assert "bereits einen Abschnitt mit der Nummer" in duplicate.content.decode()
    assert "Nochmal Bildung" in duplicate.content.decode()  # the input is kept
    answer = client.post(
        reverse("workflows:round_invitees_add", args=[round_.pk]),
        {"departments": [world.departments[0].pk, world.departments[1].pk]},
    )
    assert answer.status_code == 302
    assert round_.invitations.count() == 2
    again = client.post(
        reverse("workflows:round_invitees_add", args=[round_.pk]),
        {"departments": [world.departments[0].pk]},
    )
    assert again.status_code == 409
    assert str(world.departments[0]) in again.content.decode()
    page = client.get(reverse("workflows:round_detail", args=[round_.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "1 Bildung" in text
    assert "Verfahren eröffnen und Einladungen versenden" in text
    edit = client.post(
        reverse("workflows:round_edit", args=[round_.pk]),
        {
            "title": "Entwurf Zielkatalog 2027 (2. Fassung)",
            "subject_kind": "goal_catalog",
            "description": "",
            "deadline": deadline.isoformat(),
        },
    )
    assert edit.status_code == 302
    round_.refresh_from_db()
    assert round_.title == "Entwurf Zielkatalog 2027 (2. Fassung)"


def test_create_with_an_empty_title_shows_the_form_again(world: World) -> None:
    answer = _strategy(world).post(
        reverse("workflows:round_create"),
        {
            "title": "",
            "subject_kind": "concept",
            "description": "Mein langer Text",
            "deadline": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "Mein langer Text" in text
    assert 'aria-invalid="true"' in text
    assert not ConsultationRound.objects.exists()


def test_open_through_the_transition_endpoint_and_double_click(world: World) -> None:
    round_ = round_build(world, open_=False).round
    client = _strategy(world)
    url = reverse("workflows:transition", args=["beteiligung", round_.pk])
    data = {"transition": "open", "expected_state": "draft", "next": f"/beteiligung/{round_.pk}/"}
    first = client.post(url, data, **HTMX)
    assert first.status_code == 200
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN
    second = client.post(url, data, **HTMX)
    assert second.status_code == 409
    assert "nicht mehr möglich" in second.content.decode()
    plain = client.post(url, data, follow=True)
    assert plain.status_code == 200
    assert "nicht mehr möglich" in plain.content.decode()


def test_board_and_reminder(world: World) -> None:
    built = round_build(world)
    client = _strategy(world)
    board = client.get(reverse("workflows:round_board", args=[built.round.pk]))
    assert board.status_code == 200
    assert "Erinnerung an alle 4 Eingeladenen ohne Antwort senden" in board.content.decode()
    answer = client.post(reverse("workflows:round_remind", args=[built.round.pk]), follow=True)
    assert answer.status_code == 200
    assert OutboxMessage.objects.filter(topic=REMINDER_TOPIC).count() == 4


def test_another_bodys_round_is_not_found(world: World) -> None:
    other = build_world("andere-kommune")
    foreign = round_build(other).round
    client = _strategy(world)
    for name in ("round_detail", "round_edit", "round_board"):
        assert client.get(reverse(f"workflows:{name}", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("workflows:round_remind", args=[foreign.pk])).status_code == 404


def test_who_may_not_see_the_round_gets_404(world: World) -> None:
    built = round_build(world, departments=1)
    outsider = user_with_role(world.body, Role.DEPARTMENT_HEAD, world.departments[2])
    for user in (outsider, world.users[Role.COUNCIL_MEMBER]):
        page = _client(user).get(reverse("workflows:round_detail", args=[built.round.pk]))
        assert page.status_code == 404
    draft = round_build(world, open_=False, title="Noch Entwurf").round
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    assert (
        _client(external).get(reverse("workflows:round_detail", args=[draft.pk])).status_code == 404
    )


def test_invitee_sees_the_draft_and_only_its_own_invitation(world: World) -> None:
    built = round_build(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    client = _client(external)
    page = client.get(reverse("workflows:round_detail", args=[built.round.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Handlungsfeld 1" in text
    assert str(built.organisations[0]) in text
    assert str(built.organisations[1]) not in text
    assert "Verfahren abbrechen" not in text
    assert client.get(reverse("workflows:round_list")).status_code == 200
    assert client.get(reverse("workflows:round_board", args=[built.round.pk])).status_code == 403


def test_management_sees_but_does_not_run_rounds(world: World) -> None:
    built = round_build(world)
    client = _client(world.users[Role.MANAGEMENT])
    assert client.get(reverse("workflows:round_detail", args=[built.round.pk])).status_code == 200
    assert client.get(reverse("workflows:round_create")).status_code == 403
    assert client.post(reverse("workflows:round_remind", args=[built.round.pk])).status_code == 403
