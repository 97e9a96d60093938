"""Reviews, plans and goal agreements through the API: scoping, drafts, filters, edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from planning_cycle.models import Role, TokenScope, User
from planning_cycle.services.tokens import api_token_create
from tests.support.factories import cycle_for, user_with_role
from tests.support.workflows import agreement, current_state, operative_goal, walk
from tests.support.world import World, build_world
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement

pytestmark = pytest.mark.django_db


def token_for(user: User) -> str:
    """A read-only API token of the user; returns its secret."""
    _token, secret = api_token_create(acting_user=user, name="Lesen", scope=TokenScope.READ)
    return secret


PROBLEM = "application/problem+json"


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def review_of(world: World, index: int) -> DepartmentReview:
    return DepartmentReview.objects.get(cycle=world.cycle, department=world.departments[index])


def test_management_lists_the_bodys_reviews_with_cycle_and_department(
    world: World, client: Client
) -> None:
    build_world(key="anderswo")  # another body's reviews stay out
    client.force_login(world.users["management"])

    response = client.get("/api/v1/reviews/")

    rows = response.json()["results"]
    assert {r["id"] for r in rows} == {review_of(world, i).pk for i in range(3)}
    first = next(r for r in rows if r["id"] == review_of(world, 0).pk)
    assert first["cycle"] == {"id": world.cycle.pk, "year": 2026, "title": world.cycle.title}
    assert first["department"]["code"] == "FD 31"
    assert (first["state"], first["state_label"]) == ("draft", "Entwurf")


def test_drafts_are_seen_only_by_their_department_and_management(
    world: World, client: Client
) -> None:
    walk(review_of(world, 2), "submitted", _heads(world, 2))
    own, other, released = (review_of(world, i).pk for i in range(3))

    seen = {}
    for role in ("management", "strategy_unit", "department_head", "department_editor"):
        client.force_login(world.users[role])
        seen[role] = ids(client.get("/api/v1/reviews/"))
    client.force_login(world.users["other_department_head"])
    seen["other_department_head"] = ids(client.get("/api/v1/reviews/"))
    client.force_login(world.users["council_member"])
    seen["council_member"] = ids(client.get("/api/v1/reviews/"))

    assert seen["management"] == seen["strategy_unit"] == {own, other, released}
    assert seen["department_head"] == seen["department_editor"] == {own, released}
    assert seen["other_department_head"] == {other, released}
    assert seen["council_member"] == {released}
    # A hidden draft is not found either.
    assert client.get(f"/api/v1/reviews/{own}/").status_code == 404
    assert client.get(f"/api/v1/reviews/{released}/").json()["state"] == "submitted"


def _heads(world: World, index: int) -> dict[str, Any]:
    """Walker users for a department other than the world's first."""
    head = user_with_role(world.body, Role.DEPARTMENT_HEAD, world.departments[index])
    return {**world.users, "department_head": head}


def test_external_stakeholders_see_a_notice_only(world: World, client: Client) -> None:
    client.force_login(world.users["external_stakeholder"])

    response = client.get("/api/v1/goal-agreements/")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("prefix", ["reviews", "plans", "goal-agreements"])
def test_another_bodys_object_is_not_found(world: World, client: Client, prefix: str) -> None:
    other = build_world(key="anderswo")
    if prefix == "goal-agreements":
        pk = agreement(other.cycle, other.department, operative_goal(other.body)).pk
    else:
        model = DepartmentReview if prefix == "reviews" else DepartmentPlan
        pk = model.objects.get(cycle=other.cycle, department=other.department).pk
    client.force_login(world.users["management"])

    assert client.get(f"/api/v1/{prefix}/{pk}/").status_code == 404
    patched = client.patch(f"/api/v1/{prefix}/{pk}/", {}, content_type="application/json")
    assert patched.status_code == 404
    assert pk not in ids(client.get(f"/api/v1/{prefix}/"))


def test_lists_filter_by_cycle_department_and_state(world: World, client: Client) -> None:
    next_year = cycle_for(world.body, year=2027)
    walk(review_of(world, 0), "submitted", world.users)
    client.force_login(world.users["management"])

    assert len(ids(client.get("/api/v1/reviews/"))) == 6
    assert ids(client.get(f"/api/v1/reviews/?cycle={next_year.pk}")) == set(
        DepartmentReview.objects.filter(cycle=next_year).values_list("pk", flat=True)
    )
    assert ids(
        client.get(f"/api/v1/reviews/?cycle={world.cycle.pk}&department={world.department.pk}")
    ) == {review_of(world, 0).pk}
    assert ids(client.get("/api/v1/reviews/?state=submitted")) == {review_of(world, 0).pk}
    assert ids(client.get(f"/api/v1/plans/?cycle={world.cycle.pk}&state=draft")) == set(
        DepartmentPlan.objects.filter(cycle=world.cycle).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "query", ["state=gone", "cycle=abc", "department=-1", "cycle=1000000000000000000000"]
)
def test_invalid_filters_are_a_400_naming_the_parameter(
    world: World, client: Client, query: str
) -> None:
    client.force_login(world.users["management"])

    response = client.get(f"/api/v1/goal-agreements/?{query}")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "/" + query.split("=")[0]


def test_the_department_head_edits_the_review_text(world: World, client: Client) -> None:
    review = review_of(world, 0)
    client.force_login(world.users["department_head"])

    response = client.patch(
        f"/api/v1/reviews/{review.pk}/",
        {"summary": "  Ziele 2025 weitgehend erreicht.\r\n", "expected_updated_at": None},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "Ziele 2025 weitgehend erreicht."
    review.refresh_from_db()
    assert review.summary == "Ziele 2025 weitgehend erreicht."


def test_a_stale_edit_is_a_409_and_a_submitted_review_cannot_be_edited(
    world: World, client: Client
) -> None:
    review = review_of(world, 0)
    client.force_login(world.users["department_head"])
    stale = (review.updated_at - dt.timedelta(minutes=5)).isoformat()

    conflict = client.patch(
        f"/api/v1/reviews/{review.pk}/",
        {"summary": "neu", "expected_updated_at": stale},
        content_type="application/json",
    )
    walk(review, "submitted", world.users)
    locked = client.patch(
        f"/api/v1/reviews/{review.pk}/", {"summary": "neu"}, content_type="application/json"
    )

    assert conflict.status_code == 409
    assert "inzwischen von jemand anderem geändert" in conflict.json()["detail"]
    assert locked.status_code == 409
    assert "kann nicht mehr bearbeitet werden" in locked.json()["detail"]
    review.refresh_from_db()
    assert review.summary == ""


def test_management_may_read_but_not_edit_a_draft(world: World, client: Client) -> None:
    plan = DepartmentPlan.objects.get(cycle=world.cycle, department=world.department)
    client.force_login(world.users["management"])

    response = client.patch(
        f"/api/v1/plans/{plan.pk}/", {"summary": "x"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "Sie dürfen diesen Inhalt nicht bearbeiten."


def test_a_too_long_text_is_a_field_error(world: World, client: Client) -> None:
    goal = operative_goal(world.body)
    item = agreement(world.cycle, world.department, goal)
    client.force_login(world.users["department_editor"])

    response = client.patch(
        f"/api/v1/goal-agreements/{item.pk}/",
        {"effects": "x" * 20_001},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "/effects"


def test_an_agreement_is_edited_field_by_field(world: World, client: Client) -> None:
    item = agreement(world.cycle, world.department, operative_goal(world.body), balance="alt")
    client.force_login(world.users["department_editor"])

    response = client.patch(
        f"/api/v1/goal-agreements/{item.pk}/",
        {"effects": "Weniger CO2", "expected_updated_at": item.updated_at.isoformat()},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["balance"], body["effects"]) == ("alt", "Weniger CO2")
    assert body["operative_goal"]["number"] == "1.1"


def test_the_department_head_proposes_an_agreement(world: World, client: Client) -> None:
    goal = operative_goal(world.body)
    client.force_login(world.users["department_head"])
    payload = {
        "cycle": world.cycle.pk,
        "operative_goal": goal.pk,
        "department": world.department.pk,
    }

    created = client.post("/api/v1/goal-agreements/", payload, content_type="application/json")
    again = client.post("/api/v1/goal-agreements/", payload, content_type="application/json")

    assert created.status_code == 201, created.content
    assert created.json()["state"] == "proposed"
    assert GoalAgreement.objects.filter(pk=created.json()["id"], body=world.body).exists()
    assert again.status_code == 409
    assert "bereits eine Zielvereinbarung" in again.json()["detail"]


def test_proposing_for_another_department_is_a_403(world: World, client: Client) -> None:
    goal = operative_goal(world.body)
    client.force_login(world.users["department_head"])

    response = client.post(
        "/api/v1/goal-agreements/",
        {"cycle": world.cycle.pk, "operative_goal": goal.pk, "department": world.departments[1].pk},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not GoalAgreement.objects.exists()


def test_proposing_with_another_bodys_objects_names_the_fields(
    world: World, client: Client
) -> None:
    other = build_world(key="anderswo")
    client.force_login(world.users["department_head"])

    response = client.post(
        "/api/v1/goal-agreements/",
        {
            "cycle": other.cycle.pk,
            "operative_goal": operative_goal(other.body).pk,
            "department": world.department.pk,
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"/cycle", "/operative_goal"}


def test_a_read_only_token_reads_but_cannot_edit(world: World) -> None:
    review = review_of(world, 0)
    secret = token_for(world.users["department_head"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert review.pk in ids(client.get("/api/v1/reviews/"))
    response = client.patch(
        f"/api/v1/reviews/{review.pk}/", {"summary": "x"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert current_state(review) == "draft"


# --- query counts -----------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def _agreements(world: World, n: int) -> None:
    for i in range(n):
        goal = operative_goal(world.body, number=f"1.{i + 1}", position=i)
        agreement(world.cycle, world.departments[i % len(world.departments)], goal)


QUERY_COUNTS: dict[str, dict[str, int]] = {}


@pytest.mark.parametrize("prefix", ["reviews", "plans", "goal-agreements"])
@pytest.mark.parametrize("role", ["management", "department_head", "council_member"])
def test_list_query_counts_do_not_grow_with_rows(prefix: str, role: str, db: None) -> None:
    counts = []
    for n in (2, 20):
        world = build_world(key=f"queries-{n}", departments=n)
        _agreements(world, n)
        if role == "council_member":
            # Released objects only: submit them all.
            for obj in [
                *DepartmentReview.objects.filter(body=world.body),
                *GoalAgreement.objects.filter(body=world.body),
            ]:
                _submit(obj, world)
        client = Client()
        client.force_login(world.users[role])
        url = f"/api/v1/{prefix}/?page_size=100"
        expected = {"management": n, "department_head": 1, "council_member": n}[role]
        if role == "council_member" and prefix == "plans":
            expected = 0  # all drafts
        assert len(ids(client.get(url))) == expected
        counts.append(_count(client, url))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 5, counts  # session, user, roles, the page (and no more)
    QUERY_COUNTS[f"{prefix} as {role}"] = counts[0]
    print(f"query count GET /api/v1/{prefix}/ as {role}: {counts[0]} (2 and 20 rows)")


def _submit(obj: Any, world: World) -> None:
    head = user_with_role(world.body, Role.DEPARTMENT_HEAD, obj.department)
    walk(obj, "submitted", {**world.users, "department_head": head})


@pytest.mark.parametrize("pk", ["abc", "1" * 25, "-1"])
@pytest.mark.parametrize(
    "path",
    [
        "reviews/{pk}/",
        "goal-agreements/{pk}/transitions/",
        "tasks/{pk}/",
        "notifications/{pk}/",
        "deadlines/{pk}/",
    ],
)
def test_an_id_that_is_no_id_is_a_404(world: World, client: Client, path: str, pk: str) -> None:
    client.force_login(world.users["management"])

    response = client.get("/api/v1/" + path.format(pk=pk))

    assert response.status_code == 404


@pytest.mark.parametrize("prefix", ["reviews", "plans", "goal-agreements"])
def test_list_rows_are_exactly_what_retrieve_answers(
    world: World, client: Client, prefix: str
) -> None:
    goal = operative_goal(world.body)
    item = agreement(world.cycle, world.department, goal, effects="Wirkung")
    walk(item, "submitted", world.users)
    carried = agreement(world.cycle, world.departments[1], goal)
    GoalAgreement.objects.filter(pk=carried.pk).update(carried_over_from=item)
    walk(review_of(world, 0), "submitted", world.users)
    client.force_login(world.users["management"])

    rows = client.get(f"/api/v1/{prefix}/").json()["results"]

    assert rows
    for row in rows:
        assert row == client.get(f"/api/v1/{prefix}/{row['id']}/").json()


def test_list_rows_speak_the_requested_language(world: World, client: Client) -> None:
    client.force_login(world.users["management"])

    # The middleware leaves the request's language active: restore it for the next tests.
    with translation.override(translation.get_language()):
        rows = client.get("/api/v1/reviews/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]

    assert {r["state_label"] for r in rows} == {"Draft"}
