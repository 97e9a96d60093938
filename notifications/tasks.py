"""Celery tasks of the notifications; beat runs outbox_dispatch every 30 seconds."""

from __future__ import annotations

from celery import shared_task

from notifications.services.outbox import outbox_process


@shared_task(name="notifications.tasks.outbox_dispatch", ignore_result=True)
def outbox_dispatch(batch_size: int = 100) -> int:
    """Process one batch of the outbox; safe to run twice or concurrently."""
    return outbox_process(batch_size=batch_size)
