"""The outbox: lease, deliver once, retry with backoff, give up visibly, retry by hand."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from kombu.exceptions import OperationalError

from notifications import tasks
from notifications.models import EmailState, Notification, NotificationKind
from notifications.services import outbox
from notifications.services.notify import EMAIL_TOPIC
from notifications.services.outbox import (
    OutboxError,
    OutboxNotPermitted,
    Outcome,
    backoff_delay,
    handler_register,
    outbox_claim,
    outbox_deliver,
    outbox_process,
    outbox_retry,
)
from notifications.tasks import outbox_dispatch
from planning_cycle import celery_app
from planning_cycle.models import Body
from tests.support.factories import BodyFactory
from tests.support.world import World, build_world
from workflows.models import OutboxMessage
from workflows.services.rows import OUTBOX_TOPIC
from workflows.services.transitions import transition_fire

NOW = dt.datetime(2026, 4, 14, 9, 30, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
TOPIC = "test.topic"


def _message(body: Body, topic: str = TOPIC, **payload: object) -> OutboxMessage:
    return OutboxMessage.objects.create(body=body, topic=topic, payload=payload)


def _fresh(message: OutboxMessage) -> OutboxMessage:
    message.refresh_from_db()
    return message


@pytest.fixture
def handlers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[outbox.Handler]]:
    """An empty handler registry for the test (the product's handlers are loaded first)."""
    assert EMAIL_TOPIC in outbox.HANDLERS  # loaded by the tasks module, so not into ours
    registry: dict[str, list[outbox.Handler]] = {}
    monkeypatch.setattr(outbox, "HANDLERS", registry)
    return registry


@pytest.fixture
def failing(handlers: dict) -> Iterator[dict[str, Any]]:
    """A handler that fails while switch["on"] is true."""
    switch: dict[str, Any] = {"on": True, "calls": 0}

    @handler_register(TOPIC)
    def flaky(message: OutboxMessage) -> None:
        switch["calls"] += 1
        if switch["on"]:
            raise RuntimeError("Mailserver nicht erreichbar")

    yield switch


def _run_at(when: dt.datetime, **kwargs: Any) -> int:
    with time_machine.travel(when, tick=False):
        return outbox_process(**kwargs)


@pytest.mark.django_db
def test_marks_pending_messages_processed_once(handlers: dict) -> None:
    body = BodyFactory()
    seen: list[int] = []
    handler_register(TOPIC)(lambda m: seen.append(m.pk))
    first, second = _message(body, n=1), _message(body, n=2)

    assert _run_at(NOW) == 2

    assert seen == [first.pk, second.pk]
    for message in OutboxMessage.objects.all():
        assert (message.processed_at, message.attempts, message.last_error) == (NOW, 1, "")
        assert message.failed_at is None

    # A second run finds nothing to do and changes nothing.
    assert _run_at(NOW + MINUTE) == 0
    assert seen == [first.pk, second.pk]
    assert set(OutboxMessage.objects.values_list("processed_at", "attempts")) == {(NOW, 1)}


@pytest.mark.django_db
def test_message_without_handler_is_processed_without_side_effect(handlers: dict) -> None:
    message = _message(BodyFactory(), topic="nobody.listens")
    assert outbox_process() == 1
    assert _fresh(message).processed_at is not None


@pytest.mark.django_db
def test_batch_size_takes_oldest_first(handlers: dict) -> None:
    body = BodyFactory()
    with time_machine.travel(NOW, tick=False):
        newer = _message(body)
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        older = _message(body)

    assert outbox_process(batch_size=1) == 1
    assert _fresh(older).processed_at is not None
    assert _fresh(newer).processed_at is None
    assert outbox_process(batch_size=1) == 1
    assert _fresh(newer).processed_at is not None


@pytest.mark.django_db
def test_deliver_twice_runs_the_handlers_once(handlers: dict) -> None:
    calls: list[int] = []
    handler_register(TOPIC)(lambda m: calls.append(m.pk))
    message = _message(BodyFactory())

    assert outbox_deliver(message_id=message.pk) == Outcome.DELIVERED
    assert outbox_deliver(message_id=message.pk) == Outcome.SKIPPED
    assert calls == [message.pk]
    assert _fresh(message).attempts == 1


@pytest.mark.django_db
def test_failure_is_rolled_back_recorded_and_retried_after_backoff(handlers: dict) -> None:
    body = BodyFactory()
    failing = {"on": True}

    @handler_register(TOPIC)
    def write_then_fail(message: OutboxMessage) -> None:
        Body.objects.filter(pk=body.pk).update(name="geändert vom Handler")
        if failing["on"]:
            raise RuntimeError("Mailserver nicht erreichbar")

    message = _message(body)
    assert _run_at(NOW) == 0

    body.refresh_from_db()
    assert body.name != "geändert vom Handler"  # the handler's write was rolled back
    message = _fresh(message)
    assert message.attempts == 1
    assert message.last_error == "RuntimeError: Mailserver nicht erreichbar"
    assert message.next_attempt_at == NOW + MINUTE
    assert message.dispatched_at is None
    assert (message.processed_at, message.failed_at) == (None, None)

    # Not before its time: neither the dispatcher nor a stray task copy retries it early.
    assert _run_at(NOW + MINUTE - dt.timedelta(seconds=1)) == 0
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        assert outbox_deliver(message_id=message.pk) == Outcome.SKIPPED
    assert _fresh(message).attempts == 1

    assert _run_at(NOW + MINUTE) == 0
    assert _fresh(message).attempts == 2
    assert _fresh(message).next_attempt_at == NOW + 3 * MINUTE  # then 2 minutes

    failing["on"] = False
    assert _run_at(NOW + 3 * MINUTE) == 1
    message = _fresh(message)
    assert (message.processed_at, message.attempts, message.last_error) == (NOW + 3 * MINUTE, 3, "")
    assert message.next_attempt_at is None
    body.refresh_from_db()
    assert body.name == "geändert vom Handler"


@override_settings(OUTBOX_BACKOFF_BASE_SECONDS=60, OUTBOX_BACKOFF_MAX_SECONDS=3600)
def test_backoff_doubles_up_to_the_cap() -> None:
    minutes = [backoff_delay(n) / MINUTE for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert backoff_delay(10_000) == dt.timedelta(hours=1)


@pytest.mark.django_db
@override_settings(OUTBOX_MAX_ATTEMPTS=4)
def test_gives_up_after_max_attempts_and_tells_the_monitors(failing: dict) -> None:
    world = build_world()
    other = build_world(key="andere-kommune")
    message = _message(world.body)
    when = NOW
    outcomes = []
    for _ in range(4):
        with time_machine.travel(when, tick=False):
            assert outbox_claim() == [message.pk]
            outcomes.append(outbox_deliver(message_id=message.pk))
        when = _fresh(message).next_attempt_at or when
    assert outcomes == [Outcome.RETRY] * 3 + [Outcome.FAILED]

    message = _fresh(message)
    assert message.attempts == 4
    assert message.failed_at is not None
    assert message.processed_at is None
    assert message.last_error == "RuntimeError: Mailserver nicht erreichbar"
    # Given up: the dispatcher never takes it again.
    assert _run_at(when + dt.timedelta(days=1)) == 0
    assert failing["calls"] == 4

    notes = Notification.objects.filter(kind=NotificationKind.DELIVERY_FAILED)
    told = {n.recipient for n in notes}
    assert told == {world.users["management"], world.users["strategy_unit"]}
    assert other.users["management"] not in told
    for note in notes:
        assert note.source_key == f"outbox-failed:{message.pk}"
        assert note.email_state == EmailState.NONE  # in the inbox only
        assert note.data == {
            "message_id": message.pk,
            "topic": TOPIC,
            "attempts": 4,
            "error": "RuntimeError: Mailserver nicht erreichbar",
        }
    assert not OutboxMessage.objects.exclude(pk=message.pk).exists()  # no e-mail queued


@pytest.mark.django_db
@override_settings(OUTBOX_MAX_ATTEMPTS=1)
def test_retry_by_a_monitor_starts_a_new_series(failing: dict) -> None:
    world = build_world()
    message = _message(world.body)
    assert _run_at(NOW) == 0
    assert _fresh(message).failed_at is not None

    for role in ("department_head", "council_member"):
        with pytest.raises(OutboxNotPermitted):
            outbox_retry(acting_user=world.users[role], message=message)
    stranger = build_world(key="fremd").users["management"]
    with pytest.raises(OutboxNotPermitted):
        outbox_retry(acting_user=stranger, message=message)
    assert _fresh(message).failed_at is not None

    failing["on"] = False
    with time_machine.travel(NOW + MINUTE, tick=False):
        retried = outbox_retry(acting_user=world.users["strategy_unit"], message=message)
    assert (retried.attempts, retried.failed_at, retried.next_attempt_at) == (0, None, None)
    assert retried.last_error == "RuntimeError: Mailserver nicht erreichbar"
    assert _run_at(NOW + 2 * MINUTE) == 1
    message = _fresh(message)
    assert message.processed_at == NOW + 2 * MINUTE
    assert message.attempts == 1

    with pytest.raises(OutboxError, match="bereits zugestellt"):
        outbox_retry(acting_user=world.users["management"], message=message)


@pytest.mark.django_db
def test_retry_refuses_a_message_still_in_delivery(handlers: dict) -> None:
    world = build_world()
    message = _message(world.body)
    with pytest.raises(OutboxError, match="noch zugestellt"):
        outbox_retry(acting_user=world.users["management"], message=message)


@pytest.mark.django_db
@override_settings(OUTBOX_LEASE_SECONDS=300)
def test_claim_leases_messages_until_the_lease_expires(handlers: dict) -> None:
    """A claimed message whose task was lost is claimed again, but only after its lease."""
    message = _message(BodyFactory())
    with time_machine.travel(NOW, tick=False):
        assert outbox_claim() == [message.pk]
    assert _fresh(message).dispatched_at == NOW
    with time_machine.travel(NOW + dt.timedelta(seconds=299), tick=False):
        assert outbox_claim() == []
    with time_machine.travel(NOW + dt.timedelta(seconds=301), tick=False):
        assert outbox_claim() == [message.pk]
        assert outbox_deliver(message_id=message.pk) == Outcome.DELIVERED
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert outbox_claim() == []


@pytest.mark.django_db
def test_dispatch_queues_one_delivery_per_message(
    handlers: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = BodyFactory()
    messages = [_message(body, n=n) for n in range(3)]
    queued: list[tuple[int, ...]] = []
    monkeypatch.setattr(
        tasks.outbox_deliver, "apply_async", lambda args, **kw: queued.append(tuple(args))
    )

    assert outbox_dispatch() == 3
    assert queued == [(m.pk,) for m in messages]
    assert outbox_dispatch() == 0  # leased: not queued twice
    assert all(_fresh(m).dispatched_at is not None for m in messages)


@pytest.mark.django_db
@override_settings(OUTBOX_LEASE_SECONDS=60)
def test_dispatch_with_broker_down_stops_and_loses_nothing(
    handlers: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = BodyFactory()
    messages = [_message(body, n=n) for n in range(3)]
    queued: list[int] = []
    broker_up = {"on": False}

    def publish(args: tuple[int, ...], **kwargs: Any) -> None:
        if not broker_up["on"] and queued:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        queued.append(args[0])

    monkeypatch.setattr(tasks.outbox_deliver, "apply_async", publish)
    with time_machine.travel(NOW, tick=False):
        assert outbox_dispatch() == 1
    assert queued == [messages[0].pk]

    broker_up["on"] = True
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        assert outbox_dispatch() == 0  # still leased
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        assert outbox_dispatch() == 3  # the lost one and the two never published
    assert sorted(queued) == sorted([messages[0].pk, *(m.pk for m in messages)])


@pytest.mark.django_db
def test_transition_message_is_processed(world: World, handlers: dict) -> None:
    """A real transition writes an outbox message in its transaction; the processor takes it."""
    received: list[dict] = []
    handler_register(OUTBOX_TOPIC)(lambda m: received.append(m.payload))
    review = world.cycle.reviews.get(department=world.department)
    transition_fire(acting_user=world.users["department_head"], obj=review, transition="submit")

    assert outbox_process() == 1
    assert len(received) == 1
    assert received[0]["transition"] == "submit"
    assert received[0]["object_id"] == review.pk
    assert (received[0]["source"], received[0]["target"]) == ("draft", "submitted")


def test_beat_schedule_names_registered_tasks() -> None:
    """Beat runs the dispatcher, the sweep, the digest and the overdue marking, each registered."""
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} == {
        "notifications.tasks.outbox_dispatch",
        "notifications.tasks.deadline_sweep",
        "notifications.tasks.digest_send",
        "notifications.tasks.invitations_overdue_mark",
    }
    overdue = schedule["mark-invitations-overdue"]["schedule"]
    assert (overdue.hour, overdue.minute) == ({0}, {15})
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks
    assert schedule["dispatch-outbox"]["schedule"] == settings.OUTBOX_DISPATCH_SECONDS == 10
    assert schedule["sweep-deadlines"]["schedule"] == 60
    digest = schedule["send-digests"]["schedule"]
    assert (digest.hour, digest.minute) == ({7}, {0})
    assert celery_app.conf.timezone == "Europe/Berlin"


def test_delivery_task_acks_late_and_is_handed_back_when_its_worker_dies() -> None:
    task = celery_app.tasks["notifications.tasks.outbox_deliver"]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


@pytest.mark.django_db
def test_task_runs_through_celery_call_path(handlers: dict) -> None:
    message = _message(BodyFactory())
    result = tasks.outbox_deliver.apply(args=(message.pk,))
    assert result.get() == "delivered"
    assert tasks.outbox_deliver.apply(args=(message.pk,)).get() == "skipped"
    assert _fresh(message).processed_at is not None


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SKIP LOCKED needs PostgreSQL (set DATABASE_URL, or run `make test` with it)",
)


def _hold_lock(pk: int, holding: threading.Event, release: threading.Event) -> None:
    try:
        with transaction.atomic():
            OutboxMessage.objects.select_for_update().get(pk=pk)
            holding.set()
            release.wait(10)
    finally:
        connection.close()


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_rows_locked_by_a_running_delivery_are_skipped(handlers: dict) -> None:
    """A message being delivered is neither claimed nor delivered a second time meanwhile."""
    calls: list[int] = []
    handler_register(TOPIC)(lambda m: calls.append(m.pk))
    body = BodyFactory()
    locked, free = _message(body), _message(body)
    holding, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_hold_lock, args=(locked.pk, holding, release))
    other.start()
    try:
        assert holding.wait(10)
        assert outbox_claim() == [free.pk]  # does not wait for the locked row
        assert outbox_deliver(message_id=locked.pk) == Outcome.SKIPPED
        assert outbox_deliver(message_id=free.pk) == Outcome.DELIVERED
    finally:
        release.set()
        other.join()
    assert calls == [free.pk]
    assert _fresh(locked).processed_at is None
    assert outbox_process() == 1
    assert calls == [free.pk, locked.pk]
