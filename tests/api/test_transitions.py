"""Transitions through the API: the permission matrix, conflicts, blocks, comments, tokens.

The matrix is the one of tests/workflows/test_permission_matrix.py (the specification),
asked through HTTP: every role of the body (and the head of another department) against
every transition of reviews, plans and goal agreements from each of its source states.
`GET …/transitions/` must offer exactly what `transitions_available` offers, and
`POST …/transitions/{name}/` must answer 200 (the object moves) or 403 (nothing changes);
a draft the user may not see is 404 for both, as its detail is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models, transaction
from django.test import Client
from django.utils import translation

from planning_cycle.access import permission_checker
from planning_cycle.models import OperativeGoal, PlanningCycle, Role, TokenScope, User
from planning_cycle.services.tokens import api_token_create
from tests.support.workflows import agreement, current_state, operative_goal, walk
from tests.support.world import World, build_world
from tests.workflows.test_permission_matrix import EXPECTED
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement, TransitionLog
from workflows.services.transitions import transitions_available

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
ROLES = (*(r.value for r in Role), "other_department_head")
PATHS = {"review": "reviews", "plan": "plans", "agreement": "goal-agreements"}
COMMENT = "Begründung im API-Matrixtest"
# States still with the department, and the roles that do not see them (a draft of the
# department is only shown to its own roles, management and the strategy unit).
DRAFT_STATES = {
    "review": {"draft", "returned"},
    "plan": {"draft", "returned"},
    "agreement": {"proposed", "returned"},
}
DRAFTS_HIDDEN_FROM = {
    "committee_secretary",
    "committee_clerk",
    "council_member",
    "other_department_head",
}


def bearer(secret: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def fire(
    client: Client,
    obj: models.Model,
    name: str,
    *,
    extra: dict[str, str] | None = None,
    **body: str,
) -> object:
    prefix = "cycles" if isinstance(obj, PlanningCycle) else PATHS[machine_of(obj)]
    return client.post(
        f"/api/v1/{prefix}/{obj.pk}/transitions/{name}/",
        body,
        content_type="application/json",
        **(extra or {}),
    )


def machine_of(obj: models.Model) -> str:
    return {DepartmentReview: "review", DepartmentPlan: "plan", GoalAgreement: "agreement"}[
        type(obj)
    ]


@dataclass
class ApiMatrixWorld:
    world: World
    goal: OperativeGoal

    def object_in(self, machine: str, state: str) -> models.Model:
        cycle, department = self.world.cycle, self.world.department
        obj: models.Model
        if machine == "review":
            obj = DepartmentReview.objects.get(cycle=cycle, department=department)
        elif machine == "plan":
            obj = DepartmentPlan.objects.get(cycle=cycle, department=department)
        else:
            obj = agreement(cycle, department, self.goal)
        return walk(obj, state, self.world.users)


@pytest.fixture(scope="module")
def api_world(django_db_setup: None, django_db_blocker: object) -> Iterator[ApiMatrixWorld]:
    """One world for the module, rolled back at its end; every test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        world = build_world(key="api-matrix")
        yield ApiMatrixWorld(world=world, goal=operative_goal(world.body))
        transaction.set_rollback(True)


def _cells() -> list[object]:
    cells = []
    for machine, name, sources, allowed in EXPECTED:
        if machine not in PATHS:
            continue
        for source in sources:
            for role in ROLES:
                hidden = source in DRAFT_STATES[machine] and role in DRAFTS_HIDDEN_FROM
                verdict = "200" if role in allowed else "404" if hidden else "403"
                cells.append(
                    pytest.param(
                        machine,
                        source,
                        name,
                        role,
                        role in allowed,
                        id=f"{machine}-{source}-{name}-{role}-{verdict}",
                    )
                )
    return cells


@pytest.mark.parametrize(("machine", "source", "name", "role", "allowed"), _cells())
def test_matrix_cell_through_the_api(
    api_world: ApiMatrixWorld, machine: str, source: str, name: str, role: str, allowed: bool
) -> None:
    obj = api_world.object_in(machine, source)
    user = api_world.world.users[role]
    client = Client()
    client.force_login(user)
    service_offers = {
        o.name for o in transitions_available(user=user, obj=obj, checker=permission_checker(user))
    }
    logs_before = TransitionLog.objects.count()

    hidden = source in DRAFT_STATES[machine] and role in DRAFTS_HIDDEN_FROM
    listed = client.get(f"/api/v1/{PATHS[machine]}/{obj.pk}/transitions/")
    if role == Role.EXTERNAL_STAKEHOLDER:
        # External stakeholders see a notice only, in the pages as in the API.
        assert listed.status_code == 403
        assert not service_offers
    elif hidden:
        assert listed.status_code == 404, listed.content
        assert not service_offers
    else:
        assert listed.status_code == 200, listed.content
        offered = {o["name"] for o in listed.json()}
        assert (name in offered) is allowed
        assert offered == service_offers

    response = fire(client, obj, name, comment=COMMENT, expected_state=source)

    if allowed:
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["id"] == obj.pk and body["transition"] == name
        assert body["source_state"] == source
        assert body["state"] == current_state(obj) != source
        assert TransitionLog.objects.count() == logs_before + 1
    else:
        assert response.status_code == (404 if hidden else 403), response.content
        assert response["Content-Type"] == PROBLEM
        assert current_state(obj) == source
        assert TransitionLog.objects.count() == logs_before


def test_the_matrix_covers_reviews_plans_and_agreements() -> None:
    machines = {machine for machine, *_rest in EXPECTED if machine in PATHS}
    assert machines == set(PATHS)
    assert len(_cells()) == len(ROLES) * sum(len(s) for m, _n, s, _a in EXPECTED if m in PATHS)


# --- refusals with their own status -----------------------------------------------------


def _submitted_review(world: World) -> DepartmentReview:
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    walk(review, "submitted", world.users)
    return review


def test_a_stale_expected_state_is_a_409_naming_the_state_and_who_changed_it(
    world: World, client: Client
) -> None:
    review = _submitted_review(world)
    client.force_login(world.users["management"])

    response = fire(client, review, "accept", expected_state="draft")

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    detail = response.json()["detail"]
    assert "„Annehmen“ ist nicht mehr möglich" in detail
    assert "„eingereicht“" in detail
    assert f"Zuletzt geändert von {world.users['department_head']}" in detail
    assert current_state(review) == "submitted"


def test_the_second_of_two_decisions_is_a_409(world: World) -> None:
    review = _submitted_review(world)
    first, second = Client(), Client()
    first.force_login(world.users["management"])
    second.force_login(world.users["management"])

    assert fire(first, review, "accept", expected_state="submitted").status_code == 200
    late = fire(second, review, "return_", comment="Kennzahlen fehlen", expected_state="submitted")

    assert late.status_code == 409
    assert "„angenommen“" in late.json()["detail"]


def test_returning_without_a_comment_is_a_400_at_the_comment_field(
    world: World, client: Client
) -> None:
    review = _submitted_review(world)
    client.force_login(world.users["management"])

    response = fire(client, review, "return_", comment="  ")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == [
        {"field": "/comment", "message": "Für „Zurückgeben“ ist ein Kommentar erforderlich."}
    ]
    assert current_state(review) == "submitted"


def test_a_failed_condition_is_a_422_with_the_reasons(world: World, client: Client) -> None:
    plan = DepartmentPlan.objects.get(cycle=world.cycle, department=world.department)
    client.force_login(world.users["department_head"])

    response = fire(client, plan, "submit")

    assert response.status_code == 422
    body = response.json()
    assert body["reasons"] and body["detail"] == " ".join(body["reasons"])
    assert current_state(plan) == "draft"


def test_the_cycle_lists_its_next_phase_with_what_blocks_it(world: World, client: Client) -> None:
    client.force_login(world.users["management"])

    response = client.get(f"/api/v1/cycles/{world.cycle.pk}/transitions/")

    assert response.status_code == 200
    (option,) = response.json()
    assert option["name"] == "to_framework"
    assert option["blocked_by"] and option["overridable"] and option["enabled"]


def test_a_guard_blocks_the_cycle_with_422_until_management_gives_a_reason(
    world: World, client: Client
) -> None:
    client.force_login(world.users["management"])
    cycle = world.cycle

    blocked = fire(client, cycle, "to_framework", expected_state="goal_review")
    assert blocked.status_code == 422
    assert blocked.json()["reasons"]

    done = fire(
        client,
        cycle,
        "to_framework",
        override_reason="Die fehlenden Bilanzen kommen nach",
        expected_state="goal_review",
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "framework"
    assert current_state(cycle) == "framework"


def test_only_management_moves_the_cycle(world: World, client: Client) -> None:
    client.force_login(world.users["strategy_unit"])

    assert client.get(f"/api/v1/cycles/{world.cycle.pk}/transitions/").json() == []
    response = fire(client, world.cycle, "to_framework", override_reason="x")
    assert response.status_code == 403


def test_an_unknown_transition_is_a_404(world: World, client: Client) -> None:
    review = _submitted_review(world)
    client.force_login(world.users["management"])

    response = fire(client, review, "approve")  # a plan's, not a review's

    assert response.status_code == 404
    assert "Unbekannter Schritt" in response.json()["detail"]


def test_an_invalid_expected_state_is_a_400(world: World, client: Client) -> None:
    review = _submitted_review(world)
    client.force_login(world.users["management"])

    response = fire(client, review, "accept", expected_state="approved")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "/expected_state"


@pytest.mark.parametrize("what", ["review", "plan", "agreement", "cycle"])
def test_another_bodys_object_is_a_404_for_listing_and_firing(
    world: World, client: Client, what: str
) -> None:
    other = build_world(key="anderswo")
    obj: models.Model
    if what == "cycle":
        obj, prefix = other.cycle, "cycles"
    elif what == "agreement":
        obj = agreement(other.cycle, other.department, operative_goal(other.body))
        prefix = PATHS[what]
    else:
        model = DepartmentReview if what == "review" else DepartmentPlan
        obj = model.objects.get(cycle=other.cycle, department=other.department)
        prefix = PATHS[what]
    client.force_login(world.users["management"])

    listed = client.get(f"/api/v1/{prefix}/{obj.pk}/transitions/")
    fired = client.post(
        f"/api/v1/{prefix}/{obj.pk}/transitions/withdraw/", {}, content_type="application/json"
    )

    assert listed.status_code == 404 and fired.status_code == 404
    assert listed.json()["detail"] == fired.json()["detail"] == "Nicht gefunden."


def test_a_read_only_token_cannot_fire(world: World) -> None:
    review = _submitted_review(world)
    _token, secret = api_token_create(
        acting_user=world.users["management"], name="Lesen", scope=TokenScope.READ
    )
    client = Client()

    listed = client.get(f"/api/v1/reviews/{review.pk}/transitions/", **bearer(secret))
    response = fire(client, review, "accept", extra=bearer(secret))

    assert listed.status_code == 200
    assert {o["name"] for o in listed.json()} == {"accept", "return_"}
    assert response.status_code == 403
    assert "nur lesen" in response.json()["detail"]
    assert current_state(review) == "submitted"


def test_a_read_write_token_fires_for_its_user(world: World) -> None:
    review = _submitted_review(world)
    user: User = world.users["management"]
    _token, secret = api_token_create(acting_user=user, name="Skript", scope=TokenScope.READ_WRITE)

    response = fire(Client(), review, "accept", extra=bearer(secret), comment="per Skript")

    assert response.status_code == 200, response.content
    log = TransitionLog.objects.get(pk=response.json()["history_id"])
    assert (log.actor_id, log.comment, log.target_state) == (user.pk, "per Skript", "accepted")


def test_refusals_speak_the_requested_language(world: World, client: Client) -> None:
    review = _submitted_review(world)
    client.force_login(world.users["department_head"])

    # The middleware leaves the request's language active: restore it for the next tests.
    with translation.override(translation.get_language()):
        response = fire(client, review, "accept", extra={"HTTP_ACCEPT_LANGUAGE": "en"})

    assert response.status_code == 403
    assert response["Content-Language"] == "en"
    assert response.json()["detail"] == "You may not perform “Accept” here."
