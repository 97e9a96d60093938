"""Put notifications into inboxes and queue their e-mails in the outbox, in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from workflows.models import OutboxMessage

from ..models import Deadline, EmailMode, EmailState, Notification, Reminder
from ..recipients import Recipient

EMAIL_TOPIC = "notification.email"
DIGEST_TOPIC = "notification.digest"


@dataclass
class NotificationSpec:
    """One notification to create for one recipient."""

    recipient: Recipient
    kind: str
    source_key: str
    deadline: Deadline | None = None
    reminder: Reminder | None = None
    data: dict[str, Any] = field(default_factory=dict)


def notifications_create(*, specs: Sequence[NotificationSpec]) -> list[Notification]:
    """Create the notifications and, for immediate mailers, one e-mail outbox row each.

    Two INSERT statements whatever the number of specs; call inside the transaction
    that decided to notify, so that the e-mails go out only if it commits.
    """
    if not specs:
        return []
    now = timezone.now()
    rows = []
    for spec in specs:
        if not spec.recipient.wants_email:
            email_state = EmailState.NONE
        elif spec.recipient.email_mode == EmailMode.DIGEST:
            email_state = EmailState.DIGEST
        else:
            email_state = EmailState.QUEUED
        user = spec.recipient.user
        if user.body_id is None:  # platform administrators belong to no body's inbox
            raise ValueError(f"{user} belongs to no body and cannot be notified")
        rows.append(
            Notification(
                body_id=user.body_id,
                recipient=user,
                kind=spec.kind,
                deadline=spec.deadline,
                reminder=spec.reminder,
                source_key=spec.source_key,
                data=spec.data,
                created_at=now,
                email_state=email_state,
            )
        )
    created = Notification.objects.bulk_create(rows)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            body_id=n.body_id,
            topic=EMAIL_TOPIC,
            payload={"notification_id": n.pk},
            created_at=now,
        )
        for n in created
        if n.email_state == EmailState.QUEUED
    )
    return created
