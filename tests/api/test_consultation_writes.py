"""Writing rounds, invitees, statements and extension requests through the API.

Every write calls the consultation services: a refusal keeps its status (403 for a role
that may not, 409 for a state that does not allow it) and a bad body is a 400 problem
naming the field; nothing is half written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from planning_cycle.models import Role
from tests.support.consultation import round_build
from tests.support.factories import OrganisationFactory
from tests.support.world import World, build_world
from workflows.consultation.models import ConsultationRound, Evaluation, Invitation, Statement

from .consultation import Scene, logged_in, problem, scene_build

pytestmark = pytest.mark.django_db

ROUNDS = "/api/v1/consultation-rounds/"


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, body, content_type="application/json")


def patch(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.patch(url, body, content_type="application/json")


def fields(response: Any) -> list[str]:
    return [e["field"] for e in problem(response, 400)["errors"]]


@pytest.fixture
def strategy(world: World, client: Client) -> Client:
    return logged_in(client, world.users[Role.STRATEGY_UNIT])


# --- rounds -----------------------------------------------------------------------------


def test_the_strategy_unit_creates_a_draft_round(world: World, strategy: Client) -> None:
    response = post(
        strategy,
        ROUNDS,
        {
            "title": "Entwurf Zielkatalog 2027",
            "subject_kind": "goal_catalog",
            "description": "Bitte um Stellungnahme.",
            "deadline": in_days(30),
            "cycle": world.cycle.pk,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    created = ConsultationRound.objects.get(pk=body["id"])
    assert (created.title, created.state, created.cycle_id) == (
        "Entwurf Zielkatalog 2027",
        "draft",
        world.cycle.pk,
    )
    assert (body["state"], body["subject_kind"], body["cycle"]["id"]) == (
        "draft",
        "goal_catalog",
        world.cycle.pk,
    )
    assert body["sections"] == []


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.DEPARTMENT_HEAD, Role.COUNCIL_MEMBER])
def test_only_the_strategy_unit_creates_rounds(world: World, client: Client, role: str) -> None:
    c = logged_in(client, world.users[role])

    problem(post(c, ROUNDS, {"title": "Runde", "deadline": in_days(10)}), 403)

    assert not ConsultationRound.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"deadline": "2099-01-01"}, "/title"),
        ({"title": "Runde"}, "/deadline"),
        ({"title": "", "deadline": "2099-01-01"}, "/title"),
        ({"title": "Runde", "deadline": "morgen"}, "/deadline"),
        ({"title": "Runde", "deadline": "2000-01-01"}, "/deadline"),  # the service: past
        ({"title": "Runde", "deadline": "2099-01-01", "subject_kind": "roman"}, "/subject_kind"),
        ({"title": "Runde", "deadline": "2099-01-01", "cycle": 0}, "/cycle"),
        ({"title": "Runde", "deadline": "2099-01-01", "farbe": "blau"}, "/farbe"),
        ({"title": "x" * 201, "deadline": "2099-01-01"}, "/title"),
    ],
)
def test_a_bad_round_is_a_400_naming_the_field(
    strategy: Client, body: dict[str, Any], field: str
) -> None:
    assert fields(post(strategy, ROUNDS, body)) == [field]
    assert not ConsultationRound.objects.exists()


def test_a_cycle_or_previous_round_of_another_body_is_unknown(
    world: World, strategy: Client
) -> None:
    other = build_world(key="anderswo")
    foreign = round_build(other, open_=False).round

    cycle = post(strategy, ROUNDS, {"title": "R", "deadline": in_days(9), "cycle": other.cycle.pk})
    previous = post(
        strategy, ROUNDS, {"title": "R", "deadline": in_days(9), "previous_round": foreign.pk}
    )

    assert fields(cycle) == ["/cycle"]
    assert fields(previous) == ["/previous_round"]
    assert not ConsultationRound.objects.filter(body=world.body).exists()


def test_a_draft_round_is_changed_and_an_open_one_is_not(world: World, strategy: Client) -> None:
    draft = round_build(world, open_=False, title="Alt").round
    scene = scene_build(world)

    changed = patch(strategy, f"{ROUNDS}{draft.pk}/", {"title": "Neu", "deadline": in_days(40)})
    refused = patch(strategy, f"{ROUNDS}{scene.round_id}/", {"title": "Neu"})

    assert changed.status_code == 200, changed.content
    assert (changed.json()["title"], changed.json()["deadline"]) == ("Neu", in_days(40))
    assert changed.json()["description"] == draft.description  # left out: kept
    assert "Offen für Stellungnahmen".lower() in problem(refused, 409)["detail"].lower()
    assert ConsultationRound.objects.get(pk=scene.round_id).title == scene.built.round.title


def test_another_bodys_round_cannot_be_changed(world: World, client: Client) -> None:
    other = build_world(key="anderswo")
    foreign = round_build(other, open_=False, title="Fremd").round
    c = logged_in(client, world.users[Role.STRATEGY_UNIT])

    problem(patch(c, f"{ROUNDS}{foreign.pk}/", {"title": "Meins"}), 404)
    problem(post(c, f"{ROUNDS}{foreign.pk}/invitations/", {"departments": [1]}), 404)

    assert ConsultationRound.objects.get(pk=foreign.pk).title == "Fremd"


# --- invitees ---------------------------------------------------------------------------


def test_departments_and_organisations_are_invited(world: World, strategy: Client) -> None:
    draft = round_build(world, open_=False, departments=1, organisations=1).round
    extra = OrganisationFactory(body=world.body)

    response = post(
        strategy,
        f"{ROUNDS}{draft.pk}/invitations/",
        {"departments": [world.departments[2].pk], "organisations": [extra.pk]},
    )

    assert response.status_code == 201, response.content
    rows = response.json()
    assert [(r["department"] or {}).get("code") for r in rows] == ["FD 33", None]
    assert rows[1]["organisation"]["name"] == extra.name
    assert Invitation.objects.filter(round=draft).count() == 4


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({}, "/departments", 400),
        ({"departments": []}, "/departments", 400),
        ({"departments": ["FD 31"]}, "/departments/0", 400),
        ({"departments": [999999]}, "/departments", 400),  # the service: not of this body
        ({"organisations": [999999]}, "/organisations", 400),
    ],
)
def test_bad_invitees_are_named(
    world: World, strategy: Client, body: dict[str, Any], field: str, status: int
) -> None:
    draft = round_build(world, open_=False).round
    before = Invitation.objects.count()

    assert fields(post(strategy, f"{ROUNDS}{draft.pk}/invitations/", body)) == [field]
    assert Invitation.objects.count() == before


def test_inviting_twice_is_a_conflict(world: World, strategy: Client) -> None:
    draft = round_build(world, open_=False).round

    response = post(
        strategy, f"{ROUNDS}{draft.pk}/invitations/", {"departments": [world.departments[0].pk]}
    )

    assert "Bereits eingeladen" in problem(response, 409)["detail"]


# --- statements -------------------------------------------------------------------------


@pytest.fixture
def scene(world: World) -> Scene:
    return scene_build(world)


def test_a_department_drafts_edits_and_releases_a_statement(scene: Scene, client: Client) -> None:
    world = scene.world
    invitation = scene.built.of(world.departments[0])
    c = logged_in(client, world.users[Role.DEPARTMENT_HEAD])

    created = post(
        c,
        "/api/v1/statements/",
        {
            "invitation": invitation.pk,
            "position": "agreement",
            "text": "Wir stimmen zu.",
            "section": scene.built.sections[2].pk,
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    edited = patch(
        c,
        f"/api/v1/statements/{pk}/",
        {
            "text": "Wir stimmen ausdrücklich zu.",
            "expected_updated_at": created.json()["updated_at"],
        },
    )
    released = post(c, f"/api/v1/statements/{pk}/transitions/release/", {})

    assert edited.status_code == 200, edited.content
    assert edited.json()["position"] == "agreement"  # left out: kept
    assert edited.json()["section"]["number"] == "3"
    assert released.status_code == 200, released.content
    statement = Statement.objects.get(pk=pk)
    assert (statement.state, statement.text) == ("released", "Wir stimmen ausdrücklich zu.")
    # A released statement never changes.
    problem(patch(c, f"/api/v1/statements/{pk}/", {"text": "doch nicht"}), 409)
    assert Statement.objects.get(pk=pk).text == "Wir stimmen ausdrücklich zu."


def test_a_stale_edit_is_a_conflict(scene: Scene, client: Client) -> None:
    c = logged_in(client, scene.world.users["other_department_head"])

    response = patch(
        c,
        f"/api/v1/statements/{scene.draft.pk}/",
        {"text": "Neu", "expected_updated_at": "2020-01-01T00:00:00Z"},
    )

    problem(response, 409)
    assert Statement.objects.get(pk=scene.draft.pk).text == scene.draft.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"position": "jein"}, "/position"),
        ({"section": 0}, "/section"),
        ({"text": "x" * 20_001}, "/text"),
        ({"co_signers": [999999]}, "/co_signers"),
        ({"state": "released"}, "/state"),
    ],
)
def test_a_bad_statement_edit_is_named(
    scene: Scene, client: Client, body: dict[str, Any], field: str
) -> None:
    c = logged_in(client, scene.world.users["other_department_head"])

    assert fields(patch(c, f"/api/v1/statements/{scene.draft.pk}/", body)) == [field]
    assert Statement.objects.get(pk=scene.draft.pk).state == "draft"


def test_a_section_of_another_round_is_refused(world: World, scene: Scene, client: Client) -> None:
    other_round = round_build(world, open_=False, title="Zweite Runde")
    c = logged_in(client, world.users["other_department_head"])

    response = patch(
        c, f"/api/v1/statements/{scene.draft.pk}/", {"section": other_round.sections[0].pk}
    )

    assert fields(response) == ["/section"]


def test_a_statement_for_someone_elses_invitation_is_refused(scene: Scene, client: Client) -> None:
    world = scene.world
    c = logged_in(client, world.users[Role.DEPARTMENT_HEAD])
    before = Statement.objects.count()

    foreign = post(
        c,
        "/api/v1/statements/",
        {"invitation": scene.built.of(world.departments[1]).pk, "text": "x"},
    )
    edit = patch(c, f"/api/v1/statements/{scene.draft.pk}/", {"text": "x"})

    assert fields(foreign) == ["/invitation"]
    problem(edit, 404)
    assert Statement.objects.count() == before


def test_a_released_statement_is_corrected_by_a_new_version(scene: Scene, client: Client) -> None:
    c = logged_in(client, scene.world.users[Role.DEPARTMENT_HEAD])

    response = post(c, f"/api/v1/statements/{scene.own.pk}/correct/", {})
    again = post(c, f"/api/v1/statements/{scene.own.pk}/correct/", {})
    with_body = post(c, f"/api/v1/statements/{scene.own.pk}/correct/", {"text": "x"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["supersedes"], body["state"]) == (2, scene.own.pk, "draft")
    assert body["text"] == scene.own.text
    problem(again, 409)
    assert fields(with_body) == ["/text"]
    assert Statement.objects.get(pk=scene.own.pk).state == "released"


def test_a_draft_is_not_corrected_but_edited(scene: Scene, client: Client) -> None:
    c = logged_in(client, scene.world.users["other_department_head"])

    problem(post(c, f"/api/v1/statements/{scene.draft.pk}/correct/", {}), 409)


# --- extension requests -----------------------------------------------------------------


def test_an_invitee_asks_for_more_time_and_the_strategy_unit_grants_it(
    scene: Scene, client: Client
) -> None:
    world = scene.world
    invitation = scene.built.of(world.departments[1])
    head = logged_in(Client(), world.users["other_department_head"])
    strategy = logged_in(client, world.users[Role.STRATEGY_UNIT])
    url = f"/api/v1/consultation-invitations/{invitation.pk}/"

    too_early = post(head, f"{url}extension-request/", {"until": in_days(1), "reason": "Urlaub"})
    asked = post(head, f"{url}extension-request/", {"until": in_days(60), "reason": "Urlaub"})
    granted = post(strategy, f"{url}transitions/grant_extension/", {})

    assert fields(too_early) == ["/until"]
    assert asked.status_code == 200, asked.content
    assert asked.json()["state"] == "extension_requested"
    assert granted.status_code == 200, granted.content
    after = strategy.get(url).json()
    assert (after["state"], after["extended_until"], after["deadline"]) == (
        "invited",
        in_days(60),
        in_days(60),
    )


def test_an_extension_request_needs_a_reason_and_the_right(scene: Scene, client: Client) -> None:
    world = scene.world
    invitation = scene.built.of(world.departments[1])
    url = f"/api/v1/consultation-invitations/{invitation.pk}/extension-request/"
    strategy = logged_in(Client(), world.users[Role.STRATEGY_UNIT])
    head = logged_in(client, world.users["other_department_head"])

    assert fields(post(head, url, {"until": in_days(60)})) == ["/reason"]
    problem(post(strategy, url, {"until": in_days(60), "reason": "Wir"}), 403)
    problem(
        post(
            logged_in(Client(), world.users[Role.DEPARTMENT_HEAD]),
            url,
            {"until": in_days(60), "reason": "x"},
        ),
        404,
    )
    assert Invitation.objects.get(pk=invitation.pk).state == "invited"


# --- dispositions -----------------------------------------------------------------------


def test_the_strategy_unit_assigns_and_the_evaluator_weighs_and_records(
    scene: Scene, client: Client
) -> None:
    world = scene.world
    strategy = logged_in(Client(), world.users[Role.STRATEGY_UNIT])
    evaluator = logged_in(client, world.users["other_department_head"])

    assigned = post(
        strategy,
        "/api/v1/dispositions/",
        {
            "round": scene.round_id,
            "statements": [scene.external.pk],
            "department": world.departments[1].pk,
        },
    )
    assert assigned.status_code == 201, assigned.content
    (row,) = assigned.json()
    assert (row["id"], row["department"]["code"]) == (scene.open_evaluation.pk, "FD 32")
    url = f"/api/v1/dispositions/{row['id']}/"
    weighed = patch(evaluator, url, {"disposition": "not_taken", "reason": "Die Linie bleibt."})
    recorded = post(evaluator, f"{url}transitions/record/", {"expected_state": "assigned"})

    assert weighed.status_code == 200, weighed.content
    assert weighed.json()["disposition"] == "not_taken"
    assert recorded.status_code == 200, recorded.content
    evaluation = Evaluation.objects.get(pk=row["id"])
    assert (evaluation.state, evaluation.reason) == ("recorded", "Die Linie bleibt.")
    # Recorded: it no longer changes (until the strategy unit reopens it).
    problem(patch(evaluator, url, {"reason": "anders"}), 409)


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.DEPARTMENT_HEAD])
def test_only_those_who_run_the_round_assign(scene: Scene, client: Client, role: str) -> None:
    c = logged_in(client, scene.world.users[role])

    response = post(
        c, "/api/v1/dispositions/", {"round": scene.round_id, "statements": [scene.external.pk]}
    )

    problem(response, 403)
    assert Evaluation.objects.get(pk=scene.open_evaluation.pk).department_id is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"statements": []}, "/statements"),
        ({"statements": [999999]}, "/statements"),
        ({"statements": ["draft"]}, "/statements/0"),
        ({"round": 999999}, "/round"),
        ({"department": 999999}, "/department"),
    ],
)
def test_a_bad_assignment_is_named(
    scene: Scene, strategy: Client, body: dict[str, Any], field: str
) -> None:
    before = list(Evaluation.objects.values_list("pk", "department_id").order_by("pk"))
    full = {"round": scene.round_id, "statements": [scene.external.pk], **body}

    assert fields(post(strategy, "/api/v1/dispositions/", full)) == [field]
    assert list(Evaluation.objects.values_list("pk", "department_id").order_by("pk")) == before


def test_a_draft_statement_cannot_be_assigned(scene: Scene, strategy: Client) -> None:
    response = post(
        strategy, "/api/v1/dispositions/", {"round": scene.round_id, "statements": [scene.draft.pk]}
    )

    assert fields(response) == ["/statements"]
    assert not Evaluation.objects.filter(statement=scene.draft).exists()


def test_a_disposition_is_weighed_only_by_its_evaluator(scene: Scene, client: Client) -> None:
    world = scene.world
    url = f"/api/v1/dispositions/{scene.open_evaluation.pk}/"
    Evaluation.objects.filter(pk=scene.open_evaluation.pk).update(department=world.departments[1])

    other = logged_in(Client(), world.users[Role.DEPARTMENT_HEAD])
    problem(patch(other, url, {"disposition": "taken"}), 404)
    c = logged_in(client, world.users["other_department_head"])
    assert fields(patch(c, url, {"disposition": "vielleicht"})) == ["/disposition"]
    assert fields(patch(c, url, {"disposition": "taken", "farbe": "rot"})) == ["/farbe"]
    assert Evaluation.objects.get(pk=scene.open_evaluation.pk).disposition == ""


def test_a_form_with_too_many_fields_is_a_problem_not_a_page(
    scene: Scene, strategy: Client
) -> None:
    fields_ = "&".join(f"statements={i}" for i in range(1, 1200))
    response = strategy.post(
        "/api/v1/dispositions/",
        f"round={scene.round_id}&{fields_}",
        content_type="application/x-www-form-urlencoded",
    )

    body = problem(response, 400)
    assert body["detail"] == "Die Anfrage enthält zu viele Felder oder ist zu groß."
