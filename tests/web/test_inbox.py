"""The inbox, the header's unread count and "Meine Aufgaben", through HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.context_processors import inbox as inbox_context
from notifications.models import (
    Audience,
    CalendarFeed,
    Deadline,
    DeadlineExtension,
    Notification,
    NotificationKind,
    NotificationPreference,
    TaskKind,
)
from notifications.selectors import deadlines_for_user
from tests.support.notifications import DeadlineFactory, NotificationFactory
from tests.support.web import ROLES, review_of
from tests.support.world import build_world
from workflows.models import OutboxMessage

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def deadline(world):
    """A clean slate of deadlines: one open review submission of FD 31, due in 7 days."""
    Deadline.objects.all().delete()
    return DeadlineFactory(review=review_of(world), due_at=timezone.now() + dt.timedelta(days=7))


def notify(user, deadline, count=1, **kwargs):
    return [NotificationFactory(recipient=user, deadline=deadline, **kwargs) for _ in range(count)]


def unread(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def test_inbox_lists_own_notifications_newest_first_with_unread_marked(world, deadline, client_for):
    head = world.users["department_head"]
    older = NotificationFactory(
        recipient=head,
        deadline=deadline,
        kind=NotificationKind.TASK,
        created_at=timezone.now() - dt.timedelta(days=2),
        read_at=timezone.now() - dt.timedelta(days=1),
    )
    newer = NotificationFactory(recipient=head, deadline=deadline, data={"offset_days": 7})
    # Someone else's, in the same body and in another body.
    NotificationFactory(recipient=world.users["management"], deadline=deadline)
    other = build_world(key="andere")
    other_review = review_of(other)
    Deadline.objects.filter(object_id=other_review.pk).delete()
    NotificationFactory(
        recipient=other.users["department_head"],
        deadline=DeadlineFactory(review=other_review),
        data={"offset_days": 3},
    )

    response = client_for(head).get("/benachrichtigungen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert html.index(f'id="benachrichtigung-{newer.pk}"') < html.index(
        f'id="benachrichtigung-{older.pk}"'
    )
    assert html.count('<li id="benachrichtigung-') == 2
    assert "Erinnerung: Zielbilanzierung einreichen, FD 31 Fachdienst 31 (2026)" in html
    assert "Die Frist endet in 7 Tagen" in html
    assert "Die Frist endet in 3 Tagen" not in html  # the other body's
    assert f'href="/zielbilanzierungen/{deadline.object_id}/"' in html
    assert "Ungelesen:" in html  # textually marked, not only by colour
    assert html.count(">ungelesen<") == 1
    assert html.count(">gelesen<") == 1
    assert "Sie haben 1 ungelesene Benachrichtigung." in html
    assert 'role="status"' in html
    assert "Alle als gelesen markieren" in html


def test_header_shows_unread_count_on_every_page(world, deadline, client_for):
    head = world.users["department_head"]
    notify(head, deadline, count=3)
    client = client_for(head)
    for url in ("/", "/ziele/", "/aufgaben/", "/benachrichtigungen/einstellungen/"):
        html = client.get(url).content.decode()
        assert 'id="inbox-badge"' in html, url
        assert "3 ungelesen" in html, url
    # Nothing unread: the link stays, without a badge.
    Notification.objects.update(read_at=timezone.now())
    html = client.get("/").content.decode()
    assert 'id="inbox-badge"></span>' in html


def test_no_inbox_link_for_anonymous_and_external_users(world, client, client_for):
    assert "inbox-badge" not in client.get("/anmelden/").content.decode()
    html = client_for(world.users["external_stakeholder"]).get("/").content.decode()
    assert "inbox-badge" not in html


def test_context_processor_counts_once_and_only_when_shown(world, deadline):
    factory = RequestFactory()
    request = factory.get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as ctx:
        assert inbox_context(request) == {}
    assert len(ctx.captured_queries) == 0

    head = world.users["department_head"]
    notify(head, deadline, count=2)
    request.user = head
    with CaptureQueriesContext(connection) as ctx:
        badge = inbox_context(request)["inbox_badge"]
    assert len(ctx.captured_queries) == 0  # lazy: nothing until a template shows it
    with CaptureQueriesContext(connection) as ctx:
        assert badge.unread == 2
        assert badge.unread == 2
    assert len(ctx.captured_queries) == 1


def test_mark_read_by_post_with_redirect(world, deadline, client_for):
    head = world.users["department_head"]
    first, second = notify(head, deadline, count=2)
    client = client_for(head)
    response = client.post(
        f"/benachrichtigungen/{first.pk}/gelesen/", {"next": "/benachrichtigungen/?seite=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/benachrichtigungen/?seite=1#benachrichtigung-{first.pk}"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    html = client.get(response["Location"]).content.decode()
    assert "ist als gelesen markiert" in html
    assert "1 ungelesen" in html
    # Again: no change, no error.
    stamp = first.read_at
    assert client.post(f"/benachrichtigungen/{first.pk}/gelesen/").status_code == 302
    first.refresh_from_db()
    assert first.read_at == stamp


def test_mark_read_refuses_foreign_next(world, deadline, client_for):
    head = world.users["department_head"]
    (n,) = notify(head, deadline)
    response = client_for(head).post(
        f"/benachrichtigungen/{n.pk}/gelesen/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/benachrichtigungen/#benachrichtigung-{n.pk}"


def test_mark_read_through_htmx_swaps_item_and_counts(world, deadline, client_for):
    head = world.users["department_head"]
    first, _second = notify(head, deadline, count=2)
    response = client_for(head).post(
        f"/benachrichtigungen/{first.pk}/gelesen/", {"next": "/benachrichtigungen/"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'<li id="benachrichtigung-{first.pk}"' in html
    assert " autofocus" in html  # focus moves to the swapped item, not the page start
    assert "Als gelesen markieren" not in html
    assert '<span id="inbox-badge" hx-swap-oob="innerHTML">' in html
    assert "1 ungelesen" in html
    assert 'id="inbox-status" class="kern-body" role="status" hx-swap-oob="innerHTML"' in html
    assert "Sie haben 1 ungelesene Benachrichtigung." in html
    assert unread(head) == 1


def test_mark_read_only_by_post_and_only_own(world, deadline, client_for):
    head = world.users["department_head"]
    (own,) = notify(head, deadline)
    (colleague,) = notify(world.users["department_editor"], deadline)
    other = build_world(key="andere")
    other_review = review_of(other)
    Deadline.objects.filter(object_id=other_review.pk).delete()
    (foreign,) = notify(other.users["department_head"], DeadlineFactory(review=other_review))
    client = client_for(head)

    assert client.get(f"/benachrichtigungen/{own.pk}/gelesen/").status_code == 405
    assert client.get("/benachrichtigungen/alle-gelesen/").status_code == 405
    assert unread(head) == 1
    for n in (colleague, foreign):
        assert client.post(f"/benachrichtigungen/{n.pk}/gelesen/").status_code == 404
        assert client.post(f"/benachrichtigungen/{n.pk}/gelesen/", **HTMX).status_code == 404
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_all_read_touches_only_own(world, deadline, client_for):
    head = world.users["department_head"]
    notify(head, deadline, count=3)
    notify(world.users["department_editor"], deadline, count=2)
    client = client_for(head)
    response = client.post("/benachrichtigungen/alle-gelesen/")
    assert response.status_code == 302
    assert response["Location"] == "/benachrichtigungen/"
    assert unread(head) == 0
    assert unread(world.users["department_editor"]) == 2
    html = client.get("/benachrichtigungen/").content.decode()
    assert "3 Benachrichtigungen sind als gelesen markiert." in html
    assert "Alle als gelesen markieren" not in html
    response = client.post("/benachrichtigungen/alle-gelesen/", follow=True)
    assert "Es gab keine ungelesenen Benachrichtigungen." in response.content.decode()


def test_inbox_is_paginated(world, deadline, client_for):
    head = world.users["department_head"]
    notify(head, deadline, count=25)
    client = client_for(head)
    html = client.get("/benachrichtigungen/").content.decode()
    assert html.count('<li id="benachrichtigung-') == 20
    assert "Seite 1 von 2" in html
    assert 'href="?seite=2"' in html
    html = client.get("/benachrichtigungen/?seite=2").content.decode()
    assert html.count('<li id="benachrichtigung-') == 5
    assert 'href="?seite=1"' in html
    # Nonsense page numbers fall back to a real page.
    assert client.get("/benachrichtigungen/?seite=x").status_code == 200


def test_delivery_failure_notification_links_to_delivery_page(world, client_for):
    management = world.users["management"]
    NotificationFactory(
        recipient=management,
        deadline=None,
        kind=NotificationKind.DELIVERY_FAILED,
        data={"message_id": 17, "topic": "notification.email", "attempts": 10, "error": "SMTP"},
    )
    html = client_for(management).get("/benachrichtigungen/").content.decode()
    assert "Zustellung fehlgeschlagen: Nachricht 17" in html
    assert 'href="/benachrichtigungen/zustellung/"' in html


@pytest.mark.parametrize("role", ["department_head", "management"])
def test_inbox_query_count_is_constant(world, deadline, client_for, role):
    user = world.users[role]
    client = client_for(user)

    def queries() -> int:
        client.get("/benachrichtigungen/")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/benachrichtigungen/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    notify(user, deadline, count=2)
    few = queries()
    notify(user, deadline, count=28, kind=NotificationKind.ESCALATION)
    many = queries()
    print(f"inbox queries as {role}: 2 notifications {few}, 30 notifications {many}")
    assert few == many


def test_inbox_pages_for_members_only(world, client, client_for):
    assert client.get("/benachrichtigungen/")["Location"].startswith("/anmelden/")
    assert client.get("/aufgaben/")["Location"].startswith("/anmelden/")
    external = client_for(world.users["external_stakeholder"])
    assert "Beteiligungsrunde" in external.get("/benachrichtigungen/").content.decode()
    assert external.post("/benachrichtigungen/alle-gelesen/").status_code == 403


# --- Meine Aufgaben ----------------------------------------------------------------------


@pytest.fixture
def tasks(world):
    """Open deadlines of FD 31 (submit, soon and overdue), FD 32 and management; one done."""
    Deadline.objects.all().delete()
    now = timezone.now()
    own_review, other_review = review_of(world, 0), review_of(world, 1)
    return {
        "own_later": DeadlineFactory(review=own_review, due_at=now + dt.timedelta(days=20)),
        "own_overdue": DeadlineFactory(
            review=own_review,
            kind=TaskKind.PLAN_SUBMIT,
            url_path="/planungen/1/",
            due_at=now - dt.timedelta(days=2),
        ),
        "other": DeadlineFactory(review=other_review, due_at=now + dt.timedelta(days=5)),
        "management": DeadlineFactory(
            review=other_review,
            kind=TaskKind.REVIEW_DECIDE,
            audience=Audience.MANAGEMENT,
            due_at=now + dt.timedelta(days=9),
        ),
        "done": DeadlineFactory(
            review=review_of(world, 2),
            state="done",
            closed_at=now,
            next_check_at=None,
        ),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("department_head", ["own_overdue", "own_later"]),
        ("department_editor", ["own_overdue", "own_later"]),
        ("other_department_head", ["other"]),
        ("management", ["management"]),
        ("strategy_unit", []),
        ("committee_secretary", []),
        ("council_member", []),
    ],
)
def test_deadlines_for_user_by_role(world, tasks, role, expected, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = list(deadlines_for_user(world.users[role]))
    assert found == [tasks[name] for name in expected]


def test_deadlines_for_user_never_crosses_bodies(world, tasks):
    other = build_world(key="andere")
    mine = set(tasks.values())
    for role in ("department_head", "department_editor", "management"):
        found = list(deadlines_for_user(other.users[role]))
        assert all(d.body_id == other.body.pk for d in found), role
        assert not set(found) & mine, role
    # The other body's department heads do have their own (opened with their cycle).
    assert deadlines_for_user(other.users["department_head"]).exists()


def test_my_tasks_page(world, tasks, client_for):
    html = client_for(world.users["department_head"]).get("/aufgaben/").content.decode()
    assert html.count("<h1") == 1
    assert "Sie haben 2 offene Aufgaben, davon 1 überfällig." in html
    assert html.index(f'id="aufgabe-{tasks["own_overdue"].pk}"') < html.index(
        f'id="aufgabe-{tasks["own_later"].pk}"'
    )
    assert ">überfällig<" in html
    assert 'href="/planungen/1/"' in html
    assert "Fachdienst 32" not in html
    assert "Über Zielbilanzierung entscheiden" not in html
    html = client_for(world.users["strategy_unit"]).get("/aufgaben/").content.decode()
    assert "Sie haben keine offenen Aufgaben mit Frist." in html


def test_my_tasks_query_count_is_constant(world, client_for):
    Deadline.objects.all().delete()
    client = client_for(world.users["management"])

    def queries() -> int:
        client.get("/aufgaben/")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/aufgaben/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    reviews = [review_of(world, i) for i in range(3)]
    pairs = [(review, kind) for review in reviews for kind in TaskKind]
    DeadlineFactory(review=reviews[0], kind=pairs[0][1], audience=Audience.MANAGEMENT)
    few = queries()
    for review, kind in pairs[1:]:
        DeadlineFactory(review=review, kind=kind, audience=Audience.MANAGEMENT)
    assert deadlines_for_user(world.users["management"]).count() == 3 * len(TaskKind)
    many = queries()
    assert few == many


# --- Every page of the notifications, every role ----------------------------------------

PAGES = {
    "/benachrichtigungen/": {"*"},
    "/aufgaben/": {"*"},
    "/benachrichtigungen/einstellungen/": {"*"},
    "/fristen/": {"management", "strategy_unit"},
    "/benachrichtigungen/zustellung/": {"management", "strategy_unit"},
}


@pytest.mark.parametrize("role", [*ROLES, "other_department_head"])
def test_page_matrix_and_get_changes_nothing(world, deadline, client_for, role):
    user = world.users[role]
    notify(user, deadline, count=2)
    OutboxMessage.objects.create(
        body=world.body, topic="notification.email", attempts=10, failed_at=timezone.now()
    )

    def snapshot():
        return (
            list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
            list(NotificationPreference.objects.values()),
            list(CalendarFeed.objects.values()),
            list(Deadline.objects.order_by("pk").values()),
            DeadlineExtension.objects.count(),
            list(OutboxMessage.objects.order_by("pk").values()),
        )

    before = snapshot()
    client = client_for(user)
    for url, allowed in PAGES.items():
        response = client.get(url)
        html = response.content.decode()
        # External contacts have tasks too (statements to give); the rest is a notice.
        if role == "external_stakeholder" and url != "/aufgaben/":
            assert "Beteiligungsrunde" in html, url
            continue
        expected = 200 if "*" in allowed or role in allowed else 403
        assert response.status_code == expected, (role, url)
        if expected == 200:
            assert html.count("<h1") == 1, url
            assert '<html lang="de">' in html
    # GET on the endpoints that change something, with plausible parameters.
    pk = Notification.objects.filter(recipient=user).first().pk
    for url in (
        f"/benachrichtigungen/{pk}/gelesen/",
        "/benachrichtigungen/alle-gelesen/",
        "/benachrichtigungen/einstellungen/kalender/",
        "/benachrichtigungen/einstellungen/kalender/widerrufen/",
        f"/fristen/{deadline.pk}/verlaengern/?new_due_date=2030-01-01&reason=x",
        f"/benachrichtigungen/zustellung/{OutboxMessage.objects.get().pk}/erneut-senden/",
    ):
        assert client.get(url).status_code in (405, 403), url
    assert client.get("/benachrichtigungen/einstellungen/?email_mode=off").status_code == 200
    assert snapshot() == before


def test_inbox_item_after_a_return_names_the_return_and_its_comment(world, client_for):
    from notifications.services.outbox import outbox_process
    from workflows.services.transitions import transition_fire

    review = review_of(world)
    transition_fire(acting_user=world.users["department_head"], obj=review, transition="submit")
    transition_fire(
        acting_user=world.users["management"],
        obj=review,
        transition="return_",
        comment="Bitte Kennzahlen ergänzen.",
    )
    while outbox_process():
        pass
    page = client_for(world.users["department_editor"]).get("/benachrichtigungen/")
    html = page.content.decode()
    manager = world.users["management"].get_full_name()
    today = timezone.localdate().strftime("%d.%m.%Y")
    # The editor prepares what the head submits (issue 9: a task names what its reader may do).
    assert (
        "Neue Aufgabe (zurückgegeben): Zielbilanzierung vorbereiten "
        "(Einreichen durch die Fachdienstleitung)"
    ) in html
    assert f"Zurückgegeben von {manager} am {today}." in html
    assert "Kommentar: „Bitte Kennzahlen ergänzen.“" in html
