"""The outbox processor: every pending message once, failures recorded and retried."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction

from notifications import services
from notifications.services.outbox import MAX_ATTEMPTS, handler_register, outbox_process
from notifications.tasks import outbox_dispatch
from planning_cycle import celery_app
from planning_cycle.models import Body
from tests.conftest import World
from tests.factories import BodyFactory
from workflows.models import OutboxMessage
from workflows.services.rows import OUTBOX_TOPIC
from workflows.services.transitions import transition_fire

NOW = dt.datetime(2026, 4, 14, 9, 30, tzinfo=dt.UTC)
TOPIC = "test.topic"


def _message(body: Body, topic: str = TOPIC, **payload: object) -> OutboxMessage:
    return OutboxMessage.objects.create(body=body, topic=topic, payload=payload)


@pytest.fixture
def handlers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[services.Handler]]:
    """An empty handler registry for the test."""
    registry: dict[str, list[services.Handler]] = {}
    monkeypatch.setattr(services, "HANDLERS", registry)
    return registry


@pytest.mark.django_db
def test_marks_pending_messages_processed_once(handlers: dict) -> None:
    body = BodyFactory()
    seen: list[int] = []
    handler_register(TOPIC)(lambda m: seen.append(m.pk))
    first, second = _message(body, n=1), _message(body, n=2)

    with time_machine.travel(NOW, tick=False):
        assert outbox_process() == 2

    assert seen == [first.pk, second.pk]
    for message in OutboxMessage.objects.all():
        assert message.processed_at == NOW
        assert message.attempts == 1
        assert message.last_error == ""

    # A second run finds nothing to do and changes nothing.
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert outbox_process() == 0
    assert seen == [first.pk, second.pk]
    assert set(OutboxMessage.objects.values_list("processed_at", "attempts")) == {(NOW, 1)}


@pytest.mark.django_db
def test_message_without_handler_is_processed_without_side_effect(handlers: dict) -> None:
    message = _message(BodyFactory(), topic="nobody.listens")
    assert outbox_process() == 1
    message.refresh_from_db()
    assert message.processed_at is not None


@pytest.mark.django_db
def test_batch_size_takes_oldest_first(handlers: dict) -> None:
    body = BodyFactory()
    with time_machine.travel(NOW, tick=False):
        newer = _message(body)
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        older = _message(body)

    assert outbox_process(batch_size=1) == 1
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.processed_at is not None
    assert newer.processed_at is None
    assert outbox_process(batch_size=1) == 1
    newer.refresh_from_db()
    assert newer.processed_at is not None


@pytest.mark.django_db
def test_failure_is_recorded_rolled_back_and_retried(handlers: dict) -> None:
    body = BodyFactory()
    failing = {"on": True}

    @handler_register(TOPIC)
    def write_then_fail(message: OutboxMessage) -> None:
        Body.objects.filter(pk=body.pk).update(name="geändert vom Handler")
        if failing["on"] and message.payload.get("bad"):
            raise RuntimeError("Mailserver nicht erreichbar")

    good, bad = _message(body), _message(body, bad=True)

    assert outbox_process() == 1
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.processed_at is not None
    assert bad.processed_at is None
    assert bad.attempts == 1
    assert bad.last_error == "RuntimeError: Mailserver nicht erreichbar"

    # The failing handler's own write was rolled back; the good one's stays.
    Body.objects.filter(pk=body.pk).update(name="zurückgesetzt")
    assert outbox_process() == 0
    body.refresh_from_db()
    assert body.name == "zurückgesetzt"
    bad.refresh_from_db()
    assert bad.attempts == 2

    failing["on"] = False
    with time_machine.travel(NOW, tick=False):
        assert outbox_process() == 1
    bad.refresh_from_db()
    assert (bad.processed_at, bad.attempts, bad.last_error) == (NOW, 3, "")


@pytest.mark.django_db
def test_gives_up_after_max_attempts(handlers: dict) -> None:
    def always_fail(message: OutboxMessage) -> None:
        raise ValueError("kaputt")

    handler_register(TOPIC)(always_fail)
    message = _message(BodyFactory())
    for _ in range(MAX_ATTEMPTS + 2):
        assert outbox_process() == 0
    message.refresh_from_db()
    assert message.attempts == MAX_ATTEMPTS
    assert message.processed_at is None
    assert message.last_error == "ValueError: kaputt"


@pytest.mark.django_db
def test_transition_message_is_processed(world: World, handlers: dict) -> None:
    """A real transition writes an outbox message in its transaction; the processor takes it."""
    received: list[dict] = []
    handler_register(OUTBOX_TOPIC)(lambda m: received.append(m.payload))
    review = world.cycle.reviews.get(department=world.department)
    transition_fire(acting_user=world.users["department_head"], obj=review, transition="submit")

    assert outbox_dispatch() == 1
    assert len(received) == 1
    assert received[0]["transition"] == "submit"
    assert received[0]["object_id"] == review.pk
    assert (received[0]["source"], received[0]["target"]) == ("draft", "submitted")


def test_beat_schedule_names_a_registered_task() -> None:
    """The one beat entry points at outbox_dispatch, registered under that name."""
    assert len(settings.CELERY_BEAT_SCHEDULE) == 1
    (entry,) = settings.CELERY_BEAT_SCHEDULE.values()
    assert entry["task"] == "notifications.tasks.outbox_dispatch"
    assert entry["schedule"] == 30.0
    assert celery_app.tasks[entry["task"]].name == outbox_dispatch.name


@pytest.mark.django_db
def test_task_runs_through_celery_call_path(handlers: dict) -> None:
    message = _message(BodyFactory())
    result = outbox_dispatch.apply(kwargs={"batch_size": 10})
    assert result.get() == 1
    message.refresh_from_db()
    assert message.processed_at is not None


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SKIP LOCKED needs PostgreSQL (set DATABASE_URL, or run `make test` with it)",
)
@pytest.mark.django_db(transaction=True)
def test_rows_locked_by_a_concurrent_run_are_skipped(handlers: dict) -> None:
    body = BodyFactory()
    locked, free = _message(body), _message(body)
    holding, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=locked.pk)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=hold_lock)
    other.start()
    try:
        assert holding.wait(10)
        assert outbox_process() == 1  # does not wait for the locked row
    finally:
        release.set()
        other.join()
    locked.refresh_from_db()
    free.refresh_from_db()
    assert locked.processed_at is None
    assert free.processed_at is not None
    assert outbox_process() == 1
