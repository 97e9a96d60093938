"""Submitting a goal agreement through the API needs its answers (issue 9, item 7)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.workflows import agreement, current_state, operative_goal
from tests.support.world import World
from workflows.models import TransitionLog

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_submitting_an_agreement_without_answers_is_a_422_naming_them(
    world: World, client: Client
) -> None:
    item = agreement(
        world.cycle,
        world.department,
        operative_goal(world.body),
        effects="Mehr Kinder erreichen einen Abschluss.",
        programmes="",
        resources="",
    )
    client.force_login(world.users["department_head"])

    offered = client.get(f"/api/v1/goal-agreements/{item.pk}/transitions/").json()
    (submit,) = [o for o in offered if o["name"] == "submit"]
    response = client.post(
        f"/api/v1/goal-agreements/{item.pk}/transitions/submit/",
        {"expected_state": "proposed"},
        content_type="application/json",
    )

    reason = (
        "Zum Einreichen fehlen noch die Antworten auf "
        "„Was müssen wir dafür tun? (Programme, Produkte)“, "
        "„Was müssen wir dafür einsetzen? (Geld, Personal)“."
    )
    assert submit["enabled"] is False
    assert submit["blocked_by"] == [reason]
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["reasons"] == [reason]
    assert body["detail"] == reason
    assert current_state(item) == "proposed"
    assert not TransitionLog.objects.exists()


def test_an_answered_agreement_is_submitted_through_the_api(world: World, client: Client) -> None:
    item = agreement(world.cycle, world.department, operative_goal(world.body), balance="")
    client.force_login(world.users["department_head"])

    response = client.post(
        f"/api/v1/goal-agreements/{item.pk}/transitions/submit/",
        {"expected_state": "proposed"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert current_state(item) == "submitted"
