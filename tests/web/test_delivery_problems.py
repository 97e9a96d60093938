"""The delivery problems page: failed outbox messages of the body, sent again by POST."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.support.web import ROLES
from tests.support.world import build_world
from workflows.models import OutboxMessage

URL = "/benachrichtigungen/zustellung/"


def failed(body, error="SMTPRecipientsRefused: kein Postfach", minutes_ago=5, **kwargs):
    return OutboxMessage.objects.create(
        body=body,
        topic=kwargs.pop("topic", "notification.email"),
        payload={"notification_id": 1},
        attempts=10,
        last_error=error,
        failed_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        **kwargs,
    )


@pytest.fixture
def messages(world):
    other = build_world(key="andere")
    return {
        "older": failed(world.body, error="ConnectionRefusedError: Mailserver", minutes_ago=60),
        "newer": failed(world.body, topic="notification.digest"),
        "pending": OutboxMessage.objects.create(
            body=world.body, topic="notification.email", attempts=2, last_error="Zeitüberschreitung"
        ),
        "foreign": failed(other.body, error="FREMDER-FEHLER"),
    }


def retry_url(message) -> str:
    return f"/benachrichtigungen/zustellung/{message.pk}/erneut-senden/"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "external_stakeholder"])
def test_permission_matrix(world, messages, client_for, role):
    allowed = role in ("management", "strategy_unit")
    client = client_for(world.users[role])
    assert client.get(URL).status_code == (200 if allowed else 403)
    response = client.post(retry_url(messages["older"]))
    assert response.status_code == (302 if allowed else 403)
    message = OutboxMessage.objects.get(pk=messages["older"].pk)
    assert (message.failed_at is None) is allowed


def test_external_and_anonymous(world, messages, client, client_for):
    assert client.get(URL)["Location"].startswith("/anmelden/")
    assert client.post(retry_url(messages["older"]))["Location"].startswith("/anmelden/")
    external = client_for(world.users["external_stakeholder"])
    assert "Beteiligungsrunde" in external.get(URL).content.decode()
    assert external.post(retry_url(messages["older"])).status_code == 403
    assert OutboxMessage.objects.get(pk=messages["older"].pk).failed_at is not None


def test_lists_failed_messages_of_the_body_latest_first(world, messages, client_for):
    response = client_for(world.users["strategy_unit"]).get(URL)
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "2 Nachrichten wurden nicht zugestellt." in html
    assert html.index(f'id="nachricht-{messages["newer"].pk}"') < html.index(
        f'id="nachricht-{messages["older"].pk}"'
    )
    assert f'id="nachricht-{messages["pending"].pk}"' not in html
    assert "FREMDER-FEHLER" not in html
    assert "ConnectionRefusedError: Mailserver" in html
    assert "<code>notification.digest</code>" in html
    assert ">10<" in html
    assert html.count("Erneut senden") == 2
    assert f"Nachricht Nr. {messages['older'].pk}" in html  # the button says which


def test_retry_gives_the_message_new_attempts(world, messages, client_for):
    client = client_for(world.users["management"])
    message = messages["older"]
    response = client.post(retry_url(message))
    assert response.status_code == 302
    assert response["Location"] == URL
    message.refresh_from_db()
    assert message.failed_at is None
    assert message.attempts == 0
    assert message.processed_at is None
    html = client.get(URL).content.decode()
    assert f"Die Nachricht {message.pk} wird erneut gesendet." in html
    assert f'id="nachricht-{message.pk}"' not in html
    assert "1 Nachricht wurde nicht zugestellt." in html
    # Pressed a second time (an old page): nothing changes, the user is told why.
    response = client.post(retry_url(message), follow=True)
    assert f"Die Nachricht {message.pk} wird bereits zugestellt." in response.content.decode()
    message.refresh_from_db()
    assert message.attempts == 0


def test_retry_is_post_only_and_body_scoped(world, messages, client_for):
    client = client_for(world.users["management"])
    assert client.get(retry_url(messages["older"])).status_code == 405
    assert client.post(retry_url(messages["foreign"])).status_code == 404
    assert client.post("/benachrichtigungen/zustellung/999999/erneut-senden/").status_code == 404
    assert OutboxMessage.objects.get(pk=messages["foreign"].pk).failed_at is not None
    assert OutboxMessage.objects.get(pk=messages["older"].pk).failed_at is not None


def test_get_changes_nothing(world, messages, client_for):
    before = list(OutboxMessage.objects.order_by("pk").values())
    client = client_for(world.users["management"])
    for url in (URL, f"{URL}?seite=2", retry_url(messages["older"])):
        assert client.get(url).status_code in (200, 405)
    assert list(OutboxMessage.objects.order_by("pk").values()) == before


def test_empty_page(world, client_for):
    html = client_for(world.users["management"]).get(URL).content.decode()
    assert "Alle Nachrichten wurden zugestellt." in html
    assert "<table" not in html


def test_inbox_links_here_for_monitors_only(world, client_for):
    link = f'href="{URL}"'
    assert (
        link
        in client_for(world.users["strategy_unit"]).get("/benachrichtigungen/").content.decode()
    )
    html = client_for(world.users["department_head"]).get("/benachrichtigungen/").content.decode()
    assert link not in html


@pytest.mark.parametrize("role", ["management", "strategy_unit"])
def test_query_count_is_constant(world, client_for, role):
    client = client_for(world.users[role])

    def queries() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        failed(world.body)
    few = queries()
    for _ in range(18):
        failed(world.body)
    many = queries()
    assert few == many
