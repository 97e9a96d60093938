"""A task names only what its reader may do: a clerk prepares, the head submits (issue 9).

The department's head and editors are both responsible for its submissions (and both
are reminded), but only the head may submit. Every text of a task (my tasks, inbox,
e-mail, calendar feed, API) reads "… vorbereiten (Einreichen durch die Fachdienstleitung)"
for an editor and "… einreichen" for the head.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from notifications.emails import notification_email
from notifications.models import Deadline, Notification, TaskKind
from notifications.services.deadlines import deadlines_open_for
from notifications.services.inbox import calendar_feed_create
from tests.support.notifications import DeadlineFactory, NotificationFactory
from tests.support.web import review_of
from tests.support.workflows import agreement, operative_goal
from tests.support.world import World
from workflows.models import DepartmentReview

pytestmark = pytest.mark.django_db

EDITOR_AGREEMENT = "Zielvereinbarung vorbereiten (Einreichen durch die Fachdienstleitung)"
EDITOR_REVIEW = "Zielbilanzierung vorbereiten (Einreichen durch die Fachdienstleitung)"
EDITOR_PLAN = "Ziel- und Haushaltsplanung vorbereiten (Einreichen durch die Fachdienstleitung)"
HEAD_AGREEMENT = "Zielvereinbarung einreichen"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agreement_task(world: World) -> Deadline:
    item = agreement(world.cycle, world.department, operative_goal(world.body))
    (deadline,) = deadlines_open_for([item])
    assert deadline.kind == TaskKind.AGREEMENT_SUBMIT
    return deadline


def test_my_tasks_name_what_the_reader_may_do(world: World, agreement_task: Deadline) -> None:
    editor = client_for(world.users["department_editor"]).get("/aufgaben/").content.decode()
    head = client_for(world.users["department_head"]).get("/aufgaben/").content.decode()

    assert EDITOR_AGREEMENT in editor and HEAD_AGREEMENT not in editor
    assert EDITOR_REVIEW in editor and "Zielbilanzierung einreichen" not in editor
    assert HEAD_AGREEMENT in head and "vorbereiten" not in head


def test_every_submit_task_has_a_wording_for_the_editor(world: World) -> None:
    deadline = DeadlineFactory(review=review_of(world), kind=TaskKind.PLAN_SUBMIT)
    editor = client_for(world.users["department_editor"]).get("/aufgaben/").content.decode()
    assert EDITOR_PLAN in editor
    assert deadline.get_kind_display() not in editor


def test_inbox_and_email_name_what_the_recipient_may_do(
    world: World, agreement_task: Deadline
) -> None:
    editor, head = world.users["department_editor"], world.users["department_head"]
    to_editor = NotificationFactory(recipient=editor, deadline=agreement_task)
    to_head = NotificationFactory(recipient=head, deadline=agreement_task)

    inbox = client_for(editor).get("/benachrichtigungen/").content.decode()
    assert f"Erinnerung: {EDITOR_AGREEMENT}" in inbox and HEAD_AGREEMENT not in inbox
    inbox = client_for(head).get("/benachrichtigungen/").content.decode()
    assert f"Erinnerung: {HEAD_AGREEMENT}" in inbox

    loaded = Notification.objects.select_related("recipient", "deadline__department").get
    mail = notification_email(loaded(pk=to_editor.pk), message_id="<a@test>")
    assert EDITOR_AGREEMENT in mail.subject and HEAD_AGREEMENT not in mail.body
    mail = notification_email(loaded(pk=to_head.pk), message_id="<b@test>")
    assert HEAD_AGREEMENT in mail.subject


def test_the_calendar_feed_names_what_its_owner_may_do(
    world: World, agreement_task: Deadline
) -> None:
    _feed, token = calendar_feed_create(acting_user=world.users["department_editor"])
    feed = Client().get(f"/kalender/{token}.ics")
    summaries = [str(e.get("summary")) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert any(EDITOR_AGREEMENT in s for s in summaries)
    assert not any(HEAD_AGREEMENT in s for s in summaries)


def test_the_api_names_what_the_requesting_user_may_do(
    world: World, agreement_task: Deadline
) -> None:
    editor, head = world.users["department_editor"], world.users["department_head"]
    NotificationFactory(recipient=editor, deadline=agreement_task)

    tasks = client_for(editor).get("/api/v1/tasks/").json()["results"]
    (task,) = [t for t in tasks if t["id"] == agreement_task.pk]
    assert task["kind"] == "agreement_submit"
    assert task["kind_label"] == EDITOR_AGREEMENT
    assert task["subject"].startswith(EDITOR_AGREEMENT)
    (notification,) = client_for(editor).get("/api/v1/notifications/").json()["results"]
    assert notification["title"].startswith(f"Erinnerung: {EDITOR_AGREEMENT}")

    tasks = client_for(head).get("/api/v1/tasks/").json()["results"]
    (task,) = [t for t in tasks if t["id"] == agreement_task.pk]
    assert task["kind_label"] == HEAD_AGREEMENT


def test_the_body_overview_names_each_task_as_it_is(world: World, agreement_task: Deadline) -> None:
    html = client_for(world.users["management"]).get("/fristen/").content.decode()
    assert HEAD_AGREEMENT in html and "vorbereiten" not in html


def test_an_editors_task_pages_read_permissions_once(world: World) -> None:
    """Wording every task by the reader's permissions costs no query per task."""
    Deadline.objects.all().delete()
    editor = world.users["department_editor"]
    client = client_for(editor)
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)

    def queries(path: str) -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    first = DeadlineFactory(review=review, kind=TaskKind.REVIEW_SUBMIT)
    NotificationFactory(recipient=editor, deadline=first)
    few = (queries("/aufgaben/"), queries("/benachrichtigungen/"))
    goals = [operative_goal(world.body, number=f"2.{i}", position=i) for i in range(8)]
    items = [agreement(world.cycle, world.department, goal) for goal in goals]
    for deadline in deadlines_open_for(items):
        NotificationFactory(recipient=editor, deadline=deadline)
    many = (queries("/aufgaben/"), queries("/benachrichtigungen/"))
    assert few == many
