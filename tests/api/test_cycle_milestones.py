"""The cycle's milestones through the API: add, mark done, remove (management only)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from planning_cycle.models import CycleMilestone, Role, TokenScope
from tests.support.api import bearer
from tests.support.world import World, build_world

pytestmark = pytest.mark.django_db

NEW = {
    "title": "Zwischenbericht II",
    "kind": "interim_report",
    "due_date": "2026-09-15",
    "responsible": "council_office",
}


def url(world: World, *rest: object) -> str:
    tail = "".join(f"{part}/" for part in rest)
    return f"/api/v1/cycles/{world.cycle.pk}/milestones/{tail}"


def test_management_adds_marks_done_and_removes(
    world: World, token_for: Callable[..., str]
) -> None:
    auth = bearer(token_for(world.users[Role.MANAGEMENT]))
    client = Client()
    created = client.post(url(world), NEW, content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["responsible"], body["done_at"]) == (
        "Zwischenbericht II",
        "council_office",
        None,
    )
    # Its deadline is listed as a task about a milestone (an object type of the schema).
    tasks = client.get("/api/v1/deadlines/?page_size=100", **auth).json()["results"]
    [task] = [t for t in tasks if t["kind"] == "milestone_interim_report"]
    assert task["object_type"] == "milestone"
    again = client.post(url(world), NEW, content_type="application/json", **auth)
    assert again.status_code == 409
    assert "gibt es in diesem Zyklus schon" in again.content.decode()
    outside = client.post(
        url(world), {**NEW, "due_date": "2030-01-01"}, content_type="application/json", **auth
    )
    assert outside.status_code == 400 and "01.01.2030" in outside.content.decode()
    done = client.post(url(world, body["id"], "done"), **auth)
    assert done.status_code == 200 and done.json()["done_at"] is not None
    assert client.delete(url(world, body["id"]), **auth).status_code == 409
    second = client.post(
        url(world), {**NEW, "title": "Zwischenbericht III"}, content_type="application/json", **auth
    ).json()
    assert client.delete(url(world, second["id"]), **auth).status_code == 204
    assert list(CycleMilestone.objects.values_list("title", flat=True)) == ["Zwischenbericht II"]


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.STRATEGY_UNIT])
def test_others_get_403_and_a_read_token_is_refused(
    world: World, token_for: Callable[..., str], role: Role
) -> None:
    client = Client()
    auth = bearer(token_for(world.users[role]))
    assert client.post(url(world), NEW, content_type="application/json", **auth).status_code == 403
    read = bearer(token_for(world.users[Role.MANAGEMENT], scope=TokenScope.READ))
    assert client.post(url(world), NEW, content_type="application/json", **read).status_code == 403
    assert not CycleMilestone.objects.exists()


def test_another_bodys_cycle_is_404(world: World, token_for: Callable[..., str]) -> None:
    other = build_world("landkreis-anders")
    auth = bearer(token_for(world.users[Role.MANAGEMENT]))
    response = Client().post(url(other), NEW, content_type="application/json", **auth)
    assert response.status_code == 404
    assert not CycleMilestone.objects.exists()
