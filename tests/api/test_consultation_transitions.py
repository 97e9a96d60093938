"""Transitions of rounds, invitations, statements and dispositions through the API.

`POST …/transitions/{name}/` fires through the transition service: a history row per step;
a role without the permission gets 403 and nothing changes; an object the user may not see
is 404; a missing required comment is a 400 naming `comment`.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from planning_cycle.models import Role
from tests.support.consultation import statement_draft
from tests.support.world import World, build_world
from workflows.consultation.models import ConsultationRound, Evaluation, Invitation, Statement
from workflows.models import TransitionLog

from .consultation import Scene, logged_in, problem, scene_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: World) -> Scene:
    return scene_build(world)


def fire(c: Client, path: str, name: str, **body: Any) -> Any:
    return c.post(f"/api/v1/{path}/transitions/{name}/", body, content_type="application/json")


def history(obj: Any) -> list[tuple[str, str, str]]:
    return list(
        TransitionLog.objects.filter(
            content_type__model=type(obj)._meta.model_name, object_id=obj.pk
        )
        .order_by("id")
        .values_list("transition", "source_state", "target_state")
    )


def test_the_strategy_unit_closes_a_round_and_the_history_has_it(
    scene: Scene, client: Client
) -> None:
    c = logged_in(client, scene.world.users[Role.STRATEGY_UNIT])
    options = c.get(f"/api/v1/consultation-rounds/{scene.round_id}/transitions/").json()

    response = fire(c, f"consultation-rounds/{scene.round_id}", "close", expected_state="open")

    assert {o["name"] for o in options} == {"close", "cancel"}
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["source_state"], body["state"], body["state_label"]) == (
        "open",
        "closed",
        "geschlossen",
    )
    assert history(scene.built.round)[-1] == ("close", "open", "closed")
    assert body["history_id"] == TransitionLog.objects.latest("id").pk


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.DEPARTMENT_HEAD])
def test_who_sees_a_round_but_does_not_run_it_may_not_close_it(
    scene: Scene, client: Client, role: str
) -> None:
    c = logged_in(client, scene.world.users[role])
    before = history(scene.built.round)

    body = problem(fire(c, f"consultation-rounds/{scene.round_id}", "close"), 403)

    assert "Beteiligung schließen" in body["detail"]
    assert ConsultationRound.objects.get(pk=scene.round_id).state == "open"
    assert history(scene.built.round) == before


def test_cancelling_needs_a_comment_naming_the_field(scene: Scene, client: Client) -> None:
    c = logged_in(client, scene.world.users[Role.STRATEGY_UNIT])

    body = problem(fire(c, f"consultation-rounds/{scene.round_id}", "cancel"), 400)

    assert [e["field"] for e in body["errors"]] == ["/comment"]
    ok = fire(c, f"consultation-rounds/{scene.round_id}", "cancel", comment="Entwurf zurückgezogen")
    assert ok.status_code == 200, ok.content
    assert history(scene.built.round)[-1] == ("cancel", "open", "cancelled")


def test_a_stale_expected_state_is_a_conflict(scene: Scene, client: Client) -> None:
    c = logged_in(client, scene.world.users[Role.STRATEGY_UNIT])

    problem(fire(c, f"consultation-rounds/{scene.round_id}", "close", expected_state="draft"), 409)

    assert ConsultationRound.objects.get(pk=scene.round_id).state == "open"


def test_another_bodys_round_is_not_found_for_firing(scene: Scene, client: Client) -> None:
    other = build_world(key="anderswo")
    c = logged_in(client, other.users[Role.STRATEGY_UNIT])

    problem(fire(c, f"consultation-rounds/{scene.round_id}", "close"), 404)

    assert ConsultationRound.objects.get(pk=scene.round_id).state == "open"


def test_a_department_releases_its_statement_through_the_api(scene: Scene, client: Client) -> None:
    c = logged_in(client, scene.world.users["other_department_head"])

    response = fire(c, f"statements/{scene.draft.pk}", "release", expected_state="draft")

    assert response.status_code == 200, response.content
    assert Statement.objects.get(pk=scene.draft.pk).state == "released"
    assert history(scene.draft) == [("release", "draft", "released")]


def test_a_draft_of_another_department_is_not_found_for_releasing(
    scene: Scene, client: Client
) -> None:
    for user in (scene.world.users[Role.DEPARTMENT_HEAD], scene.world.users[Role.STRATEGY_UNIT]):
        c = logged_in(Client(), user)
        problem(fire(c, f"statements/{scene.draft.pk}", "release"), 404)
    assert Statement.objects.get(pk=scene.draft.pk).state == "draft"


def test_an_editor_may_draft_but_not_release(scene: Scene, client: Client) -> None:
    editor = scene.world.users[Role.DEPARTMENT_EDITOR]
    draft = statement_draft(scene.built.of(scene.world.departments[0]), by=editor)
    c = logged_in(client, editor)

    problem(fire(c, f"statements/{draft.pk}", "release"), 403)
    assert Statement.objects.get(pk=draft.pk).state == "draft"


def test_the_evaluator_records_and_the_strategy_unit_reopens(scene: Scene, client: Client) -> None:
    world = scene.world
    evaluator = logged_in(Client(), world.users["other_department_head"])
    strategy = logged_in(client, world.users[Role.STRATEGY_UNIT])
    path = f"dispositions/{scene.weighed.pk}"

    assert problem(fire(strategy, path, "reopen"), 400)["errors"][0]["field"] == "/comment"
    reopened = fire(strategy, path, "reopen", comment="Bitte genauer begründen")
    problem(fire(evaluator, path, "reopen", comment="selbst"), 403)
    recorded = fire(evaluator, path, "record", expected_state="assigned")

    assert reopened.status_code == 200, reopened.content
    assert recorded.status_code == 200, recorded.content
    assert history(scene.weighed)[-2:] == [
        ("reopen", "recorded", "assigned"),
        ("record", "assigned", "recorded"),
    ]


def test_recording_without_a_disposition_is_blocked_with_the_reason(
    scene: Scene, client: Client
) -> None:
    world = scene.world
    scene.open_evaluation.department = world.departments[1]
    scene.open_evaluation.save(update_fields=["department"])
    c = logged_in(client, world.users["other_department_head"])

    body = problem(fire(c, f"dispositions/{scene.open_evaluation.pk}", "record"), 422)

    assert body["reasons"] == ["Bitte wählen Sie ein Abwägungsergebnis."]
    assert Evaluation.objects.get(pk=scene.open_evaluation.pk).state == "assigned"


def test_an_invitee_declines_through_the_api(scene: Scene, client: Client) -> None:
    invitation = scene.built.of(scene.world.departments[1])
    c = logged_in(client, scene.world.users["other_department_head"])
    path = f"consultation-invitations/{invitation.pk}"

    names = {o["name"] for o in c.get(f"/api/v1/{path}/transitions/").json()}
    response = fire(c, path, "decline", expected_state="invited")

    assert "submit" not in names  # answered only by releasing a statement
    assert {"decline", "request_extension"} <= names
    assert response.status_code == 200, response.content
    assert history(invitation) == [("decline", "invited", "declined")]


def test_an_invitation_is_answered_only_by_a_statement(scene: Scene, client: Client) -> None:
    invitation = scene.built.of(scene.world.departments[1])
    c = logged_in(client, scene.world.users["other_department_head"])

    problem(fire(c, f"consultation-invitations/{invitation.pk}", "submit"), 404)
    body = problem(fire(c, f"consultation-invitations/{invitation.pk}", "request_extension"), 422)

    assert "extension-request/" in body["detail"]
    assert Invitation.objects.get(pk=invitation.pk).state == "invited"
    assert history(invitation) == []


def test_a_round_is_weighed_only_when_every_statement_has_its_disposition(
    scene: Scene, client: Client
) -> None:
    world = scene.world
    c = logged_in(client, world.users[Role.STRATEGY_UNIT])
    path = f"consultation-rounds/{scene.round_id}"
    assert fire(c, path, "close").status_code == 200

    body = problem(fire(c, path, "evaluate"), 422)

    (reason,) = body["reasons"]
    assert reason.startswith("1 Stellungnahme ist noch nicht abgewogen: ")
    assert scene.built.organisations[0].name in reason
    Evaluation.objects.filter(pk=scene.open_evaluation.pk).update(
        department=world.departments[1], disposition="noted", reason="Zur Kenntnis."
    )
    evaluator = logged_in(Client(), world.users["other_department_head"])
    assert fire(evaluator, f"dispositions/{scene.open_evaluation.pk}", "record").status_code == 200
    evaluated = fire(c, path, "evaluate", expected_state="closed")
    assert evaluated.status_code == 200, evaluated.content
    assert history(scene.built.round)[-2:] == [
        ("close", "open", "closed"),
        ("evaluate", "closed", "evaluated"),
    ]
