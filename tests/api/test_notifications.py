"""The user's tasks, notifications and the body's deadlines through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import (
    Audience,
    Deadline,
    DeadlineExtension,
    DeadlineState,
    Notification,
    TaskKind,
)
from notifications.services.deadlines import end_of_day
from planning_cycle.models import TokenScope, User
from planning_cycle.services.tokens import api_token_create
from tests.support.notifications import DeadlineFactory, NotificationFactory
from tests.support.workflows import walk
from tests.support.world import World, build_world
from workflows.models import DepartmentReview

pytestmark = pytest.mark.django_db


def token_for(user: User) -> str:
    """A read-only API token of the user; returns its secret."""
    _token, secret = api_token_create(acting_user=user, name="Lesen", scope=TokenScope.READ)
    return secret


PROBLEM = "application/problem+json"


def review_of(world: World, index: int = 0) -> DepartmentReview:
    return DepartmentReview.objects.get(cycle=world.cycle, department=world.departments[index])


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    rows: list[dict[str, Any]] = response.json()["results"]
    return rows


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def deadlines(world: World) -> dict[str, Deadline]:
    """Open deadlines of FD 31 and FD 32 and one for management; one done, one elsewhere."""
    Deadline.objects.all().delete()
    now = timezone.now()
    other = build_world(key="andere")
    Deadline.objects.filter(body=other.body).delete()
    return {
        "own": DeadlineFactory(review=review_of(world, 0), due_at=now + dt.timedelta(days=5)),
        "other_department": DeadlineFactory(
            review=review_of(world, 1), due_at=now + dt.timedelta(days=9)
        ),
        "decide": DeadlineFactory(
            review=review_of(world, 1),
            kind=TaskKind.REVIEW_DECIDE,
            audience=Audience.MANAGEMENT,
            due_at=now - dt.timedelta(days=1),
        ),
        "done": DeadlineFactory(
            review=review_of(world, 2),
            state=DeadlineState.DONE,
            closed_at=now,
            next_check_at=None,
        ),
        "foreign": DeadlineFactory(review=review_of(other, 0)),
    }


# --- tasks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("department_head", ["own"]),
        ("department_editor", ["own"]),
        ("other_department_head", ["other_department"]),
        ("management", ["decide"]),
        ("strategy_unit", []),
        ("council_member", []),
    ],
)
def test_tasks_are_the_users_open_deadlines_soonest_first(
    world: World, deadlines: dict[str, Deadline], client: Client, role: str, expected: list[str]
) -> None:
    client.force_login(world.users[role])

    rows = results(client.get("/api/v1/tasks/"))

    assert [r["id"] for r in rows] == [deadlines[name].pk for name in expected]


def test_a_task_names_its_subject_and_object(
    world: World, deadlines: dict[str, Deadline], client: Client
) -> None:
    client.force_login(world.users["department_head"])

    (task,) = results(client.get("/api/v1/tasks/"))

    assert task["kind"] == "review_submit" and task["object_type"] == "review"
    assert task["object_id"] == review_of(world, 0).pk
    assert task["subject"] == "Zielbilanzierung einreichen, FD 31 Fachdienst 31 (2026)"
    assert task["department"]["code"] == "FD 31"
    assert client.get(f"/api/v1/tasks/{deadlines['other_department'].pk}/").status_code == 404


def test_submitting_moves_the_task_to_management(world: World, client: Client) -> None:
    client.force_login(world.users["management"])
    assert results(client.get("/api/v1/tasks/?kind=review_decide")) == []

    walk(review_of(world, 0), "submitted", world.users)

    (task,) = results(client.get("/api/v1/tasks/?kind=review_decide"))
    assert task["object_id"] == review_of(world, 0).pk


# --- notifications ------------------------------------------------------------------------


def test_the_inbox_lists_own_notifications_newest_first(
    world: World, deadlines: dict[str, Deadline], client: Client
) -> None:
    head = world.users["department_head"]
    older = NotificationFactory(
        recipient=head, deadline=deadlines["own"], created_at=timezone.now() - dt.timedelta(1)
    )
    newer = NotificationFactory(recipient=head, deadline=deadlines["own"])
    NotificationFactory(recipient=world.users["management"], deadline=deadlines["decide"])
    client.force_login(head)

    rows = results(client.get("/api/v1/notifications/"))

    assert [r["id"] for r in rows] == [newer.pk, older.pk]
    assert rows[0]["unread"] is True and rows[0]["read_at"] is None
    assert rows[0]["title"].startswith("Erinnerung: Zielbilanzierung einreichen")
    assert rows[0]["path"] == deadlines["own"].url_path


def test_marking_read_one_and_all(
    world: World, deadlines: dict[str, Deadline], client: Client
) -> None:
    head = world.users["department_head"]
    first, second, third = (
        NotificationFactory(recipient=head, deadline=deadlines["own"]) for _ in range(3)
    )
    foreign = NotificationFactory(recipient=world.users["management"], deadline=deadlines["decide"])
    client.force_login(head)

    one = client.post(f"/api/v1/notifications/{first.pk}/read/")
    again = client.post(f"/api/v1/notifications/{first.pk}/read/")
    not_mine = client.post(f"/api/v1/notifications/{foreign.pk}/read/")
    unread = results(client.get("/api/v1/notifications/?unread=true"))
    read = results(client.get("/api/v1/notifications/?unread=false"))
    everything = client.post("/api/v1/notifications/read-all/")

    assert one.status_code == 200 and one.json()["unread"] is False
    assert again.json()["read_at"] == one.json()["read_at"]
    assert not_mine.status_code == 404
    assert {r["id"] for r in unread} == {second.pk, third.pk}
    assert [r["id"] for r in read] == [first.pk]
    assert everything.status_code == 200 and everything.json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=head, read_at__isnull=True).exists()
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_a_read_only_token_cannot_mark_read(world: World, deadlines: dict[str, Deadline]) -> None:
    head = world.users["department_head"]
    notification = NotificationFactory(recipient=head, deadline=deadlines["own"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(head)}")

    assert len(results(client.get("/api/v1/notifications/"))) == 1
    assert client.post(f"/api/v1/notifications/{notification.pk}/read/").status_code == 403
    assert client.post("/api/v1/notifications/read-all/").status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


# --- the body's deadlines -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("management", 200),
        ("strategy_unit", 200),
        ("department_head", 403),
        ("committee_secretary", 403),
        ("council_member", 403),
        ("external_stakeholder", 403),
    ],
)
def test_the_bodys_deadlines_are_for_management_and_strategy_unit(
    world: World, deadlines: dict[str, Deadline], client: Client, role: str, status: int
) -> None:
    client.force_login(world.users[role])

    response = client.get("/api/v1/deadlines/")

    assert response.status_code == status
    if status == 200:
        assert [r["id"] for r in response.json()["results"]] == [
            deadlines[name].pk for name in ("decide", "own", "other_department")
        ]


def test_deadlines_filter_by_kind_and_department(
    world: World, deadlines: dict[str, Deadline], client: Client
) -> None:
    client.force_login(world.users["management"])

    by_kind = results(client.get("/api/v1/deadlines/?kind=review_decide"))
    by_department = results(client.get(f"/api/v1/deadlines/?department={world.department.pk}"))

    assert [r["id"] for r in by_kind] == [deadlines["decide"].pk]
    assert [r["id"] for r in by_department] == [deadlines["own"].pk]


def test_management_extends_a_deadline_with_a_reason(
    world: World, deadlines: dict[str, Deadline], client: Client
) -> None:
    client.force_login(world.users["management"])
    deadline = deadlines["own"]

    response = client.post(
        f"/api/v1/deadlines/{deadline.pk}/extend/",
        {"new_due_date": in_days(20), "reason": "Personalausfall"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    deadline.refresh_from_db()
    assert deadline.due_at == end_of_day(timezone.localdate() + dt.timedelta(days=20))
    (extension,) = response.json()["extensions"]
    assert extension["reason"] == "Personalausfall"
    assert DeadlineExtension.objects.get().actor == world.users["management"]


def test_the_strategy_unit_may_see_but_not_extend(
    world: World, deadlines: dict[str, Deadline], client: Client
) -> None:
    client.force_login(world.users["strategy_unit"])

    response = client.post(
        f"/api/v1/deadlines/{deadlines['own'].pk}/extend/",
        {"new_due_date": in_days(20), "reason": "x"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not DeadlineExtension.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"new_due_date": "gestern", "reason": "x"}, "/new_due_date"),
        ({"new_due_date": "DAYS:-3", "reason": "x"}, "/new_due_date"),
        ({"new_due_date": "DAYS:1", "reason": "x"}, "/new_due_date"),  # before the current
        ({"new_due_date": "9999-12-31", "reason": "x"}, "/new_due_date"),
        ({"new_due_date": "DAYS:20", "reason": "   "}, "/reason"),
        ({"new_due_date": "DAYS:20", "reason": "a\x00b"}, "/reason"),
        ({"new_due_date": "DAYS:20"}, "/reason"),
    ],
)
def test_an_invalid_extension_names_its_field(
    world: World,
    deadlines: dict[str, Deadline],
    client: Client,
    body: dict[str, str],
    field: str,
) -> None:
    client.force_login(world.users["management"])
    date = body["new_due_date"]
    if date.startswith("DAYS:"):
        body = {**body, "new_due_date": in_days(int(date[5:]))}

    response = client.post(
        f"/api/v1/deadlines/{deadlines['own'].pk}/extend/", body, content_type="application/json"
    )

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not DeadlineExtension.objects.exists()


@pytest.mark.parametrize("which", ["done", "foreign"])
def test_a_closed_or_foreign_deadline_is_not_found(
    world: World, deadlines: dict[str, Deadline], client: Client, which: str
) -> None:
    client.force_login(world.users["management"])

    response = client.post(
        f"/api/v1/deadlines/{deadlines[which].pk}/extend/",
        {"new_due_date": in_days(60), "reason": "x"},
        content_type="application/json",
    )

    assert response.status_code == 404


# --- query counts -------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("/api/v1/tasks/", "department_head"),
        ("/api/v1/notifications/", "department_head"),
        ("/api/v1/deadlines/", "management"),
    ],
)
def test_list_query_counts_do_not_grow_with_rows(url: str, role: str, db: None) -> None:
    counts = []
    for n in (2, 20):
        world = build_world(key=f"queries-{n}")
        Deadline.objects.all().delete()
        user = world.users[role]
        for i in range(n):
            deadline = DeadlineFactory(
                review=review_of(world, 0),
                kind=TaskKind.REVIEW_SUBMIT if i == 0 else TaskKind.REVIEW_DECIDE,
                audience=Audience.DEPARTMENT,
                state=DeadlineState.OPEN,
            )
            # One open deadline per task and kind: the others are of other objects' kinds.
            if i > 0:
                Deadline.objects.filter(pk=deadline.pk).update(object_id=10_000 + i)
            NotificationFactory(recipient=user, deadline=deadline)
            DeadlineExtension.objects.create(
                body=world.body,
                deadline=deadline,
                previous_due_at=deadline.due_at,
                new_due_at=deadline.due_at + dt.timedelta(days=1),
                reason="mehr Zeit",
                actor=world.users["management"],
            )
        client = Client()
        client.force_login(user)
        rows = results(client.get(f"{url}?page_size=100"))
        assert len(rows) == n
        counts.append(_count(client, f"{url}?page_size=100"))
    assert counts[0] == counts[1], counts
    print(f"query count GET {url} as {role}: {counts[0]} (2 and 20 rows)")
