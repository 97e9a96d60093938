"""An object the user may not see is the same 404 for every operation on it.

A draft of another department (for a department head) and any object of another body:
reading it, editing it, listing its transitions and firing one all answer the 404 of an
object that does not exist, in the web's transition endpoint too. Once the draft is
released (submitted), the same head reads it and its transitions.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.test import Client

from tests.support.workflows import agreement, current_state, operative_goal, walk
from tests.support.world import World, build_world
from workflows.models import DepartmentPlan, DepartmentReview, TransitionLog

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
PATHS = {"review": "reviews", "plan": "plans", "agreement": "goal-agreements"}
WEB_SLUGS = {"review": "zielbilanzierung", "plan": "planung", "agreement": "zielvereinbarung"}
# A body each PATCH of the machine takes.
EDITS = {
    "review": {"summary": "Neuer Text"},
    "plan": {"summary": "Neuer Text"},
    "agreement": {"balance": "Neue Bilanz"},
}
# The decision on a submission, one of each machine's transitions besides `submit`.
DECIDE = {"review": "accept", "plan": "approve", "agreement": "approve"}


def draft_of(world: World, machine: str) -> models.Model:
    """The machine's draft of the world's first department (FD 31)."""
    cycle, department = world.cycle, world.department
    if machine == "review":
        return DepartmentReview.objects.get(cycle=cycle, department=department)
    if machine == "plan":
        return DepartmentPlan.objects.get(cycle=cycle, department=department)
    return agreement(cycle, department, operative_goal(world.body))


def operations(machine: str, pk: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every per-object operation of the API on a workflow object: method, path, body."""
    base = f"/api/v1/{PATHS[machine]}/{pk}/"
    return [
        ("get", base, None),
        ("patch", base, EDITS[machine]),
        ("get", f"{base}transitions/", None),
        ("post", f"{base}transitions/submit/", {}),
        ("post", f"{base}transitions/{DECIDE[machine]}/", {"comment": "gesehen"}),
    ]


def call(client: Client, method: str, path: str, body: dict[str, Any] | None) -> Any:
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.parametrize("machine", list(PATHS))
@pytest.mark.parametrize("whose", ["other_department", "other_body"])
def test_every_operation_on_an_object_the_user_may_not_see_is_the_same_404(
    world: World, client: Client, machine: str, whose: str
) -> None:
    if whose == "other_department":
        # The head of FD 32 does not see FD 31's draft.
        obj, user = draft_of(world, machine), world.users["other_department_head"]
    else:
        # Management sees every draft of its own body, and nothing of another's.
        obj, user = draft_of(build_world(key="anderswo"), machine), world.users["management"]
    state, logs = current_state(obj), TransitionLog.objects.count()
    client.force_login(user)

    answers = [
        (method, path, call(client, method, path, body))
        for method, path, body in operations(machine, obj.pk)
    ]

    for method, path, response in answers:
        assert response.status_code == 404, (method, path, response.content)
        assert response["Content-Type"] == PROBLEM
        assert response.json()["detail"] == "Nicht gefunden.", (method, path)
    assert current_state(obj) == state
    assert TransitionLog.objects.count() == logs


@pytest.mark.parametrize("machine", list(PATHS))
def test_a_released_object_is_read_with_its_transitions_by_the_same_head(
    world: World, client: Client, machine: str
) -> None:
    obj = draft_of(world, machine)
    walk(obj, "submitted", world.users)
    client.force_login(world.users["other_department_head"])

    base = f"/api/v1/{PATHS[machine]}/{obj.pk}/"
    listed = client.get(f"{base}transitions/")
    fired = client.post(f"{base}transitions/submit/", {}, content_type="application/json")
    detail = client.get(base)

    assert detail.status_code == 200 and detail.json()["state"] == "submitted"
    assert listed.status_code == 200 and listed.json() == []
    assert fired.status_code == 403  # seen, but not theirs to act on


@pytest.mark.parametrize("machine", list(PATHS))
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_the_web_transition_endpoint_answers_404_for_a_hidden_draft(
    world: World, client: Client, machine: str, htmx: bool
) -> None:
    obj = draft_of(world, machine)
    state = current_state(obj)
    client.force_login(world.users["other_department_head"])
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client.post(
        f"/uebergang/{WEB_SLUGS[machine]}/{obj.pk}/",
        {"transition": "submit", "expected_state": state},
        **extra,
    )

    assert response.status_code == 404
    assert current_state(obj) == state
    assert not TransitionLog.objects.exists()
