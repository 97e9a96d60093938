"""Put notifications into inboxes and queue their e-mails in the outbox, in bulk."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
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
        rows.append(
            Notification(
                body_id=_inbox_of(spec),
                recipient=spec.recipient.user,
                kind=spec.kind,
                deadline=spec.deadline,
                reminder=spec.reminder,
                source_key=spec.source_key,
                data=spec.data,
                created_at=now,
                email_state=_email_state(spec.recipient),
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


# The notifications and their e-mails in one statement: the rows travel as one JSON
# parameter, the outbox rows are made from the inserted ones in the order of their ids.
_INSERT_SQL = """
    WITH notification AS (
        INSERT INTO notifications_notification
            (body_id, recipient_id, kind, deadline_id, reminder_id, source_key, data,
             created_at, email_state)
        SELECT body_id, recipient_id, kind, deadline_id, reminder_id, source_key, data,
            created_at, email_state
        FROM json_to_recordset(%s::json) AS v(
            body_id bigint, recipient_id bigint, kind text, deadline_id bigint,
            reminder_id bigint, source_key text, data jsonb, created_at timestamptz,
            email_state text
        )
        RETURNING id, body_id, email_state
    )
    INSERT INTO workflows_outboxmessage (body_id, topic, payload, created_at, attempts, last_error)
    SELECT body_id, %s, jsonb_build_object('notification_id', id), %s, 0, ''
    FROM notification WHERE email_state = %s ORDER BY id
"""


def notifications_insert(*, specs: Sequence[NotificationSpec]) -> int:
    """Create what notifications_create creates, without returning it; return the count.

    For a batch (the reminder sweep): on PostgreSQL one statement whatever the number of
    specs, with no model instance per row.
    """
    if not specs:
        return 0
    if connection.vendor != "postgresql":
        return len(notifications_create(specs=specs))
    now = timezone.now().isoformat()
    rows = [
        {
            "body_id": _inbox_of(spec),
            "recipient_id": spec.recipient.user.pk,
            "kind": spec.kind,
            "deadline_id": None if spec.deadline is None else spec.deadline.pk,
            "reminder_id": None if spec.reminder is None else spec.reminder.pk,
            "source_key": spec.source_key,
            "data": spec.data,
            "created_at": now,
            "email_state": _email_state(spec.recipient),
        }
        for spec in specs
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, [json.dumps(rows), EMAIL_TOPIC, now, EmailState.QUEUED])
    return len(rows)


def _inbox_of(spec: NotificationSpec) -> int:
    """Return the recipient's body, in whose inbox the notification lands."""
    user = spec.recipient.user
    if user.body_id is None:  # platform administrators belong to no body's inbox
        raise ValueError(f"{user} belongs to no body and cannot be notified")
    return user.body_id


def _email_state(recipient: Recipient) -> str:
    """Return whether the notification goes out by e-mail now, in the digest or not at all."""
    if not recipient.wants_email:
        return EmailState.NONE
    if recipient.email_mode == EmailMode.DIGEST:
        return EmailState.DIGEST
    return EmailState.QUEUED
