"""The interim report to the council: a paper draft with the Zielbilanz PDF, once per period."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from notifications.services.milestones import milestone_add
from planning_cycle.models import CycleMilestone, Period, Role, User
from tests.support.world import World, build_world
from workflows.council.models import InterimReportPaper, Paper, PaperFile
from workflows.council.services.base import CouncilError
from workflows.council.services.interim import interim_paper_create, interim_period_default
from workflows.council.states import FileRole, PaperType

pytestmark = pytest.mark.django_db

URL = "/vorlagen/zwischenbericht/"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def interim_milestone(world: World, title: str = "Zwischenbericht I") -> CycleMilestone:
    return milestone_add(
        acting_user=world.users[Role.MANAGEMENT],
        cycle=world.cycle,
        title=title,
        kind="interim_report",
        due_date=dt.date(2026, 9, 15),
        audience="council_office",
    )


def post(world: World, user: User, milestone: CycleMilestone | None, year: int = 2025) -> object:
    data = {"jahr": year, "zeitraum": Period.YEAR, "lead_department": world.department.pk}
    if milestone is not None:
        data["termin"] = milestone.pk
    return client_of(user).post(URL, data)


@pytest.mark.parametrize("role", [Role.COMMITTEE_SECRETARY, Role.STRATEGY_UNIT])
def test_the_milestone_becomes_a_paper_draft_with_the_zielbilanz_pdf(
    world: World, role: Role
) -> None:
    milestone = interim_milestone(world)
    user = world.users[role]
    cycle_page = client_of(user).get(reverse("cycle_overview", args=[world.cycle.pk]))
    offer = f"{URL}?termin={milestone.pk}"
    assert offer in cycle_page.content.decode()
    assert client_of(user).get(offer).status_code == 200
    response = post(world, user, milestone)
    paper = Paper.objects.get()
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == reverse("workflows:paper_detail", args=[paper.pk])  # type: ignore[index]
    assert paper.title == "Zwischenbericht Zielbilanz 2025"
    assert paper.paper_type == PaperType.INFORMATION
    assert paper.cycle_id == world.cycle.pk and paper.lead_department == world.department
    [main] = PaperFile.objects.filter(paper=paper, deleted=False)
    assert (main.role, main.name, main.media_type) == (
        FileRole.MAIN,
        "Zielbilanz_2025.pdf",
        "application/pdf",
    )
    with main.file.open("rb") as stored:
        assert len(PdfReader(io.BytesIO(stored.read())).pages) >= 1
    link = InterimReportPaper.objects.get()
    assert (link.milestone_id, link.year, link.period) == (milestone.pk, 2025, Period.YEAR)
    # The cycle's page links the milestone to its paper instead of offering another.
    page = client_of(user).get(reverse("cycle_overview", args=[world.cycle.pk])).content.decode()
    assert reverse("workflows:paper_detail", args=[paper.pk]) in page
    assert offer not in page


def test_a_second_click_gives_the_same_paper(world: World) -> None:
    milestone = interim_milestone(world)
    office = world.users[Role.COMMITTEE_SECRETARY]
    first = post(world, office, milestone)
    second = post(world, office, milestone)
    third = post(world, office, None)  # the same period from the controlling page
    assert Paper.objects.count() == 1 and PaperFile.objects.count() == 1
    assert first["Location"] == second["Location"] == third["Location"]  # type: ignore[index]
    paper, created = interim_paper_create(acting_user=office, year=2025, period=Period.YEAR)
    assert not created and paper == Paper.objects.get()


def test_a_deleted_paper_makes_way_for_a_new_draft(world: World) -> None:
    milestone = interim_milestone(world)
    office = world.users[Role.COMMITTEE_SECRETARY]
    post(world, office, milestone)
    old = Paper.objects.get()
    Paper.objects.filter(pk=old.pk).update(deleted=True)  # as the admin deletes it
    response = post(world, office, milestone)
    new = Paper.objects.get(deleted=False)
    assert new.pk != old.pk
    assert response["Location"] == reverse("workflows:paper_detail", args=[new.pk])  # type: ignore[index]
    assert InterimReportPaper.objects.get().paper_id == new.pk


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.DEPARTMENT_HEAD, Role.COUNCIL_MEMBER])
def test_who_does_not_manage_papers_gets_403(world: World, role: Role) -> None:
    milestone = interim_milestone(world)
    user = world.users[role]
    page = client_of(user).get(reverse("cycle_overview", args=[world.cycle.pk])).content.decode()
    assert URL not in page
    assert client_of(user).get(f"{URL}?termin={milestone.pk}").status_code == 403
    assert post(world, user, milestone).status_code == 403  # type: ignore[attr-defined]
    assert not Paper.objects.exists()


def test_another_bodys_milestone_is_unknown(world: World) -> None:
    other = build_world("landkreis-anders")
    theirs = interim_milestone(other)
    office = world.users[Role.COMMITTEE_SECRETARY]
    assert client_of(office).get(f"{URL}?termin={theirs.pk}").status_code == 404
    assert post(world, office, theirs).status_code == 404  # type: ignore[attr-defined]
    assert not Paper.objects.exists()


def test_only_an_interim_report_milestone_and_a_reported_period(world: World) -> None:
    other_kind = milestone_add(
        acting_user=world.users[Role.MANAGEMENT],
        cycle=world.cycle,
        title="Kennzahlen sichten",
        kind="other",
        due_date=dt.date(2026, 5, 4),
        audience="strategy_unit",
    )
    office = world.users[Role.COMMITTEE_SECRETARY]
    with pytest.raises(CouncilError, match="ist kein Zwischenbericht an den Rat"):
        interim_paper_create(
            acting_user=office, year=2025, period=Period.YEAR, milestone=other_kind
        )
    with pytest.raises(CouncilError, match=r"berichtet .* keine Werte"):
        interim_paper_create(acting_user=office, year=2025, period=Period.Q3)
    assert not Paper.objects.exists()


def test_the_default_period_is_the_last_one_ended_before_the_due_date(world: World) -> None:
    body = world.body
    body.reporting_period = "year"
    assert interim_period_default(body, dt.date(2026, 9, 15)) == (2025, Period.YEAR)
    body.reporting_period = "half_year"
    assert interim_period_default(body, dt.date(2026, 9, 15)) == (2026, Period.H1)
    assert interim_period_default(body, dt.date(2026, 5, 1)) == (2025, Period.YEAR)


def test_the_cycle_page_reads_the_papers_of_its_milestones_at_once(world: World) -> None:
    office = world.users[Role.COMMITTEE_SECRETARY]
    client = client_of(office)
    page = reverse("cycle_overview", args=[world.cycle.pk])
    interim_paper_create(
        acting_user=office,
        year=2025,
        period=Period.YEAR,
        milestone=interim_milestone(world),
        lead_department=world.department,
    )
    client.get(page)
    with CaptureQueriesContext(connection) as one:
        client.get(page)
    for n in range(3):
        interim_milestone(world, title=f"Zwischenbericht {n + 2}")
    with CaptureQueriesContext(connection) as four:
        response = client.get(page)
    assert response.content.decode().count(f"{URL}?termin=") == 3
    assert len(four) == len(one)
