"""Process the transactional outbox that the transition service writes.

Every fired transition records an OutboxMessage in the same transaction as the state
change. This module hands each unprocessed message to the handlers registered for its
topic and marks it processed. There are no delivery handlers yet (reminders, inbox and
e-mail come with their own issue): until then a message is marked processed without
any side effect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from workflows.models import OutboxMessage

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxMessage], None]

# topic -> handlers, called in registration order. Handlers run at least once per message
# (a failure retries the whole message), so they must be idempotent.
HANDLERS: dict[str, list[Handler]] = {}

# A message failing this often is left alone (with its last error) for a person to look at.
MAX_ATTEMPTS = 5


def handler_register(topic: str) -> Callable[[Handler], Handler]:
    """Register a handler for the messages of a topic (use as a decorator)."""

    def decorator(handler: Handler) -> Handler:
        HANDLERS.setdefault(topic, []).append(handler)
        return handler

    return decorator


def outbox_process(*, batch_size: int = 100) -> int:
    """Hand up to batch_size pending messages to their handlers; return how many succeeded.

    Rows are locked with SKIP LOCKED, so concurrent runs share the work instead of
    waiting or processing a message twice. A failing handler rolls back its own writes
    (savepoint), the message keeps processed_at empty, counts the attempt and records
    the error; it is retried on the next run until MAX_ATTEMPTS.
    """
    processed = 0
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .order_by("created_at", "id")[:batch_size]
        )
        for message in messages:
            message.attempts += 1
            handlers = HANDLERS.get(message.topic, ())
            try:
                if handlers:
                    with transaction.atomic():
                        for handler in handlers:
                            handler(message)
            except Exception as exc:
                message.last_error = f"{type(exc).__name__}: {exc}"
                logger.warning(
                    "Outbox message %s (%s) failed, attempt %d: %s",
                    message.pk,
                    message.topic,
                    message.attempts,
                    message.last_error,
                )
            else:
                message.processed_at = timezone.now()
                message.last_error = ""
                processed += 1
            message.save(update_fields=["attempts", "processed_at", "last_error"])
    return processed
