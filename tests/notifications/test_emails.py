"""The e-mails: plain text and HTML, in the reader's language, linking straight to the task."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

from notifications.models import (
    Deadline,
    EmailMode,
    Notification,
    NotificationKind,
    NotificationPreference,
    TaskKind,
)
from notifications.services.delivery import digests_create
from notifications.services.outbox import outbox_process
from planning_cycle.models import Department
from tests.support.world import World, build_world
from workflows.models import DepartmentReview, OutboxMessage
from workflows.services.transitions import transition_fire

BERLIN = ZoneInfo("Europe/Berlin")
START = dt.datetime(2026, 4, 1, 9, tzinfo=BERLIN)
SITE = "https://planung.example.org"
# Submitted on 1 April, the decision is due 14 days later.
DUE_DE, DUE_EN = "15.04.2026", "04/15/2026"


@pytest.fixture
def world(db: None) -> World:
    with time_machine.travel(START, tick=False):
        world = build_world()
    Department.objects.filter(pk=world.department.pk).update(name="Umwelt & <Klima>")
    return world


def _deliver_all(at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        while outbox_process():
            pass


def _task_email(world: World, language: str | None = None) -> EmailMultiAlternatives:
    """Submit the world's review and return the e-mail management gets about the new task."""
    if language:
        NotificationPreference.objects.create(user=world.users["management"], language=language)
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    with time_machine.travel(START, tick=False):
        transition_fire(acting_user=world.users["department_head"], obj=review, transition="submit")
    _deliver_all(START + dt.timedelta(minutes=1))
    (sent,) = mail.outbox
    assert isinstance(sent, EmailMultiAlternatives)
    return sent


def _html(sent: EmailMultiAlternatives) -> str:
    ((html, mimetype),) = sent.alternatives
    assert mimetype == "text/html"
    return str(html)


def _task_path(world: World) -> str:
    deadline = Deadline.objects.get(kind=TaskKind.REVIEW_DECIDE)
    return deadline.url_path


@override_settings(SITE_URL=SITE)
def test_german_email_plain_and_html_with_link_to_the_task(world: World) -> None:
    sent = _task_email(world)
    link = SITE + _task_path(world)
    assert link.startswith(f"{SITE}/") and link != f"{SITE}/"

    assert sent.to == [world.users["management"].email]
    assert sent.subject == (
        "Neue Aufgabe: Über Zielbilanzierung entscheiden, FD 31 Umwelt & <Klima> (2026)"
    )
    assert f"Guten Tag {world.users['management'].get_full_name()}," in sent.body
    assert f"Bitte erledigen Sie die Aufgabe bis zum {DUE_DE}." in sent.body
    assert f"Zur Aufgabe: {link}" in sent.body
    assert "Umwelt & <Klima>" in sent.body  # plain text is not HTML-escaped
    assert f"{SITE}/benachrichtigungen/einstellungen/" in sent.body  # where to opt out

    html = _html(sent)
    assert '<html lang="de">' in html
    assert f'<a href="{link}"' in html
    assert f'<a href="{SITE}/benachrichtigungen/einstellungen/"' in html
    assert "Umwelt &amp; &lt;Klima&gt;" in html
    assert "<Klima>" not in html

    (message,) = OutboxMessage.objects.filter(topic="notification.email")
    headers = sent.message()
    assert headers["Message-ID"] == f"<outbox-{message.pk}@planung.example.org>"
    assert headers["Content-Language"] == "de"
    assert headers["Auto-Submitted"] == "auto-generated"


def test_english_reader_gets_the_english_email(world: World) -> None:
    sent = _task_email(world, language="en")
    html = _html(sent)
    assert '<html lang="en">' in html
    assert sent.message()["Content-Language"] == "en"
    assert DUE_EN in sent.body and DUE_DE not in sent.body
    assert DUE_EN in html
    assert f"http://127.0.0.1:8000{_task_path(world)}" in sent.body  # the default SITE_URL


def test_english_email_texts_are_translated(world: World) -> None:
    sent = _task_email(world, language="en")
    html = _html(sent)
    name = world.users["management"].get_full_name()
    assert sent.subject.startswith("New task: ")
    assert f"Hello {name}," in sent.body
    assert "Go to the task: http://127.0.0.1:8000/" in sent.body
    assert ">Go to the task</a>" in html
    for german in ("Guten Tag", "Zur Aufgabe", "Neue Aufgabe", "Diese E-Mail"):
        assert german not in sent.body
        assert german not in html


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("de", "Tageszusammenfassung vom 02.04.2026: 2 Benachrichtigungen"),
        ("en", "Daily digest of 04/02/2026: 2 notifications"),
    ],
)
def test_digest_email_lists_each_notification_with_its_link(
    world: World, language: str, subject: str
) -> None:
    management = world.users["management"]
    NotificationPreference.objects.create(
        user=management, email_mode=EmailMode.DIGEST, language=language
    )
    for user, department in (("department_head", 0), ("other_department_head", 1)):
        review = DepartmentReview.objects.get(
            cycle=world.cycle, department=world.departments[department]
        )
        with time_machine.travel(START, tick=False):
            transition_fire(acting_user=world.users[user], obj=review, transition="submit")
    _deliver_all(START + dt.timedelta(minutes=1))
    assert mail.outbox == []
    morning = dt.datetime(2026, 4, 2, 7, tzinfo=BERLIN)
    with time_machine.travel(morning, tick=False):
        assert digests_create() == 1
    _deliver_all(morning + dt.timedelta(minutes=1))

    (sent,) = mail.outbox
    assert isinstance(sent, EmailMultiAlternatives)
    assert sent.subject == subject
    html = _html(sent)
    assert f'<html lang="{language}">' in html
    notes = Notification.objects.filter(recipient=management, kind=NotificationKind.TASK)
    assert notes.count() == 2
    for note in notes:
        assert note.deadline is not None
        link = f"http://127.0.0.1:8000{note.deadline.url_path}"
        assert link in sent.body
        assert f'<a href="{link}"' in html
    (message,) = OutboxMessage.objects.filter(topic="notification.digest")
    assert sent.message()["Message-ID"] == f"<outbox-{message.pk}@127.0.0.1>"


def _returned_email(world: World, language: str | None = None) -> EmailMultiAlternatives:
    """Submit and return the world's review; return the department head's new-task e-mail."""
    head = world.users["department_head"]
    if language:
        NotificationPreference.objects.create(user=head, language=language)
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    with time_machine.travel(START, tick=False):
        transition_fire(acting_user=head, obj=review, transition="submit")
    _deliver_all(START + dt.timedelta(minutes=1))
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        transition_fire(
            acting_user=world.users["management"],
            obj=review,
            transition="return_",
            comment="Bitte die Kennzahlen\nfür 2025 ergänzen.",
        )
    _deliver_all(START + dt.timedelta(days=2, minutes=1))
    (sent,) = [m for m in mail.outbox if m.to == [head.email]]
    assert isinstance(sent, EmailMultiAlternatives)
    return sent


def test_email_after_a_return_says_who_returned_it_when_and_why(world: World) -> None:
    sent = _returned_email(world)
    manager = world.users["management"].get_full_name()
    assert manager
    assert sent.subject.startswith("Neue Aufgabe (zurückgegeben): Zielbilanzierung")
    said = (
        f"Zurückgegeben von {manager} am 03.04.2026. "
        "Kommentar: „Bitte die Kennzahlen für 2025 ergänzen.“"
    )
    assert said in sent.body
    assert said in _html(sent)
    # The management's own e-mail about the submission names the submitter.
    head = world.users["department_head"].get_full_name()
    (submitted,) = [m for m in mail.outbox if m.to == [world.users["management"].email]]
    assert f"Eingereicht von {head} am 01.04.2026." in submitted.body


def test_english_email_after_a_return_is_translated(world: World) -> None:
    sent = _returned_email(world, language="en")
    manager = world.users["management"].get_full_name()
    assert sent.subject.startswith("New task (returned): ")
    assert f"Returned by {manager} on 04/03/2026. Comment: " in sent.body
    assert "Bitte die Kennzahlen für 2025 ergänzen." in sent.body  # the comment as written
    assert "Zurückgegeben" not in sent.body
