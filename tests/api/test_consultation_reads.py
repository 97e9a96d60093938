"""Reading rounds, invitations, statements, dispositions and the weighing table by API.

Every read goes through the access gate: those who run rounds (strategy unit, management)
see every round and what was given in it; a department sees its own invitation and
statements (drafts too) and, once concluded, how they were weighed; an evaluating
department sees what is assigned to it; another body's objects and a draft round are 404;
external stakeholders have no API use (403).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from planning_cycle.models import Role
from tests.support.consultation import round_build, statement_draft
from tests.support.factories import user_with_role
from tests.support.world import World, build_world
from workflows.consultation.models import ConsultationRound
from workflows.consultation.states import RoundState

from .consultation import Scene, ids, logged_in, problem, released, scene_build

pytestmark = pytest.mark.django_db

RESOURCES = ("consultation-rounds", "consultation-invitations", "statements", "dispositions")


@pytest.fixture
def scene(world: World) -> Scene:
    return scene_build(world)


def test_the_strategy_unit_reads_the_whole_round(scene: Scene, client: Client) -> None:
    c = logged_in(client, scene.world.users[Role.STRATEGY_UNIT])

    (round_row,) = c.get("/api/v1/consultation-rounds/").json()["results"]
    detail = c.get(f"/api/v1/consultation-rounds/{scene.round_id}/").json()

    assert round_row == detail
    assert (detail["state"], detail["state_label"]) == ("open", "offen für Stellungnahmen")
    assert [s["number"] for s in detail["sections"]] == ["1", "2", "3"]
    assert detail["cycle"]["year"] == 2026
    assert "created_by" not in detail  # no persons in the API's answers
    assert sorted(ids(c.get("/api/v1/consultation-invitations/"))) == sorted(
        i.pk for i in scene.built.invitations
    )
    # Released statements only: a draft stays with its department.
    assert sorted(ids(c.get("/api/v1/statements/"))) == sorted([scene.own.pk, scene.external.pk])
    assert sorted(ids(c.get("/api/v1/dispositions/"))) == sorted(
        [scene.weighed.pk, scene.open_evaluation.pk]
    )
    statement = c.get(f"/api/v1/statements/{scene.external.pk}/").json()
    assert statement["organisation"] == {
        "id": scene.built.organisations[0].pk,
        "name": scene.built.organisations[0].name,
    }
    assert statement["department"] is None
    assert (statement["position"], statement["position_label"]) == ("rejection", "Ablehnung")
    assert statement["section"]["number"] == "2"
    disposition = c.get(f"/api/v1/dispositions/{scene.weighed.pk}/").json()
    assert disposition["statement"] == scene.own.pk
    assert disposition["department"]["code"] == "FD 32"
    assert (disposition["disposition"], disposition["disposition_label"]) == (
        "partly",
        "teilweise berücksichtigt",
    )


def test_a_department_sees_its_own_invitation_and_statements(scene: Scene, client: Client) -> None:
    world = scene.world
    own_invitation = scene.built.of(world.departments[0])
    c = logged_in(client, world.users[Role.DEPARTMENT_HEAD])

    assert ids(c.get("/api/v1/consultation-rounds/")) == [scene.round_id]
    assert ids(c.get("/api/v1/consultation-invitations/")) == [own_invitation.pk]
    assert ids(c.get("/api/v1/statements/")) == [scene.own.pk]
    # The round is not concluded: how its statement was weighed is not published yet.
    assert ids(c.get("/api/v1/dispositions/")) == []
    for path in (
        f"consultation-invitations/{scene.built.of(world.departments[1]).pk}",
        f"statements/{scene.draft.pk}",
        f"statements/{scene.external.pk}",
        f"dispositions/{scene.weighed.pk}",
    ):
        problem(c.get(f"/api/v1/{path}/"), 404)
        problem(c.get(f"/api/v1/{path}/transitions/"), 404)


def test_the_evaluating_department_sees_what_is_assigned_to_it(
    scene: Scene, client: Client
) -> None:
    c = logged_in(client, scene.world.users["other_department_head"])

    assert ids(c.get("/api/v1/dispositions/")) == [scene.weighed.pk]
    # Its own draft and the statement it weighs; not the organisation's statement.
    assert sorted(ids(c.get("/api/v1/statements/"))) == sorted([scene.own.pk, scene.draft.pk])
    problem(c.get(f"/api/v1/dispositions/{scene.open_evaluation.pk}/"), 404)


def test_after_conclusion_the_invitee_reads_how_it_was_weighed(
    scene: Scene, client: Client
) -> None:
    ConsultationRound.objects.filter(pk=scene.round_id).update(state=RoundState.CONCLUDED)
    c = logged_in(client, scene.world.users[Role.DEPARTMENT_HEAD])

    assert ids(c.get("/api/v1/dispositions/")) == [scene.weighed.pk]
    # The published weighing table: every row, none with a person's name.
    rows = table(c, scene)
    assert [r["statement"] for r in rows] == [scene.own.pk, scene.external.pk]
    assert (rows[0]["disposition"], rows[0]["reason"]) == ("partly", scene.weighed.reason)
    assert not any(key.startswith(("released_by", "drafted_by")) for key in rows[0])


def test_a_draft_round_is_seen_only_by_those_who_run_rounds(world: World, client: Client) -> None:
    draft = round_build(world, open_=False).round

    for role, seen in (
        (Role.STRATEGY_UNIT, [draft.pk]),
        (Role.MANAGEMENT, [draft.pk]),
        (Role.DEPARTMENT_HEAD, []),  # invited, but the invitation is not out yet
        (Role.COUNCIL_MEMBER, []),
        (Role.COMMITTEE_SECRETARY, []),
    ):
        c = logged_in(Client(), world.users[role])
        assert ids(c.get("/api/v1/consultation-rounds/")) == seen, role
        assert ids(c.get("/api/v1/consultation-invitations/")) == (
            [] if not seen else ids(c.get(f"/api/v1/consultation-invitations/?round={draft.pk}"))
        )
    c = logged_in(client, world.users[Role.DEPARTMENT_HEAD])
    problem(c.get(f"/api/v1/consultation-rounds/{draft.pk}/"), 404)
    problem(c.get(f"/api/v1/consultation-rounds/{draft.pk}/weighing-table/"), 404)


@pytest.mark.parametrize("resource", RESOURCES)
def test_another_bodys_objects_are_not_found(scene: Scene, client: Client, resource: str) -> None:
    other = build_world(key="anderswo")
    c = logged_in(client, other.users[Role.STRATEGY_UNIT])
    pk = {
        "consultation-rounds": scene.round_id,
        "consultation-invitations": scene.built.invitations[0].pk,
        "statements": scene.own.pk,
        "dispositions": scene.weighed.pk,
    }[resource]

    assert ids(c.get(f"/api/v1/{resource}/")) == []
    problem(c.get(f"/api/v1/{resource}/{pk}/"), 404)
    problem(c.get(f"/api/v1/{resource}/{pk}/transitions/"), 404)
    if resource == "consultation-rounds":
        problem(c.get(f"/api/v1/{resource}/{pk}/weighing-table/"), 404)


@pytest.mark.parametrize("resource", RESOURCES)
def test_external_stakeholders_have_no_api_use(scene: Scene, client: Client, resource: str) -> None:
    c = logged_in(client, scene.world.users[Role.EXTERNAL_STAKEHOLDER])

    problem(c.get(f"/api/v1/{resource}/"), 403)
    problem(c.get(f"/api/v1/{resource}/{scene.external.pk}/"), 403)


def test_those_without_consultation_rights_see_nothing(scene: Scene, client: Client) -> None:
    c = logged_in(client, scene.world.users[Role.COUNCIL_MEMBER])

    for resource in RESOURCES:
        assert ids(c.get(f"/api/v1/{resource}/")) == [], resource
    problem(c.get(f"/api/v1/consultation-rounds/{scene.round_id}/weighing-table/"), 404)


# --- filters ----------------------------------------------------------------------------


def test_lists_filter(scene: Scene, client: Client) -> None:
    world = scene.world
    c = logged_in(client, world.users[Role.STRATEGY_UNIT])
    org = scene.built.organisations[0]
    sections = scene.built.sections

    def get(query: str) -> list[int]:
        return sorted(ids(c.get(f"/api/v1/{query}")))

    assert get("consultation-rounds/?state=open") == [scene.round_id]
    assert get("consultation-rounds/?state=draft") == []
    assert get(f"consultation-rounds/?cycle={world.cycle.pk}") == [scene.round_id]
    assert get(f"consultation-invitations/?organisation={org.pk}") == [scene.built.of(org).pk]
    assert get(f"consultation-invitations/?department={world.departments[0].pk}") == [
        scene.built.of(world.departments[0]).pk
    ]
    # Releasing a statement answered its invitation.
    answered = sorted(scene.built.of(i).pk for i in (world.departments[0], org))
    assert get(f"consultation-invitations/?round={scene.round_id}&state=submitted") == answered
    assert len(get(f"consultation-invitations/?round={scene.round_id}&state=invited")) == 2
    assert get("statements/?position=rejection") == [scene.external.pk]
    assert get(f"statements/?section={sections[0].pk}") == [scene.own.pk]
    assert get(f"statements/?round={scene.round_id}&state=released") == sorted(
        [scene.own.pk, scene.external.pk]
    )
    assert get(f"statements/?organisation={org.pk}") == [scene.external.pk]
    assert get("dispositions/?disposition=partly") == [scene.weighed.pk]
    assert get("dispositions/?state=assigned") == [scene.open_evaluation.pk]
    assert get(f"dispositions/?department={world.departments[1].pk}") == [scene.weighed.pk]
    assert get(f"dispositions/?section={sections[1].pk}") == [scene.open_evaluation.pk]
    assert get("dispositions/?position=agreement_with_changes") == [scene.weighed.pk]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("statements/?position=jein", "position"),
        ("dispositions/?disposition=vielleicht", "disposition"),
        ("consultation-invitations/?round=abc", "round"),
        ("consultation-rounds/?state=offen", "state"),
        ("consultation-rounds/?ordering=title", "ordering"),
        ("consultation-rounds/{round}/weighing-table/?section=0", "section"),
        ("consultation-rounds/{round}/weighing-table/?position=ja", "position"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(
    scene: Scene, client: Client, query: str, parameter: str
) -> None:
    c = logged_in(client, scene.world.users[Role.STRATEGY_UNIT])

    body = problem(c.get("/api/v1/" + query.format(round=scene.round_id)), 400)

    assert [e["field"] for e in body["errors"]] == [f"/{parameter}"]


# --- the weighing table -----------------------------------------------------------------


def table(c: Client, scene: Scene, query: str = "") -> list[dict[str, Any]]:
    response = c.get(f"/api/v1/consultation-rounds/{scene.round_id}/weighing-table/{query}")
    assert response.status_code == 200, response.content
    rows: list[dict[str, Any]] = response.json()
    return rows


def statements(rows: list[dict[str, Any]]) -> list[int]:
    return [r["statement"] for r in rows]


def test_the_weighing_table_lists_released_statements_with_their_evaluation(
    scene: Scene, client: Client
) -> None:
    world = scene.world
    c = logged_in(client, world.users[Role.STRATEGY_UNIT])

    rows = table(c, scene)

    # In the draft's order (by section); the draft statement is not in it.
    assert statements(rows) == [scene.own.pk, scene.external.pk]
    own, external = rows
    assert (own["number"], own["invitee"], own["section"]) == (
        1,
        str(world.departments[0]),
        scene.built.sections[0].pk,
    )
    assert own["section_label"] == "1 Handlungsfeld 1"
    assert (own["evaluation"], own["evaluation_state"]) == (scene.weighed.pk, "recorded")
    assert own["evaluator_department"] == world.departments[1].pk
    assert (own["disposition"], own["disposition_label"]) == ("partly", "teilweise berücksichtigt")
    assert own["reason"].startswith("Die Radwege")
    assert external["invitee"] == scene.built.organisations[0].name
    assert (external["evaluation_state"], external["disposition"]) == ("assigned", "")
    assert external["conflict_reasons"]  # a rejection not yet weighed
    assert statements(table(c, scene, "?position=rejection")) == [scene.external.pk]
    assert statements(table(c, scene, "?disposition=partly")) == [scene.own.pk]
    dept = world.departments[1].pk
    assert statements(table(c, scene, f"?evaluator={dept}")) == [scene.own.pk]
    section = scene.built.sections[1].pk
    assert statements(table(c, scene, f"?section={section}")) == [scene.external.pk]
    assert table(c, scene, "?disposition=noted") == []


def test_an_evaluator_reads_the_rows_assigned_to_it(scene: Scene, client: Client) -> None:
    c = logged_in(client, scene.world.users["other_department_head"])

    assert statements(table(c, scene)) == [scene.own.pk]


def test_an_invitee_reads_the_weighing_table_only_once_published(
    scene: Scene, client: Client
) -> None:
    c = logged_in(client, scene.world.users[Role.DEPARTMENT_HEAD])
    url = f"/api/v1/consultation-rounds/{scene.round_id}/weighing-table/"

    problem(c.get(url), 404)  # the round is open: nothing is published yet
    ConsultationRound.objects.filter(pk=scene.round_id).update(state=RoundState.CONCLUDED)
    assert statements(table(c, scene)) == [scene.own.pk, scene.external.pk]


def test_statements_on_the_draft_as_a_whole_come_first(world: World, client: Client) -> None:
    scene = scene_build(world, organisations=4)
    general = [
        released(
            statement_draft(scene.built.of(org), by=scene.built.contacts[org.pk]),
            scene.built.contacts[org.pk],
        ).pk
        for org in scene.built.organisations[1:]
    ]
    c = logged_in(client, world.users[Role.STRATEGY_UNIT])

    rows = table(c, scene)

    assert statements(rows) == [*general, scene.own.pk, scene.external.pk]
    assert [r["number"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["section"] is None


# --- query counts -----------------------------------------------------------------------


def _queries(c: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


LIST_URLS = (
    "/api/v1/consultation-rounds/",
    "/api/v1/consultation-invitations/",
    "/api/v1/statements/",
    "/api/v1/dispositions/",
    "/api/v1/consultation-rounds/{round}/weighing-table/",
)


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize("role", [Role.STRATEGY_UNIT, "other_department_head"])
def test_a_page_costs_the_same_queries_however_many_rows(
    db: None, url: str, role: str, django_assert_num_queries: Any
) -> None:
    counts = []
    for n in (2, 8):
        world = build_world(key=f"queries-{n}", departments=n)
        scene = scene_build(world, organisations=n, departments=n)
        for org in scene.built.organisations[1:]:
            released(
                statement_draft(scene.built.of(org), by=scene.built.contacts[org.pk]),
                scene.built.contacts[org.pk],
            )
        c = logged_in(Client(), world.users[role])
        counts.append(_queries(c, url.format(round=scene.round_id)))
    assert counts[0] == counts[1], counts
    with django_assert_num_queries(counts[1]):
        c.get(url.format(round=scene.round_id))


def test_a_department_not_invited_sees_nothing(scene: Scene, client: Client) -> None:
    outsider = user_with_role(scene.world.body, Role.DEPARTMENT_HEAD, scene.world.departments[2])
    c = logged_in(client, outsider)

    assert ids(c.get("/api/v1/consultation-rounds/")) == []
    problem(c.get(f"/api/v1/consultation-rounds/{scene.round_id}/"), 404)
    problem(c.get(f"/api/v1/statements/{scene.own.pk}/"), 404)
