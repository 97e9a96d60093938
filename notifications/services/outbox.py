"""Deliver the transactional outbox: lease due messages, run their handlers once, retry.

Every committed transaction that wants a side effect wrote an OutboxMessage. The
dispatcher (`outbox_claim`, run by beat every few seconds) leases due messages and queues
one `outbox_deliver` task per message; `outbox_deliver` locks the message, runs the
handlers registered for its topic and records the result. Delivery is at least once:
a message whose task was lost (broker down, worker killed) is queued again when its lease
expires, so handlers must tolerate running twice; the row lock and the processed/failed
check make a second copy of a task do nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from planning_cycle.access import permission_checker, user_may
from planning_cycle.models import Role, RoleAssignment, User
from workflows.models import OutboxMessage

from ..models import EmailMode, Notification, NotificationKind, NotificationPreference
from ..recipients import Recipient
from .notify import NotificationSpec, notifications_create

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxMessage], None]

# topic -> handlers, called in registration order inside one savepoint per message.
HANDLERS: dict[str, list[Handler]] = {}
# Modules whose import registers the product's handlers (see _handlers_load).
HANDLER_MODULES = ("notifications.services.delivery", "notifications.services.consultation")
_handlers_loaded = False

MONITOR_PERMISSION = "planning_cycle.delivery_monitor"
# Who is told of a delivery given up: the roles holding delivery_monitor on the body.
MONITOR_ROLES = (Role.MANAGEMENT, Role.STRATEGY_UNIT)
ERROR_LENGTH = 2_000


class Outcome(enum.StrEnum):
    """What one delivery attempt did."""

    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


class OutboxError(Exception):
    """A message could not be changed; the message tells the user why."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutboxNotPermitted(OutboxError):
    status = 403


def handler_register(topic: str) -> Callable[[Handler], Handler]:
    """Register a handler for the messages of a topic (use as a decorator)."""

    def decorator(handler: Handler) -> Handler:
        HANDLERS.setdefault(topic, []).append(handler)
        return handler

    return decorator


def _handlers_load() -> None:
    # Imported lazily: the handler modules import this one to register themselves.
    global _handlers_loaded
    if not _handlers_loaded:
        for module in HANDLER_MODULES:
            importlib.import_module(module)
        _handlers_loaded = True


def max_attempts() -> int:
    """Return after how many failed attempts a message is given up."""
    return int(settings.OUTBOX_MAX_ATTEMPTS)


def backoff_delay(attempts: int) -> dt.timedelta:
    """Return the wait after the given number of failed attempts: 1, 2, 4 … minutes, capped."""
    base = int(settings.OUTBOX_BACKOFF_BASE_SECONDS)
    cap = int(settings.OUTBOX_BACKOFF_MAX_SECONDS)
    # The exponent is bounded so that a large attempt count cannot build a huge integer.
    return dt.timedelta(seconds=min(cap, base * 2 ** min(max(attempts - 1, 0), 30)))


def outbox_pending(*, now: dt.datetime) -> QuerySet[OutboxMessage]:
    """Return the messages due for delivery: not done, not given up, not waiting, not leased."""
    lease_start = now - dt.timedelta(seconds=int(settings.OUTBOX_LEASE_SECONDS))
    return OutboxMessage.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=lease_start),
        processed_at__isnull=True,
        failed_at__isnull=True,
    )


def outbox_claim(*, now: dt.datetime | None = None, batch_size: int = 500) -> list[int]:
    """Lease up to batch_size due messages to the caller; return their ids, oldest first.

    A short transaction: the rows are locked with SKIP LOCKED (a concurrent dispatcher or
    a running delivery keeps its rows), stamped dispatched_at and released on commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            outbox_pending(now=now)
            .select_for_update(skip_locked=True)
            .order_by("created_at", "id")
            .values_list("id", flat=True)[:batch_size]
        )
        if ids:
            OutboxMessage.objects.filter(pk__in=ids).update(dispatched_at=now)
    return ids


def outbox_deliver(*, message_id: int) -> Outcome:
    """Run the handlers of one message once and record success, a retry or the failure.

    Does nothing (SKIPPED) when the message is done, given up, waiting for its next
    attempt or being delivered by someone else right now: a task that runs twice is
    harmless. A failing handler's own writes are rolled back (savepoint); the attempt,
    the error and the time of the next attempt are recorded all the same.
    """
    _handlers_load()
    with transaction.atomic():
        now = timezone.now()
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                pk=message_id,
                processed_at__isnull=True,
                failed_at__isnull=True,
            )
            .first()
        )
        if message is None:
            return Outcome.SKIPPED
        message.attempts += 1
        try:
            with transaction.atomic():
                for handler in HANDLERS.get(message.topic, ()):
                    handler(message)
        except Exception as exc:
            return _attempt_failed(message, exc)
        message.processed_at = timezone.now()
        message.next_attempt_at = None
        message.last_error = ""
        message.save(update_fields=["attempts", "processed_at", "next_attempt_at", "last_error"])
    return Outcome.DELIVERED


def _attempt_failed(message: OutboxMessage, exc: Exception) -> Outcome:
    now = timezone.now()
    message.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
    # The lease ends with the attempt: the dispatcher queues the retry when it is due.
    message.dispatched_at = None
    if message.attempts >= max_attempts():
        message.failed_at = now
        message.next_attempt_at = None
        outcome = Outcome.FAILED
        logger.error(
            "Outbox message %s (%s) given up after %d attempts: %s",
            message.pk,
            message.topic,
            message.attempts,
            message.last_error,
        )
    else:
        message.next_attempt_at = now + backoff_delay(message.attempts)
        outcome = Outcome.RETRY
        logger.warning(
            "Outbox message %s (%s) failed, attempt %d, next at %s: %s",
            message.pk,
            message.topic,
            message.attempts,
            message.next_attempt_at.isoformat(),
            message.last_error,
        )
    message.save(
        update_fields=["attempts", "last_error", "dispatched_at", "failed_at", "next_attempt_at"]
    )
    if outcome == Outcome.FAILED:
        _failure_notify(message)
    return outcome


def _monitors(body_id: int) -> list[Recipient]:
    assignments = (
        RoleAssignment.objects.filter(
            body_id=body_id,
            role__in=MONITOR_ROLES,
            department__isnull=True,
            user__is_active=True,
            user__body_id=body_id,
        )
        .select_related("user", "user__notification_preference")
        .order_by("user_id")
    )
    users: dict[int, User] = {a.user_id: a.user for a in assignments}
    recipients = []
    for user in users.values():
        try:
            language = user.notification_preference.language  # type: ignore[attr-defined]
        except NotificationPreference.DoesNotExist:
            language = settings.LANGUAGE_CODE
        # In the inbox only: a report about failing e-mail should not depend on e-mail.
        recipients.append(Recipient(user=user, email_mode=EmailMode.OFF, language=language))
    return recipients


def _failure_notify(message: OutboxMessage) -> None:
    source_key = f"outbox-failed:{message.pk}"
    recipients = _monitors(message.body_id)
    told = _already_notified(source_key, (r.user.pk for r in recipients))
    notifications_create(
        specs=[
            NotificationSpec(
                recipient=r,
                kind=NotificationKind.DELIVERY_FAILED,
                source_key=source_key,
                data={
                    "message_id": message.pk,
                    "topic": message.topic,
                    "attempts": message.attempts,
                    "error": message.last_error,
                },
            )
            for r in recipients
            if r.user.pk not in told
        ]
    )


def _already_notified(source_key: str, user_ids: Iterable[int]) -> set[int]:
    return set(
        Notification.objects.filter(
            source_key=source_key, recipient_id__in=list(user_ids)
        ).values_list("recipient_id", flat=True)
    )


def outbox_process(*, batch_size: int = 100) -> int:
    """Deliver up to batch_size due messages in this process; return how many succeeded.

    The same claim and delivery as the dispatcher and its tasks, without a broker: for
    tests and for running the outbox by hand.
    """
    ids = outbox_claim(batch_size=batch_size)
    return sum(outbox_deliver(message_id=pk) == Outcome.DELIVERED for pk in ids)


def outbox_retry(*, acting_user: User, message: OutboxMessage) -> OutboxMessage:
    """Give a message that was given up a new series of attempts, starting now."""
    if not user_may(permission_checker(acting_user), acting_user, MONITOR_PERMISSION, message):
        raise OutboxNotPermitted(_("Sie dürfen Zustellungen nicht erneut anstoßen."))
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.processed_at is not None:
            raise OutboxError(_("Die Nachricht wurde bereits zugestellt."))
        if locked.failed_at is None:
            raise OutboxError(_("Die Nachricht wird noch zugestellt; bitte warten Sie ab."))
        # last_error stays: it tells what went wrong until the next attempt says otherwise.
        locked.attempts = 0
        locked.failed_at = None
        locked.next_attempt_at = None
        locked.dispatched_at = None
        locked.save(update_fields=["attempts", "failed_at", "next_attempt_at", "dispatched_at"])
    logger.info("Outbox message %s queued again by user %s", locked.pk, acting_user.pk)
    return locked
