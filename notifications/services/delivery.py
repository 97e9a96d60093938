"""The outbox handlers of the notifications and the daily digest.

- "workflow.transition": the responsible users of the task a transition opened get a
  TASK notification (their e-mails are queued with it);
- "notification.email": one e-mail for one notification;
- "notification.digest": one summary e-mail for one digest.

Each handler runs at least once per message (see outbox.py): notifications are keyed by
(recipient, source_key) and skipped when present; an e-mail carries a Message-ID derived
from its outbox message, the same on every try.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from workflows.models import OutboxMessage, TransitionLog
from workflows.services.rows import OUTBOX_TOPIC

from ..emails import digest_email, notification_email, outbox_message_id
from ..models import (
    Deadline,
    DeadlineState,
    Digest,
    EmailMode,
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from ..recipients import recipients_for
from .notify import DIGEST_TOPIC, EMAIL_TOPIC, NotificationSpec, notifications_create
from .outbox import handler_register

logger = logging.getLogger(__name__)

_NOTIFICATION_RELATED = (
    "recipient",
    "recipient__notification_preference",
    "deadline",
    "deadline__department",
    "deadline__organisation",
    "deadline__cycle",
)

# (model label, transition) whose task is announced by a handler of its own, which says
# more than the generic "new task" notice (e.g. an extension answer with its deadline).
TASK_NOTICE_REPLACED: set[tuple[str, str]] = set()


def _email_mode(notification_or_digest: Notification | Digest) -> str:
    try:
        pref = notification_or_digest.recipient.notification_preference  # type: ignore[attr-defined]
    except NotificationPreference.DoesNotExist:
        return EmailMode.IMMEDIATE
    return str(pref.email_mode)


def _still_relevant(notification: Notification) -> bool:
    # A reminder of a task done meanwhile would be wrong: it is not sent.
    deadline = notification.deadline
    return deadline is None or deadline.state == DeadlineState.OPEN


@handler_register(OUTBOX_TOPIC)
def task_notify(message: OutboxMessage) -> None:
    """Tell the responsible users about the task a fired transition opened."""
    payload = message.payload
    if (payload.get("model"), payload.get("transition")) in TASK_NOTICE_REPLACED:
        return
    app_label, _, model = str(payload["model"]).partition(".")
    content_type = ContentType.objects.get_by_natural_key(app_label, model)
    deadlines = Deadline.objects.filter(
        body_id=message.body_id,
        content_type=content_type,
        object_id=payload["object_id"],
        state=DeadlineState.OPEN,
    ).select_related("department", "organisation", "committee", "cycle")
    # One query for the transition's time, actor and comment: the notification tells why
    # the task came (e.g. returned by whom, when, with which comment).
    log = (
        TransitionLog.objects.filter(pk=payload.get("log_id"))
        .values(
            "created_at",
            "comment",
            "actor__first_name",
            "actor__last_name",
            "actor__username",
        )
        .first()
    )
    opened = log["created_at"] if log is not None else None
    if opened is not None:
        # Only what this transition opened (at its time): an older open task was announced
        # by its own transition, and a later one, when this message is delivered late, by
        # the transition that opened it, which also tells why.
        deadlines = deadlines.filter(opened_at=opened)
    found = list(deadlines)
    if not found:
        return
    responsible = recipients_for(found)
    keys = {f"task:{d.pk}" for d in found}
    told = set(
        Notification.objects.filter(source_key__in=keys).values_list("recipient_id", "source_key")
    )
    data = {"log_id": payload.get("log_id"), "transition": payload.get("transition")}
    if log is not None:
        full_name = f"{log['actor__first_name']} {log['actor__last_name']}".strip()
        data |= {
            "actor": full_name or log["actor__username"],
            "at": log["created_at"].isoformat(),
            "comment": log["comment"],
        }
    specs = [
        NotificationSpec(
            recipient=recipient,
            kind=NotificationKind.TASK,
            source_key=f"task:{d.pk}",
            deadline=d,
            data=data,
        )
        for d in found
        for recipient in responsible.get(d.pk, [])
        if (recipient.user.pk, f"task:{d.pk}") not in told
    ]
    notifications_create(specs=specs)


@handler_register(EMAIL_TOPIC)
def notification_email_send(message: OutboxMessage) -> None:
    """Send the one e-mail of a notification, unless nobody can or should receive it."""
    notification = (
        Notification.objects.select_related(*_NOTIFICATION_RELATED)
        .filter(pk=message.payload["notification_id"])
        .first()
    )
    if notification is None or notification.email_state != EmailState.QUEUED:
        return
    if (
        not notification.recipient.email
        or not notification.recipient.is_active
        or _email_mode(notification) == EmailMode.OFF
        or not _still_relevant(notification)
    ):
        Notification.objects.filter(pk=notification.pk).update(email_state=EmailState.NONE)
        return
    # Sent last: anything failing before leaves no e-mail behind, only a retry. The mark
    # commits with the outbox row's processed_at.
    notification_email(notification, message_id=outbox_message_id(message.pk)).send()
    Notification.objects.filter(pk=notification.pk).update(email_state=EmailState.SENT)


@handler_register(DIGEST_TOPIC)
def digest_email_send(message: OutboxMessage) -> None:
    """Send the summary e-mail of a digest listing its notifications still relevant."""
    digest = (
        Digest.objects.select_related("recipient", "recipient__notification_preference")
        .filter(pk=message.payload["digest_id"])
        .first()
    )
    if digest is None or not digest.recipient.email or not digest.recipient.is_active:
        return
    if _email_mode(digest) == EmailMode.OFF:
        return
    notifications = [
        n
        for n in digest.notifications.select_related(*_NOTIFICATION_RELATED).order_by(
            "created_at", "id"
        )
        if _still_relevant(n)
    ]
    if notifications:
        digest_email(digest, notifications, message_id=outbox_message_id(message.pk)).send()


def digests_create(*, now: dt.datetime | None = None) -> int:
    """Collect each user's notifications waiting for the digest into today's digest.

    One transaction: the digest (unique per user and day), its notifications moved to
    in_digest and one outbox message to send it. A user who got today's digest already
    keeps new notifications for tomorrow's. Returns the number of digests created.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # Locked in id order: a concurrent run waits here, then sees them in the digest.
        waiting = list(
            Notification.objects.select_for_update()
            .filter(email_state=EmailState.DIGEST)
            .order_by("id")
            .values_list("id", "recipient_id", "body_id")
        )
        by_user: dict[int, list[int]] = defaultdict(list)
        body_of: dict[int, int] = {}
        for pk, user_id, body_id in waiting:
            by_user[user_id].append(pk)
            body_of[user_id] = body_id
        done = set(
            Digest.objects.filter(date=today, recipient_id__in=list(by_user)).values_list(
                "recipient_id", flat=True
            )
        )
        digests = Digest.objects.bulk_create(
            Digest(body_id=body_of[user_id], recipient_id=user_id, date=today, created_at=now)
            for user_id in sorted(by_user)
            if user_id not in done
        )
        for digest in digests:
            Notification.objects.filter(pk__in=by_user[digest.recipient_id]).update(
                email_state=EmailState.IN_DIGEST, digest=digest
            )
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                body_id=d.body_id, topic=DIGEST_TOPIC, payload={"digest_id": d.pk}, created_at=now
            )
            for d in digests
        )
    if digests:
        logger.info("Created %d digests for %s", len(digests), today.isoformat())
    return len(digests)
