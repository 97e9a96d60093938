"""Celery tasks of the notifications: thin wrappers around the services, keyed by id.

Beat (CELERY_BEAT_SCHEDULE) runs outbox_dispatch every few seconds, deadline_sweep every
minute, digest_send daily and invitations_overdue_mark nightly; outbox_deliver is queued
by the dispatcher, one per message. acks_late and reject_on_worker_lost come from the
settings (CELERY_TASK_*).
"""

from __future__ import annotations

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from notifications.services import (  # noqa: F401  (register the outbox handlers)
    consultation,
    delivery,
)
from notifications.services.delivery import digests_create
from notifications.services.outbox import outbox_claim
from notifications.services.outbox import outbox_deliver as message_deliver

logger = logging.getLogger(__name__)


@shared_task(name="notifications.tasks.outbox_dispatch", ignore_result=True)
def outbox_dispatch(batch_size: int = 500) -> int:
    """Lease the due outbox messages and queue one delivery task each; return how many."""
    ids = outbox_claim(batch_size=batch_size)
    for queued, message_id in enumerate(ids):
        try:
            outbox_deliver.apply_async(args=(message_id,))
        except (OperationalError, OSError) as exc:
            # Nothing is lost: the lease of the rest expires and a later dispatch queues them.
            logger.warning(
                "Broker unavailable, %d of %d outbox messages queued: %s", queued, len(ids), exc
            )
            return queued
    return len(ids)


@shared_task(name="notifications.tasks.outbox_deliver", ignore_result=True)
def outbox_deliver(message_id: int) -> str:
    """Deliver one outbox message; a second copy of this task does nothing."""
    return str(message_deliver(message_id=message_id))


@shared_task(name="notifications.tasks.digest_send", ignore_result=True)
def digest_send() -> int:
    """Create today's digests and queue their e-mails; safe to run twice a day."""
    return digests_create()


# One sweep handles at most SWEEP_BATCH deadlines in one transaction; a backlog (after a
# policy change reschedules a whole body, or a long outage) is worked off in a few batches
# per run rather than one batch a minute.
SWEEP_BATCH = 2000
SWEEP_MAX_BATCHES = 10


@shared_task(name="notifications.tasks.deadline_sweep", ignore_result=True)
def deadline_sweep() -> int:
    """Send the reminders and escalations that are due; return how many notifications."""
    # Imported when run: a problem in the sweep must not keep the worker from delivering.
    from notifications.services.sweep import deadline_sweep as sweep

    notifications = 0
    for _ in range(SWEEP_MAX_BATCHES):
        result = sweep(batch_size=SWEEP_BATCH)
        notifications += result.notifications
        if result.deadlines < SWEEP_BATCH:
            break
    return notifications


@shared_task(name="notifications.tasks.invitations_overdue_mark", ignore_result=True)
def invitations_overdue_mark() -> int:
    """Mark the invitations past their deadline overdue; safe to run twice."""
    from notifications.services.overdue import invitations_mark_overdue

    return invitations_mark_overdue()
