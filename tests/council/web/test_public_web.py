"""The public pages without login: the paper like a council information system, the feed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from planning_cycle.models import Role
from tests.consultation import file_samples as samples
from tests.consultation.file_support import upload
from tests.council.web.support import Council, logged_in
from tests.support.council import PRE, meeting_build, paper_build, record
from workflows.council.models import Location, Meeting, Paper
from workflows.council.services.files import paper_files_attach
from workflows.council.states import FileRole, MeetingState, StepResult
from workflows.services.transitions import transition_fire

pytestmark = pytest.mark.django_db


def test_public_paper_without_login_shows_sequence_and_resolution(
    client: Client, council: Council
) -> None:
    record(
        council.council_clerk,
        council.council_item,
        StepResult.DECIDED,
        resolution_text="Der Kreistag beschließt die Ziele wie vorgeschlagen.",
        votes_yes=40,
        votes_no=3,
        votes_abstain=2,
    )

    response = client.get(reverse("workflows:paper_public", args=[council.paper.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert council.paper.reference in text
    assert "Kreisausschuss" in text and "Vorberatung" in text and "empfohlen" in text
    assert "Kreistag" in text and "Entscheidung" in text
    assert "40 Ja, 3 Nein, 2 Enthaltungen" in text
    assert "Der Kreistag beschließt die Ziele wie vorgeschlagen." in text
    assert council.council_meeting.date.strftime("%d.%m.%Y") in text
    assert "Abmelden" not in text


def test_nonpublic_or_deleted_paper_is_not_there_publicly(client: Client, council: Council) -> None:
    secret = paper_build(council.world, [(council.c.main, PRE)], public=False, title="Geheim")
    Paper.objects.filter(pk=council.paper.pk).update(deleted=True)

    for paper in (secret, council.paper):
        assert client.get(reverse("workflows:paper_public", args=[paper.pk])).status_code == 404
    logged_in(client, council.user(Role.MANAGEMENT))
    assert client.get(reverse("workflows:paper_public", args=[secret.pk])).status_code == 404


def test_public_files_only(client: Client, council: Council) -> None:
    main, *_ = paper_files_attach(
        acting_user=council.office,
        paper=council.paper,
        uploads=[upload("Vorlage.pdf", samples.pdf_bytes())],
        role=FileRole.MAIN,
    )
    hidden, *_ = paper_files_attach(
        acting_user=council.office,
        paper=council.paper,
        uploads=[upload("Intern.pdf", samples.pdf_bytes())],
        public=False,
    )

    page = client.get(reverse("workflows:paper_public", args=[council.paper.pk])).content.decode()
    got = client.get(reverse("workflows:paper_file_public", args=[main.pk]))

    assert "Vorlage.pdf" in page and "Intern.pdf" not in page
    assert got.status_code == 200
    assert b"".join(got.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("workflows:paper_file_public", args=[hidden.pk])).status_code == 404


def test_ical_lists_public_meetings_with_location_not_cancelled(
    client: Client, council: Council
) -> None:
    location = Location.objects.create(
        body=council.world.body,
        description="Kreishaus",
        room="Sitzungssaal",
        street_address="Markt 1",
        postal_code="39340",
        locality="Haldensleben",
    )
    Meeting.objects.filter(pk=council.council_meeting.pk).update(location=location)
    cancelled = meeting_build(council.world, council.c.youth, days=3, name="Abgesagte Sitzung")
    transition_fire(
        acting_user=council.office, obj=cancelled, transition="cancel", comment="Krankheit"
    )
    assert Meeting.objects.get(pk=cancelled.pk).state == MeetingState.CANCELLED

    response = client.get(reverse("workflows:meetings_ical"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert "Abgesagte Sitzung" not in events
    event = events["Sitzung des Kreistages"]
    assert "Kreishaus, Sitzungssaal" in str(event["location"])
    assert "Haldensleben" in str(event["location"])
    assert council.paper.reference in str(event["description"])
    other = client.get(reverse("workflows:meetings_ical"), {"kommune": "gibt-es-nicht"})
    assert "VEVENT" not in other.content.decode()


def test_navigation_leads_readers_to_papers_and_meetings(client: Client, council: Council) -> None:
    for user, shown in [
        (council.office, True),
        (council.council_clerk, True),
        (council.user(Role.MANAGEMENT), True),
        (council.user(Role.COUNCIL_MEMBER), True),
        (council.user(Role.DEPARTMENT_HEAD), False),
    ]:
        client.force_login(user)
        text = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("workflows:paper_list")}"' in text) is shown, user
        assert (f'href="{reverse("workflows:meeting_list")}"' in text) is shown, user
