"""The paper pages: who sees which paper, the list with positions and filters, the forms."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning_cycle.models import Role
from tests.council.web.support import Council, logged_in, other_body_user
from tests.support.council import DECISION, PRE, clerk_of, paper_build, steps_of
from workflows.council.models import ConsultationStep, Paper
from workflows.council.states import PaperType, ResolutionStatus, StepRole

pytestmark = pytest.mark.django_db

READERS = [
    Role.COMMITTEE_SECRETARY,
    Role.MANAGEMENT,
    Role.COUNCIL_MEMBER,
    Role.DEPARTMENT_HEAD,
    Role.STRATEGY_UNIT,
]


@pytest.mark.parametrize("role", READERS)
def test_every_member_of_the_body_reads_list_and_public_paper(
    client: Client, council: Council, role: str
) -> None:
    logged_in(client, council.user(role))

    listing = client.get(reverse("workflows:paper_list"))
    page = client.get(reverse("workflows:paper_detail", args=[council.paper.pk]))

    assert listing.status_code == 200
    assert council.paper.reference in listing.content.decode()
    assert page.status_code == 200
    assert "Sitzung des Kreisausschusses" in page.content.decode()


def test_list_shows_the_position_in_the_sequence(client: Client, council: Council) -> None:
    logged_in(client, council.office)

    text = client.get(reverse("workflows:paper_list")).content.decode()

    day = council.main_meeting.date.strftime("%d.%m.%Y")
    assert f"1/2 Kreisausschuss: empfohlen am {day}" in text
    council_day = council.council_meeting.date.strftime("%d.%m.")
    assert f"nächster Schritt: Kreistag (Entscheidung), Sitzung am {council_day}" in text


def test_paper_of_another_body_does_not_exist(client: Client, council: Council) -> None:
    logged_in(client, other_body_user())

    assert client.get(reverse("workflows:paper_detail", args=[council.paper.pk])).status_code == 404
    assert (
        council.paper.reference not in client.get(reverse("workflows:paper_list")).content.decode()
    )


def test_nonpublic_paper_only_for_its_readers(client: Client, council: Council) -> None:
    c = council.c
    secret = paper_build(council.world, [(c.social, PRE)], title="Personalsache", public=False)
    url = reverse("workflows:paper_detail", args=[secret.pk])

    for user, status in [
        (council.user(Role.DEPARTMENT_HEAD), 404),
        (council.user(Role.COUNCIL_MEMBER), 404),
        (council.main_clerk, 404),
        (clerk_of(council.world, c.social), 200),
        (council.user(Role.MANAGEMENT), 200),
        (council.office, 200),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
        listed = "Personalsache" in client.get(reverse("workflows:paper_list")).content.decode()
        assert listed is (status == 200)


def test_filters_by_committee_and_status(client: Client, council: Council) -> None:
    c = council.c
    other = paper_build(council.world, [(c.youth, DECISION)], title="Jugendförderplan")
    Paper.objects.filter(pk=other.pk).update(resolution_status=ResolutionStatus.DECIDED)
    logged_in(client, council.office)
    url = reverse("workflows:paper_list")

    by_committee = client.get(url, {"gremium": c.youth.pk}).content.decode()
    by_status = client.get(url, {"status": ResolutionStatus.PENDING}).content.decode()
    nonsense = client.get(url, {"gremium": "x", "status": "nonsense"})

    assert "Jugendförderplan" in by_committee
    assert council.paper.reference not in by_committee
    assert "Jugendförderplan" not in by_status
    assert council.paper.reference in by_status
    assert nonsense.status_code == 200
    assert "Jugendförderplan" in nonsense.content.decode()


def test_list_reads_with_a_constant_number_of_queries(
    client: Client, council: Council, django_assert_num_queries
) -> None:
    logged_in(client, council.office)
    url = reverse("workflows:paper_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # Counted now: the next request starts a fresh query log.
    queries = len(few.captured_queries)
    assert queries > 5
    c = council.c
    for n in range(6):
        paper_build(
            council.world, [(c.main, PRE), (c.social, PRE), (c.council, DECISION)], title=f"V{n}"
        )

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.content.decode().count("/vorlagen/") >= 7


def test_office_creates_a_paper_with_its_sequence(client: Client, council: Council) -> None:
    logged_in(client, council.office)
    c = council.c
    data = {
        "title": "Radverkehrskonzept",
        "paper_type": PaperType.RESOLUTION,
        "lead_department": council.world.department.pk,
        "public": "on",
        "proposed_resolution": "Der Kreistag beschließt das Konzept.",
        "step_1_committee": c.main.pk,
        "step_1_role": StepRole.PRE_DELIBERATION,
        "step_2_committee": c.council.pk,
        "step_2_role": StepRole.DECISION,
    }

    response = client.post(reverse("workflows:paper_create"), data)

    paper = Paper.objects.get(title="Radverkehrskonzept")
    assert response.status_code == 302
    assert response["Location"] == reverse("workflows:paper_detail", args=[paper.pk])
    assert [(s.committee, s.role) for s in steps_of(paper)] == [
        (c.main, StepRole.PRE_DELIBERATION),
        (c.council, StepRole.DECISION),
    ]


def test_bad_paper_input_is_named_at_the_field_and_kept(client: Client, council: Council) -> None:
    logged_in(client, council.office)
    c = council.c
    data = {
        "title": "Zwei Entscheidungen",
        "paper_type": PaperType.RESOLUTION,
        "lead_department": council.world.department.pk,
        "external_url": "ftp://example.org/x",
        "step_1_committee": c.council.pk,
        "step_1_role": StepRole.DECISION,
    }

    response = client.post(reverse("workflows:paper_create"), data)

    text = response.content.decode()
    assert response.status_code == 400
    assert "muss mit https:// beginnen" in text
    assert 'value="Zwei Entscheidungen"' in text
    assert not Paper.objects.filter(title="Zwei Entscheidungen").exists()
    missing = client.post(reverse("workflows:paper_create"), {**data, "title": ""})
    assert missing.status_code == 400
    assert 'aria-invalid="true"' in missing.content.decode()


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.COUNCIL_MEMBER, Role.MANAGEMENT])
def test_only_the_office_creates_and_edits(client: Client, council: Council, role: str) -> None:
    logged_in(client, council.user(role))

    assert client.get(reverse("workflows:paper_create")).status_code == 403
    edit = reverse("workflows:paper_edit", args=[council.paper.pk])
    assert client.post(edit, {"title": "x"}).status_code == 403


def test_clerk_may_not_create(client: Client, council: Council) -> None:
    logged_in(client, council.main_clerk)

    assert client.get(reverse("workflows:paper_create")).status_code == 403


def test_office_edits_a_paper(client: Client, council: Council) -> None:
    logged_in(client, council.office)
    url = reverse("workflows:paper_edit", args=[council.paper.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "title": "Neuer Betreff",
            "paper_type": PaperType.INFORMATION,
            "lead_department": council.world.department.pk,
        },
    )

    paper = Paper.objects.get(pk=council.paper.pk)
    assert response.status_code == 302
    assert (paper.title, paper.paper_type, paper.public) == (
        "Neuer Betreff",
        PaperType.INFORMATION,
        False,
    )
    assert paper.reference == council.paper.reference


def test_step_link_leads_to_the_paper(client: Client, council: Council) -> None:
    step = steps_of(council.paper)[0]
    logged_in(client, council.user(Role.COUNCIL_MEMBER))

    response = client.get(reverse("workflows:step_detail", args=[step.pk]))

    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("workflows:paper_detail", args=[council.paper.pk]) + f"#beratung-{step.pk}"
    )
    client.force_login(other_body_user())
    assert client.get(reverse("workflows:step_detail", args=[step.pk])).status_code == 404


def test_detail_shows_deferred_meeting_and_history(client: Client, council: Council) -> None:
    from tests.support.council import meeting_build, record, schedule
    from workflows.council.states import StepResult

    c = council.c
    paper = paper_build(council.world, [(c.social, PRE)], title="Seniorenplan")
    step = steps_of(paper)[0]
    clerk = clerk_of(council.world, c.social)
    first = meeting_build(council.world, c.social, days=-20, name="Erste Sitzung KSA")
    record(clerk, schedule(council.world, step, first), StepResult.DEFERRED)
    logged_in(client, council.user(Role.MANAGEMENT))

    text = client.get(reverse("workflows:paper_detail", args=[paper.pk])).content.decode()

    assert "Erste Sitzung KSA" in text
    assert "vertagt" in text
    assert "Einmal vertagt." in text
    assert "Auf die Tagesordnung setzen" in text  # the history's transition label
    assert ConsultationStep.objects.get(pk=step.pk).state == "planned"
