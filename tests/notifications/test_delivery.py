"""The outbox handlers: task notifications after transitions, e-mails and the daily digest."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from notifications import tasks
from notifications.models import (
    Deadline,
    DeadlineState,
    Digest,
    EmailMode,
    EmailState,
    Notification,
    NotificationKind,
    NotificationPreference,
    TaskKind,
)
from notifications.recipients import Recipient
from notifications.services.delivery import digests_create, task_notify
from notifications.services.notify import (
    DIGEST_TOPIC,
    EMAIL_TOPIC,
    NotificationSpec,
    notifications_create,
)
from notifications.services.outbox import Outcome, outbox_deliver, outbox_process
from planning_cycle.models import Department, User
from tests.support.world import World, build_world
from workflows.models import DepartmentReview, OutboxMessage
from workflows.services.rows import OUTBOX_TOPIC
from workflows.services.transitions import transition_fire

BERLIN = ZoneInfo("Europe/Berlin")
START = dt.datetime(2026, 4, 1, 9, tzinfo=BERLIN)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def world(db: None) -> World:
    with time_machine.travel(START, tick=False):
        return build_world()


def review_of(world: World, department: Department | None = None) -> DepartmentReview:
    return DepartmentReview.objects.get(
        cycle=world.cycle, department=department or world.department
    )


def open_deadline(review: DepartmentReview, kind: TaskKind) -> Deadline:
    return Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(DepartmentReview),
        object_id=review.pk,
        kind=kind,
        state=DeadlineState.OPEN,
    )


def submit(world: World, user: str = "department_head", department: int = 0) -> DepartmentReview:
    review = review_of(world, world.departments[department])
    with time_machine.travel(START + HOUR, tick=False):
        transition_fire(acting_user=world.users[user], obj=review, transition="submit")
    return review


def process(at: dt.datetime = START + 2 * HOUR) -> int:
    """Deliver everything due, including what the handlers queue meanwhile."""
    total = 0
    with time_machine.travel(at, tick=False):
        while done := outbox_process():
            total += done
    return total


def prefer(user: User, **fields: str) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults=fields)


def test_transition_tells_the_responsible_of_the_new_task_once(world: World) -> None:
    review = submit(world)
    decide = open_deadline(review, TaskKind.REVIEW_DECIDE)

    assert process() == 2  # the transition, then the e-mail it queued
    (note,) = Notification.objects.filter(kind=NotificationKind.TASK)
    assert (note.recipient, note.deadline, note.source_key) == (
        world.users["management"],
        decide,
        f"task:{decide.pk}",
    )
    assert note.email_state == EmailState.SENT
    (sent,) = mail.outbox
    assert sent.to == [world.users["management"].email]

    # The handler run once more (a duplicate delivery) tells nobody a second time.
    message = OutboxMessage.objects.get(topic=OUTBOX_TOPIC)
    task_notify(message)
    assert Notification.objects.filter(kind=NotificationKind.TASK).count() == 1
    assert OutboxMessage.objects.filter(topic=EMAIL_TOPIC).count() == 1


def test_returned_review_tells_the_department_again(world: World) -> None:
    review = submit(world)
    process()
    with time_machine.travel(START + 3 * HOUR, tick=False):
        transition_fire(
            acting_user=world.users["management"],
            obj=review,
            transition="return_",
            comment="Bitte Kennzahlen ergänzen.",
        )
    process(START + 4 * HOUR)
    resubmit = open_deadline(review, TaskKind.REVIEW_SUBMIT)
    told = set(
        Notification.objects.filter(deadline=resubmit, kind=NotificationKind.TASK).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {
        world.users["department_head"].username,
        world.users["department_editor"].username,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [
            world.users["management"].email,
            world.users["department_head"].email,
            world.users["department_editor"].email,
        ]
    )


def test_transition_that_opens_no_task_tells_nobody(world: World) -> None:
    review = submit(world)
    process()
    with time_machine.travel(START + 3 * HOUR, tick=False):
        transition_fire(acting_user=world.users["management"], obj=review, transition="accept")
    before = Notification.objects.count()
    process(START + 4 * HOUR)
    assert Notification.objects.count() == before
    assert not Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(DepartmentReview),
        object_id=review.pk,
        state=DeadlineState.OPEN,
    ).exists()


def test_email_delivered_twice_is_sent_once(world: World) -> None:
    submit(world)
    transition = OutboxMessage.objects.get(topic=OUTBOX_TOPIC)
    with time_machine.travel(START + 2 * HOUR, tick=False):
        assert outbox_deliver(message_id=transition.pk) == Outcome.DELIVERED
        email = OutboxMessage.objects.get(topic=EMAIL_TOPIC)
        assert outbox_deliver(message_id=email.pk) == Outcome.DELIVERED
        assert outbox_deliver(message_id=email.pk) == Outcome.SKIPPED
        assert tasks.outbox_deliver.apply(args=(email.pk,)).get() == "skipped"
    assert len(mail.outbox) == 1


def _queued_task_note(world: World, user: str, deadline: Deadline) -> Notification:
    recipient = Recipient(user=world.users[user], email_mode=EmailMode.IMMEDIATE, language="de")
    (note,) = notifications_create(
        specs=[
            NotificationSpec(
                recipient=recipient,
                kind=NotificationKind.TASK,
                source_key=f"task:{deadline.pk}",
                deadline=deadline,
            )
        ]
    )
    assert note.email_state == EmailState.QUEUED
    return note


def test_no_email_without_address_or_when_switched_off(world: World) -> None:
    deadline = open_deadline(review_of(world), TaskKind.REVIEW_SUBMIT)
    without = _queued_task_note(world, "department_head", deadline)
    switched_off = _queued_task_note(world, "department_editor", deadline)
    User.objects.filter(pk=world.users["department_head"].pk).update(email="")
    prefer(world.users["department_editor"], email_mode=EmailMode.OFF)

    assert process() == 2
    assert mail.outbox == []
    for note in (without, switched_off):
        note.refresh_from_db()
        assert note.email_state == EmailState.NONE
    assert not OutboxMessage.objects.filter(processed_at__isnull=True).exists()


def test_no_email_for_a_task_done_before_it_went_out(world: World) -> None:
    deadline = open_deadline(review_of(world), TaskKind.REVIEW_SUBMIT)
    note = _queued_task_note(world, "department_head", deadline)
    submit(world)  # the task is done before the worker gets to the e-mail

    process()
    assert world.users["department_head"].email not in {m.to[0] for m in mail.outbox}
    note.refresh_from_db()
    assert note.email_state == EmailState.NONE


def test_digest_once_per_day_with_all_waiting_notifications(world: World) -> None:
    management = world.users["management"]
    prefer(management, email_mode=EmailMode.DIGEST)
    submit(world, "department_head", 0)
    submit(world, "other_department_head", 1)
    process()
    waiting = Notification.objects.filter(recipient=management, kind=NotificationKind.TASK)
    assert waiting.count() == 2
    assert set(waiting.values_list("email_state", flat=True)) == {EmailState.DIGEST}
    assert mail.outbox == []  # nothing immediate for a digest reader

    morning = dt.datetime(2026, 4, 2, 7, tzinfo=BERLIN)
    with time_machine.travel(morning, tick=False):
        assert tasks.digest_send.apply().get() == 1
        assert digests_create() == 0  # the same day again: nothing new
    (digest,) = Digest.objects.all()
    assert (digest.recipient, digest.date) == (management, dt.date(2026, 4, 2))
    assert set(waiting.values_list("email_state", "digest")) == {(EmailState.IN_DIGEST, digest.pk)}
    (message,) = OutboxMessage.objects.filter(topic=DIGEST_TOPIC)
    assert message.payload == {"digest_id": digest.pk}

    process(morning + HOUR)
    (sent,) = mail.outbox
    assert sent.to == [management.email]
    for note in waiting:
        assert f"/zielbilanzierungen/{note.deadline.object_id}/" in sent.body  # type: ignore[union-attr]
    process(morning + 2 * HOUR)
    assert len(mail.outbox) == 1

    # Later the same day a new one waits for tomorrow's digest.
    plan_deadline = Deadline.objects.get(
        department=world.departments[2], kind=TaskKind.PLAN_SUBMIT, state=DeadlineState.OPEN
    )
    recipient = Recipient(user=management, email_mode=EmailMode.DIGEST, language="de")
    with time_machine.travel(morning + 3 * HOUR, tick=False):
        notifications_create(
            specs=[
                NotificationSpec(
                    recipient=recipient,
                    kind=NotificationKind.REMINDER,
                    source_key="reminder:test",
                    deadline=plan_deadline,
                    data={"offset_days": 7},
                )
            ]
        )
        assert digests_create() == 0
    with time_machine.travel(morning + dt.timedelta(days=1), tick=False):
        assert digests_create() == 1
    assert Digest.objects.count() == 2
    assert not Notification.objects.filter(email_state=EmailState.DIGEST).exists()


def test_late_delivered_transition_does_not_announce_a_later_task(world: World) -> None:
    # Submitted and returned before the outbox ran: the department's new task is announced
    # by the return (with its comment), not by the submission that came first.
    review = submit(world)
    with time_machine.travel(START + 3 * HOUR, tick=False):
        transition_fire(
            acting_user=world.users["management"],
            obj=review,
            transition="return_",
            comment="Bitte Kennzahlen ergänzen.",
        )
    process(START + 4 * HOUR)
    resubmit = open_deadline(review, TaskKind.REVIEW_SUBMIT)
    notes = Notification.objects.filter(deadline=resubmit, kind=NotificationKind.TASK)
    assert {n.data["transition"] for n in notes} == {"return_"}
    assert {n.data["comment"] for n in notes} == {"Bitte Kennzahlen ergänzen."}
    assert not Notification.objects.filter(kind=NotificationKind.TASK, data__transition="submit")


def test_task_notify_query_count_does_not_grow_with_recipients(world: World) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from planning_cycle.models import Role
    from tests.support.factories import user_with_role

    # FD 31: head and editor plus three more editors; FD 32: its head only.
    for _ in range(3):
        user_with_role(world.body, Role.DEPARTMENT_EDITOR, world.departments[0])
    counts = []
    for department in (0, 1):
        head = "department_head" if department == 0 else "other_department_head"
        review = submit(world, user=head, department=department)
        process()
        with time_machine.travel(START + 3 * HOUR, tick=False):
            transition_fire(
                acting_user=world.users["management"],
                obj=review,
                transition="return_",
                comment="Bitte ergänzen.",
            )
        message = OutboxMessage.objects.get(
            topic=OUTBOX_TOPIC, payload__transition="return_", payload__object_id=review.pk
        )
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            task_notify(message)
        counts.append(len(ctx.captured_queries))
    told = Notification.objects.filter(kind=NotificationKind.TASK, data__transition="return_")
    assert told.filter(recipient__username=world.users["department_editor"].username).exists()
    assert told.count() == 5 + 1
    assert counts[0] == counts[1], counts
