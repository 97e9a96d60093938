"""notifications_insert (the sweep's batch path) writes exactly what notifications_create writes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.models import (
    Deadline,
    EmailMode,
    Notification,
    NotificationKind,
    Reminder,
    ReminderKind,
)
from notifications.recipients import Recipient
from notifications.services.notify import (
    EMAIL_TOPIC,
    NotificationSpec,
    notifications_create,
    notifications_insert,
)
from planning_cycle.models import User
from tests.support.world import World
from workflows.models import OutboxMessage

NOW = dt.datetime(2026, 4, 29, 8, tzinfo=ZoneInfo("Europe/Berlin"))


def specs_for(world: World, source: str) -> list[NotificationSpec]:
    """One spec per e-mail state and one without deadline and reminder."""
    users = world.users
    users["council_member"].email = ""
    deadline = Deadline.objects.filter(department=world.department).first()
    assert deadline is not None
    reminder, _ = Reminder.objects.get_or_create(
        body=world.body,
        deadline=deadline,
        kind=ReminderKind.REMINDER,
        offset_days=1,
        due_at=deadline.due_at,
        scheduled_for=NOW,
        sent_at=NOW,
    )

    def spec(user: str, mode: str, **fields: Any) -> NotificationSpec:
        return NotificationSpec(
            recipient=Recipient(user=users[user], email_mode=mode, language="de"),
            kind=NotificationKind.REMINDER,
            source_key=f"{source}:{user}",
            **fields,
        )

    linked = {"deadline": deadline, "reminder": reminder, "data": {"offset_days": 1}}
    return [
        spec("department_head", EmailMode.IMMEDIATE, **linked),
        spec("management", EmailMode.DIGEST, **linked),
        spec("strategy_unit", EmailMode.OFF, **linked),
        spec("council_member", EmailMode.IMMEDIATE, **linked),  # no address: no e-mail
        spec("department_editor", EmailMode.IMMEDIATE, data={"text": "Frist: ü", "n": [1]}),
    ]


def written(source: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Return the notifications of `source` and their outbox rows, without ids."""
    notes = {
        n.pk: (
            n.body_id,
            n.recipient_id,
            n.kind,
            n.deadline is not None,
            n.reminder is not None,
            n.source_key.split(":")[1],
            n.data,
            n.created_at,
            n.read_at,
            n.email_state,
            n.digest_id,
        )
        for n in Notification.objects.filter(source_key__startswith=f"{source}:")
    }
    outbox = [
        (
            m.body_id,
            m.topic,
            notes[m.payload["notification_id"]][5],
            m.created_at,
            m.attempts,
            m.last_error,
            m.processed_at,
            m.next_attempt_at,
            m.dispatched_at,
            m.failed_at,
        )
        for m in OutboxMessage.objects.filter(payload__notification_id__in=list(notes))
    ]
    return sorted(notes.values(), key=str), sorted(outbox, key=str)


def test_notifications_insert_writes_what_notifications_create_writes(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        created = notifications_create(specs=specs_for(world, "create"))
        count = notifications_insert(specs=specs_for(world, "insert"))
    assert count == len(created) == 5
    notes, outbox = written("insert")
    assert (notes, outbox) == written("create")
    assert sorted(n[9] for n in notes) == ["digest", "none", "none", "queued", "queued"]
    assert [m[1] for m in outbox] == [EMAIL_TOPIC, EMAIL_TOPIC]


def test_notifications_insert_refuses_a_user_of_no_body(world: World) -> None:
    admin = User.objects.create(username="plattform", email="admin@example.org")
    recipient = Recipient(user=admin, email_mode=EmailMode.IMMEDIATE, language="de")
    spec = NotificationSpec(recipient=recipient, kind=NotificationKind.TASK, source_key="t:1")
    with pytest.raises(ValueError, match="belongs to no body"):
        notifications_insert(specs=[spec])
    assert not Notification.objects.exists()
    assert notifications_insert(specs=[]) == 0
