"""E-mails of consultation rounds: invitation, reminder, extension answer, overdue, final notice."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.services.consultation import (
    FINAL_NOTICE_TOPIC,
    REMINDER_TOPIC,
    consultation_transition_notify,
)
from notifications.services.outbox import outbox_process
from notifications.services.overdue import invitations_mark_overdue
from planning_cycle.models import Organisation, Role
from planning_cycle.services.organisations import contact_add
from planning_cycle.services.roles import SYSTEM
from tests.support.consultation import Round, round_build
from tests.support.world import World, build_world
from workflows.consultation.models import Invitation
from workflows.consultation.services.rounds import extension_grant, extension_refuse
from workflows.consultation.services.statements import invitation_extension_request
from workflows.consultation.states import InvitationState
from workflows.models import OutboxMessage

from .consultation_support import consultation_pages  # noqa: F401

pytestmark = pytest.mark.usefixtures("consultation_pages")

BERLIN = ZoneInfo("Europe/Berlin")
START = dt.datetime(2026, 6, 1, 9, tzinfo=BERLIN)
DEADLINE = dt.date(2026, 6, 26)
TITLE = "Entwurf Kreisentwicklungskonzept"


@pytest.fixture
def world(db: None) -> World:
    with time_machine.travel(START, tick=False):
        return build_world()


def deliver_all() -> None:
    while outbox_process():
        pass


def opened(world: World) -> Round:
    with time_machine.travel(START, tick=False):
        built = round_build(world, deadline=DEADLINE, title=TITLE)
        deliver_all()
    return built


def mails_to(address: str) -> list[mail.EmailMultiAlternatives]:
    return [m for m in mail.outbox if address in m.to]  # type: ignore[misc]


def test_opening_a_round_mails_each_invitees_people_once(world: World) -> None:
    built = opened(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    (message,) = mails_to(external.email)
    assert message.subject == f"Einladung zur Stellungnahme: {TITLE} (Frist: 26.06.2026)"
    assert "bis zum 26.06.2026 Stellung" in message.body
    own = built.of(Organisation.objects.get(role_assignments__user=external))
    assert Notification.objects.get(recipient=external).data["invitation_id"] == own.pk
    head = world.users[Role.DEPARTMENT_HEAD]
    assert len(mails_to(head.email)) == 1
    # The strategy unit is not invited.
    assert mails_to(world.users[Role.STRATEGY_UNIT].email) == []
    # A second delivery of the same message (at least once) tells nobody again.
    count = len(mail.outbox)
    opening = OutboxMessage.objects.get(payload__transition="open")
    consultation_transition_notify(opening)
    deliver_all()
    assert len(mail.outbox) == count


def test_mail_in_the_recipients_language(world: World) -> None:
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    NotificationPreference.objects.create(user=external, language="en")
    opened(world)
    (message,) = mails_to(external.email)
    assert message.extra_headers["Content-Language"] == "en"
    assert message.subject.endswith("(deadline: 06/26/2026)")  # English words and date
    with translation.override("en"):
        greeting = gettext("Guten Tag %(name)s,") % {"name": external.get_full_name()}
    assert message.body.startswith(greeting)
    (head_mail,) = mails_to(world.users[Role.DEPARTMENT_HEAD].email)
    assert head_mail.body.startswith("Guten Tag")


def test_a_new_contact_gets_a_one_time_link_to_set_the_password(world: World) -> None:
    organisation = Organisation.objects.get(
        role_assignments__user=world.users[Role.EXTERNAL_STAKEHOLDER]
    )
    contact = contact_add(
        acting_user=SYSTEM,
        organisation=organisation,
        first_name="Hanna",
        last_name="Beispiel",
        email="hanna.beispiel@gemeinde.example",
    )
    assert not contact.has_usable_password()
    opened(world)
    (message,) = mails_to(contact.email)
    found = re.search(r"https?://\S+/konto/passwort-setzen/\S+/", message.body)
    assert found is not None, message.body
    path = "/" + found.group(0).split("/", 3)[3]
    client = Client()
    traveller = time_machine.travel(START + dt.timedelta(days=20), tick=False)
    traveller.start()  # the link is valid for weeks: the round's deadline at least
    page = client.get(path)
    assert page.status_code == 200
    assert contact.username in page.content.decode()
    mismatch = client.post(path, {"new_password1": "Kr1ti$ch-2026", "new_password2": "anders"})
    assert mismatch.status_code == 400
    done = client.post(
        path, {"new_password1": "Kr1ti$ch-2026-xy", "new_password2": "Kr1ti$ch-2026-xy"}
    )
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.check_password("Kr1ti$ch-2026-xy")
    # The link is spent: a second use is refused and says so.
    again = client.get(path)
    assert again.status_code == 404
    assert "bereits verwendet" in again.content.decode()
    login = client.post(
        reverse("login"), {"username": contact.username, "password": "Kr1ti$ch-2026-xy"}
    )
    assert login.status_code == 302
    traveller.stop()
    # A contact with a password gets no link any more.
    mail.outbox.clear()
    OutboxMessage.objects.create(
        body=world.body,
        topic=REMINDER_TOPIC,
        payload={"invitation_id": Invitation.objects.get(organisation=organisation).pk},
    )
    deliver_all()
    (reminder,) = mails_to(contact.email)
    assert "passwort-setzen" not in reminder.body


def test_a_garbled_link_is_refused(world: World) -> None:
    response = Client().get(reverse("password_set", args=["Zm9v", "abc-def"]))
    assert response.status_code == 404
    assert "ungültig" in response.content.decode()


def test_reminder_rows_remind_once_each(world: World) -> None:
    built = opened(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    own = built.of(Organisation.objects.get(role_assignments__user=external))
    mail.outbox.clear()
    for _ in range(2):  # the completion board's button pressed twice: two reminders
        OutboxMessage.objects.create(
            body=world.body, topic=REMINDER_TOPIC, payload={"invitation_id": own.pk}
        )
    deliver_all()
    reminders = mails_to(external.email)
    assert len(reminders) == 2
    assert reminders[0].subject == f"Erinnerung: Stellungnahme zu „{TITLE}“ bis zum 26.06.2026"
    deliver_all()
    assert len(mails_to(external.email)) == 2


def test_extension_answers_tell_the_reason_and_the_deadline(world: World) -> None:
    built = opened(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    strategy = world.users[Role.STRATEGY_UNIT]
    own = built.of(Organisation.objects.get(role_assignments__user=external))
    mail.outbox.clear()
    with time_machine.travel(START, tick=False):
        invitation_extension_request(
            acting_user=external, invitation=own, until=dt.date(2026, 7, 10), reason="Ratssitzung"
        )
    # Later: each transition's notice is about what it opened at its time.
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        extension_grant(acting_user=strategy, invitation=own)
        deliver_all()
    (granted,) = mails_to(external.email)
    assert granted.subject == f"Fristverlängerung gewährt: {TITLE}, neue Frist 10.07.2026"
    mail.outbox.clear()
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        invitation_extension_request(
            acting_user=external, invitation=own, until=dt.date(2026, 7, 31), reason="Noch mehr"
        )
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        extension_refuse(
            acting_user=strategy, invitation=own, reason="Der Kreistag entscheidet im August."
        )
        deliver_all()
    (refused,) = mails_to(external.email)
    assert refused.subject == (f"Fristverlängerung abgelehnt: {TITLE}, Frist bleibt der 10.07.2026")
    assert "Begründung: „Der Kreistag entscheidet im August.“" in refused.body


def test_overdue_notice_goes_to_the_invitee(world: World) -> None:
    opened(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    mail.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 6, 27, 0, 30, tzinfo=BERLIN), tick=False):
        invitations_mark_overdue()
        deliver_all()
        invitations_mark_overdue()
        deliver_all()
    (notice,) = mails_to(external.email)
    assert notice.subject == f"Frist versäumt: Stellungnahme zu „{TITLE}“ (Frist: 26.06.2026)"
    assert Invitation.objects.filter(state=InvitationState.OVERDUE).count() == 4


def test_final_notice_once_per_submitter(world: World) -> None:
    built = opened(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    own = built.of(Organisation.objects.get(role_assignments__user=external))
    mail.outbox.clear()
    for _ in range(2):  # written twice (a retried conclusion): told once
        OutboxMessage.objects.create(
            body=world.body,
            topic=FINAL_NOTICE_TOPIC,
            payload={"invitation_id": own.pk, "round_id": built.round.pk},
        )
    deliver_all()
    (notice,) = mails_to(external.email)
    assert notice.subject == f"Schlussmitteilung: {TITLE}"
    assert (
        Notification.objects.filter(recipient=external, kind=NotificationKind.FINAL_NOTICE).count()
        == 1
    )


def test_final_notice_lists_each_statement_with_its_disposition(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = opened(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    own = built.of(Organisation.objects.get(role_assignments__user=external))
    seen: list[int] = []

    def final_notice_context(invitation: Invitation) -> dict[str, object]:
        seen.append(invitation.pk)
        return {
            "round_title": TITLE,
            "invitee": str(invitation.invitee),
            "statements": [
                {
                    "number": 7,
                    "section": "2",
                    "position": "Zustimmung mit Änderungen",
                    "disposition": "teilweise berücksichtigt",
                    "reason": "Radwege werden im Handlungsfeld 2 ergänzt.",
                }
            ],
        }

    # The mail's rendering of the evaluation's context (the context itself is tested with
    # the evaluation and end to end).
    monkeypatch.setattr("notifications.emails.final_notice_context", final_notice_context)
    mail.outbox.clear()
    OutboxMessage.objects.create(
        body=world.body,
        topic=FINAL_NOTICE_TOPIC,
        payload={"invitation_id": own.pk, "round_id": built.round.pk},
    )
    deliver_all()
    (notice,) = mails_to(external.email)
    assert seen == [own.pk]
    assert "7. Abschnitt 2: Zustimmung mit Änderungen" in notice.body
    assert "Abwägung: teilweise berücksichtigt" in notice.body
    assert "Radwege werden im Handlungsfeld 2 ergänzt." in notice.alternatives[0][0]
