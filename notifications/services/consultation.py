"""The outbox handlers of consultation rounds: what invitees are told, and when.

- "workflow.transition" of a round's `open`: each invitee's people get the invitation
  (round, deadline, link; a contact without a password also the link to set one);
- "workflow.transition" of an invitation's `grant_extension`/`refuse_extension`: the
  answer with its comment and the deadline now in force; of `mark_overdue`: the notice;
- "consultation.invitation" {"invitation_id"}: the invitation of one invitee (an invitee
  added to an open round; the same notification as the round's opening, never twice);
- "consultation.reminder" {"invitation_id"}: a reminder to that invitee's people;
- "consultation.final_notice" {"invitation_id", "round_id"}: the final notice.

Each is a notification (inbox) whose e-mail goes out through the outbox in the reader's
language (notifications/emails.py). Keyed by (recipient, source_key): a handler run
twice notifies nobody twice; a reminder row is one reminder, however often delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch

from workflows.consultation.models import Invitation
from workflows.models import OutboxMessage, TransitionLog
from workflows.registry import workflow_of
from workflows.services.rows import OUTBOX_TOPIC

from ..models import Deadline, DeadlineState, Notification, NotificationKind
from ..recipients import Invitee, recipients_for
from .delivery import TASK_NOTICE_REPLACED
from .notify import NotificationSpec, notifications_create
from .outbox import handler_register

INVITATION_TOPIC = "consultation.invitation"
REMINDER_TOPIC = "consultation.reminder"
FINAL_NOTICE_TOPIC = "consultation.final_notice"

ROUND_MODEL = "consultation.consultationround"
INVITATION_MODEL = "consultation.invitation"
EXTENSION_ANSWERS = ("grant_extension", "refuse_extension")
STATEMENT_TASK = "statement_give"

# The extension answer and the overdue notice tell of the task anew (with the deadline in
# force): the generic "new task" notice would say it a second time.
TASK_NOTICE_REPLACED.update(
    (INVITATION_MODEL, name) for name in (*EXTENSION_ANSWERS, "mark_overdue")
)


def invitation_path(invitation_id: int) -> str:
    """Return the invitation's page (the engine's generic page while it has none)."""
    workflow = workflow_of(Invitation)
    try:
        return workflow.detail_path(invitation_id)
    except NoReverseMatch:
        from django.urls import reverse

        return reverse("workflows:workflow_detail", args=[workflow.slug, invitation_id])


def _invitations(ids: Iterable[int], body_id: int) -> list[Invitation]:
    return list(
        Invitation.objects.filter(pk__in=list(ids), body_id=body_id)
        .select_related("round", "department", "organisation")
        .order_by("id")
    )


def _open_tasks(invitations: Sequence[Invitation]) -> dict[int, Deadline]:
    """Return each invitation's open deadline to give its statement (one query)."""
    content_type = ContentType.objects.get_for_model(Invitation)
    return {
        d.object_id: d
        for d in Deadline.objects.filter(
            content_type=content_type,
            object_id__in=[i.pk for i in invitations],
            kind=STATEMENT_TASK,
            state=DeadlineState.OPEN,
        ).select_related("department", "organisation", "cycle")
    }


def _data(invitation: Invitation, **extra: Any) -> dict[str, Any]:
    return {
        "invitation_id": invitation.pk,
        "round_id": invitation.round_id,
        "round_title": invitation.round.title,
        "invitee": str(invitation.invitee),
        "due": invitation.deadline.isoformat(),
        "path": invitation_path(invitation.pk),
        **extra,
    }


def invitees_notify(
    invitations: Sequence[Invitation],
    *,
    kind: str,
    source_key: str,
    with_deadline: bool = True,
    extra: dict[str, Any] | None = None,
) -> list[Notification]:
    """Notify the people of each invitation once per source (a constant number of queries).

    `source_key` may contain "{invitation}" for a key per invitation.
    """
    if not invitations:
        return []
    tasks = _open_tasks(invitations) if with_deadline else {}
    stand_ins = [
        Invitee(
            pk=i.pk,
            body_id=i.body_id,
            department_id=i.department_id,
            organisation_id=i.organisation_id,
        )
        for i in invitations
    ]
    people = recipients_for(stand_ins)
    keys = {i.pk: source_key.format(invitation=i.pk) for i in invitations}
    told = set(
        Notification.objects.filter(source_key__in=set(keys.values())).values_list(
            "recipient_id", "source_key"
        )
    )
    specs = [
        NotificationSpec(
            recipient=recipient,
            kind=kind,
            source_key=keys[i.pk],
            deadline=tasks.get(i.pk),
            data=_data(i, **(extra or {})),
        )
        for i in invitations
        for recipient in people.get(i.pk, [])
        if (recipient.user.pk, keys[i.pk]) not in told
    ]
    return notifications_create(specs=specs)


def _log(payload: dict[str, Any]) -> dict[str, Any]:
    log_id = payload.get("log_id")
    found = (
        TransitionLog.objects.filter(pk=int(log_id)).values("pk", "comment").first()
        if log_id is not None
        else None
    )
    return dict(found) if found else {"pk": None, "comment": ""}


@handler_register(OUTBOX_TOPIC)
def consultation_transition_notify(message: OutboxMessage) -> None:
    """Tell invitees of an opened round, an answered extension, a missed deadline."""
    payload = message.payload
    model, transition = payload.get("model"), payload.get("transition")
    if model == ROUND_MODEL and transition == "open":
        ids = Invitation.objects.filter(
            round_id=payload["object_id"], body_id=message.body_id
        ).values_list("pk", flat=True)
        invitees_notify(
            _invitations(ids, message.body_id),
            kind=NotificationKind.INVITATION,
            source_key="consultation.invitation:{invitation}",
        )
        return
    if model != INVITATION_MODEL:
        return
    if transition in EXTENSION_ANSWERS:
        log = _log(payload)
        invitees_notify(
            _invitations([payload["object_id"]], message.body_id),
            kind=NotificationKind.EXTENSION_ANSWER,
            source_key=f"consultation.extension:{log['pk'] or message.pk}",
            extra={"transition": transition, "comment": log["comment"]},
        )
    elif transition == "mark_overdue":
        log = _log(payload)
        invitees_notify(
            _invitations([payload["object_id"]], message.body_id),
            kind=NotificationKind.OVERDUE,
            source_key=f"consultation.overdue:{log['pk'] or message.pk}",
            with_deadline=False,
        )


@handler_register(INVITATION_TOPIC)
def invitation_notify(message: OutboxMessage) -> None:
    """Send one invitee's people the invitation (written when the invitation starts).

    The same key as the round's opening: whichever of the two comes first tells them.
    """
    invitees_notify(
        _invitations([message.payload["invitation_id"]], message.body_id),
        kind=NotificationKind.INVITATION,
        source_key="consultation.invitation:{invitation}",
    )


@handler_register(REMINDER_TOPIC)
def consultation_reminder_notify(message: OutboxMessage) -> None:
    """Remind one invitee's people of their statement (one reminder per outbox row)."""
    invitations = _invitations([message.payload["invitation_id"]], message.body_id)
    invitees_notify(
        invitations,
        kind=NotificationKind.CONSULTATION_REMINDER,
        source_key=f"consultation.reminder:{message.pk}",
    )


@handler_register(FINAL_NOTICE_TOPIC)
def final_notice_notify(message: OutboxMessage) -> None:
    """Send an invitee's people the final notice: how each of their statements was weighed.

    Keyed by the invitation: each submitter gets the final notice once, even when the
    message is written twice.
    """
    invitations = _invitations([message.payload["invitation_id"]], message.body_id)
    invitees_notify(
        invitations,
        kind=NotificationKind.FINAL_NOTICE,
        source_key="consultation.final:{invitation}",
        with_deadline=False,
    )


def due_date(data: dict[str, Any]) -> dt.date | None:
    """Return the deadline a consultation notification names (None when unknown)."""
    try:
        return dt.date.fromisoformat(str(data.get("due")))
    except ValueError:
        return None


def round_deadlines_cancel(obj: Any, acting_user: Any, log: TransitionLog) -> None:
    """End the open tasks of a cancelled round's invitations and evaluations (`on_transition`)."""
    from workflows.consultation.models import Evaluation

    subjects = (
        (Invitation, Invitation.objects.filter(round_id=obj.pk).values("pk")),
        (Evaluation, Evaluation.objects.filter(round_id=obj.pk).values("pk")),
    )
    for model, ids in subjects:
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=ids,
            state=DeadlineState.OPEN,
        ).update(state=DeadlineState.CANCELLED, closed_at=log.created_at, next_check_at=None)
