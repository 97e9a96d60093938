"""The meeting pages: agendas, recording a result per agenda item, meetings and transitions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planning_cycle.models import Role
from tests.council.web.support import Council, logged_in, other_body_user
from tests.support.council import clerk_of, meeting_build, paper_build, schedule, steps_of
from workflows.council.models import AgendaItem, ConsultationStep, Meeting, Paper
from workflows.council.states import MeetingState, ResolutionStatus, StepResult, StepRole

pytestmark = pytest.mark.django_db


def result_url(council: Council) -> str:
    return reverse(
        "workflows:result_record", args=[council.council_meeting.pk, council.council_item.pk]
    )


def result_data(council: Council, **values: object) -> dict[str, object]:
    prefix = f"top-{council.council_item.pk}"
    data = {"result": StepResult.DECIDED, "resolution_text": "Der Kreistag beschließt."}
    data.update(values)  # type: ignore[arg-type]
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_clerk_records_the_result_in_the_items_form(client: Client, council: Council) -> None:
    logged_in(client, council.council_clerk)
    page = client.get(reverse("workflows:meeting_detail", args=[council.council_meeting.pk]))
    assert page.status_code == 200
    assert f'action="{result_url(council)}"' in page.content.decode()

    response = client.post(
        result_url(council), result_data(council, votes_yes=30, votes_no=2, votes_abstain=1)
    )

    assert response.status_code == 302
    paper = Paper.objects.get(pk=council.paper.pk)
    assert paper.resolution_status == ResolutionStatus.DECIDED
    assert paper.resolved_on == council.council_meeting.date
    item = AgendaItem.objects.get(pk=council.council_item.pk)
    assert (item.votes_yes, item.votes_no, item.votes_abstain) == (30, 2, 1)
    public = client.get(reverse("workflows:paper_public", args=[paper.pk])).content.decode()
    assert "Der Kreistag beschließt." in public


def test_double_submit_answers_409_with_a_message(client: Client, council: Council) -> None:
    logged_in(client, council.council_clerk)
    client.post(result_url(council), result_data(council))

    again = client.post(result_url(council), result_data(council, result=StepResult.REJECTED))

    assert again.status_code == 409
    assert "schon ein Ergebnis erfasst" in again.content.decode()
    assert Paper.objects.get(pk=council.paper.pk).resolution_status == ResolutionStatus.DECIDED


def test_bad_votes_are_named_at_the_field_and_input_is_kept(
    client: Client, council: Council
) -> None:
    logged_in(client, council.council_clerk)

    response = client.post(
        result_url(council),
        result_data(council, resolution_text="Mein langer Text", votes_yes=3),
    )
    negative = client.post(result_url(council), result_data(council, votes_no=-1))
    no_result = client.post(result_url(council), result_data(council, result=""))

    text = response.content.decode()
    assert response.status_code == 400
    assert "Geben Sie Ja-Stimmen, Nein-Stimmen und Enthaltungen an" in text
    assert "Mein langer Text" in text
    assert f'id="id_top-{council.council_item.pk}-votes_yes-error"' in text
    assert negative.status_code == 400
    assert no_result.status_code == 400
    assert ConsultationStep.objects.get(pk=council.council_item.step_id).state == "scheduled"


@pytest.mark.parametrize("who", ["main_clerk", "office", "management", "council_member"])
def test_others_may_not_record(client: Client, council: Council, who: str) -> None:
    user = {
        "main_clerk": council.main_clerk,
        "office": council.office,
        "management": council.user(Role.MANAGEMENT),
        "council_member": council.user(Role.COUNCIL_MEMBER),
    }[who]
    logged_in(client, user)
    page = client.get(reverse("workflows:meeting_detail", args=[council.council_meeting.pk]))
    assert f'action="{result_url(council)}"' not in page.content.decode()

    response = client.post(result_url(council), result_data(council))

    assert response.status_code == 403
    assert "Nur die Schriftführung des Kreistag" in response.content.decode()
    assert ConsultationStep.objects.get(pk=council.council_item.step_id).state == "scheduled"


def test_another_bodys_user_finds_no_meeting(client: Client, council: Council) -> None:
    logged_in(client, other_body_user())

    detail = client.get(reverse("workflows:meeting_detail", args=[council.council_meeting.pk]))
    post = client.post(result_url(council), result_data(council))
    listing = client.get(reverse("workflows:meeting_list"), {"zeitraum": "vergangen"})

    assert (detail.status_code, post.status_code) == (404, 404)
    assert "Sitzung des Kreistages" not in listing.content.decode()


def test_a_referral_adds_the_committee_after_the_step(client: Client, council: Council) -> None:
    c = council.c
    paper = paper_build(council.world, [(c.main, StepRole.PRE_DELIBERATION)], title="Kita")
    step = steps_of(paper)[0]
    item = schedule(council.world, step, council.main_meeting)
    logged_in(client, council.main_clerk)
    prefix = f"top-{item.pk}"

    response = client.post(
        reverse("workflows:result_record", args=[council.main_meeting.pk, item.pk]),
        {
            f"{prefix}-result": StepResult.RECOMMENDED,
            f"{prefix}-referral_committee": c.youth.pk,
            f"{prefix}-referral_role": StepRole.HEARING,
        },
    )

    assert response.status_code == 302
    assert [(s.committee, s.role) for s in steps_of(paper)] == [
        (c.main, StepRole.PRE_DELIBERATION),
        (c.youth, StepRole.HEARING),
    ]


@pytest.mark.parametrize(
    "role", [Role.COMMITTEE_SECRETARY, Role.MANAGEMENT, Role.COUNCIL_MEMBER, Role.DEPARTMENT_HEAD]
)
def test_meeting_list_shows_coming_agendas(client: Client, council: Council, role: str) -> None:
    c = council.c
    coming = meeting_build(council.world, c.main, days=5, name="Nächste Sitzung KA")
    paper = paper_build(council.world, [(c.main, StepRole.PRE_DELIBERATION)], title="Busnetz")
    schedule(council.world, steps_of(paper)[0], coming)
    meeting_build(council.world, c.youth, days=6, name="Nächste Sitzung JHA")
    logged_in(client, council.user(role))

    text = client.get(reverse("workflows:meeting_list")).content.decode()
    filtered = client.get(reverse("workflows:meeting_list"), {"gremium": c.youth.pk})

    assert "Nächste Sitzung KA" in text
    assert "Busnetz" in text
    assert "Sitzung des Kreistages" not in text  # past
    assert "Nächste Sitzung KA" not in filtered.content.decode()
    assert "Nächste Sitzung JHA" in filtered.content.decode()


def test_office_creates_a_meeting_and_invites(client: Client, council: Council) -> None:
    logged_in(client, council.office)
    day = timezone.localdate() + dt.timedelta(days=14)
    data = {
        "committee": council.c.social.pk,
        "name": "3. Sitzung KSA",
        "start": f"{day:%Y-%m-%d}T17:00",
        "end": f"{day:%Y-%m-%d}T16:00",
    }

    bad = client.post(reverse("workflows:meeting_create"), data)
    assert bad.status_code == 400
    assert "liegt vor dem Beginn" in bad.content.decode()
    assert 'value="3. Sitzung KSA"' in bad.content.decode()
    created = client.post(reverse("workflows:meeting_create"), {**data, "end": ""})

    meeting = Meeting.objects.get(name="3. Sitzung KSA")
    assert created.status_code == 302
    assert timezone.localtime(meeting.start).hour == 17
    invite = client.post(
        reverse("workflows:transition", args=["sitzung", meeting.pk]),
        {"transition": "invite", "expected_state": MeetingState.SCHEDULED},
    )
    assert invite.status_code == 302
    assert invite["Location"] == reverse("workflows:meeting_detail", args=[meeting.pk])
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.INVITED


@pytest.mark.parametrize("who", ["clerk", "department_head"])
def test_only_the_office_creates_meetings(client: Client, council: Council, who: str) -> None:
    user = council.council_clerk if who == "clerk" else council.user(Role.DEPARTMENT_HEAD)
    logged_in(client, user)

    assert client.get(reverse("workflows:meeting_create")).status_code == 403


def test_overdue_steps_on_the_workspace(client: Client, council: Council) -> None:
    c = council.c
    paper = paper_build(council.world, [(c.social, StepRole.PRE_DELIBERATION)], title="Altplan")
    long_ago = meeting_build(council.world, c.social, days=-20, name="Alte Sitzung KSA")
    schedule(council.world, steps_of(paper)[0], long_ago)

    logged_in(client, council.office)
    office_text = client.get(reverse("workflows:paper_list")).content.decode()
    logged_in(client, clerk_of(council.world, c.social))
    clerk_text = client.get(reverse("workflows:paper_list")).content.decode()
    logged_in(client, council.main_clerk)
    other_text = client.get(reverse("workflows:paper_list")).content.decode()

    section = office_text.split('id="ueberfaellig"')[1].split("</section>")[0]
    assert "Altplan" in section
    # Yesterday's Kreistag is not yet two working days ago.
    assert council.paper.title not in section
    assert "Altplan" in clerk_text.split('id="ueberfaellig"')[1].split("</section>")[0]
    assert "Altplan" not in other_text.split('id="ueberfaellig"')[1].split("</section>")[0]
