"""Papers through the API: public ones for the body, non-public ones for those allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from planning_cycle.models import Role, User
from tests.support.council import clerk_of, committees_build, paper_build, schedule
from tests.support.world import build_world
from workflows.council.models import ConsultationStep, Paper, PaperFile
from workflows.council.states import StepRole

from .conftest import Council, fields, patch, post, problem

pytestmark = pytest.mark.django_db

URL = "/api/v1/papers/"


def test_a_paper_is_read_with_its_sequence_and_files(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    world = council.world
    for name, public in (("Vorlage.pdf", True), ("Vermerk.pdf", False)):
        PaperFile.objects.create(
            paper=council.paper,
            role="main" if public else "attachment",
            name=name,
            media_type="application/pdf",
            size=10,
            sha256="0" * 64,
            public=public,
            position=1 if public else 2,
            uploaded_by=council.office,
            body=world.body,
        )
    url = f"{URL}{council.paper.pk}/"

    head = as_user(world.users[Role.DEPARTMENT_HEAD]).get(url).json()
    clerk = as_user(council.main_clerk).get(url).json()

    assert head["reference"] == council.paper.reference
    assert [(s["committee"]["name"], s["role"], s["state"]) for s in head["steps"]] == [
        ("Kreisausschuss", "pre_deliberation", "planned"),
        ("Kreistag", "decision", "planned"),
    ]
    assert [(f["name"], f["main"]) for f in head["files"]] == [("Vorlage.pdf", True)]
    assert [f["name"] for f in clerk["files"]] == ["Vorlage.pdf", "Vermerk.pdf"]


def test_a_non_public_paper_is_seen_only_by_those_allowed(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = council.committees
    secret = paper_build(council.world, [(c.social, StepRole.DECISION)], public=False)
    url = f"{URL}{secret.pk}/"
    social_clerk = clerk_of(council.world, c.social)

    assert as_user(council.office).get(url).status_code == 200
    assert as_user(social_clerk).get(url).status_code == 200
    assert as_user(council.world.users[Role.MANAGEMENT]).get(url).status_code == 200
    for user in (council.main_clerk, council.world.users[Role.DEPARTMENT_HEAD]):
        c_ = as_user(user)
        problem(c_.get(url), 404)
        assert secret.pk not in [r["id"] for r in c_.get(URL).json()["results"]]


def test_papers_filter_by_committee_status_type_year_and_search(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = council.committees
    info = paper_build(
        council.world, [(c.youth, StepRole.NOTICE)], title="Jugendbericht", paper_type="information"
    )
    client = as_user(council.office)

    def ids(query: str) -> list[int]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    both = [info.pk, council.paper.pk]
    assert ids("") == both
    assert ids(f"committee={c.youth.pk}") == [info.pk]
    assert ids("type=information") == [info.pk]
    assert ids("resolution_status=pending") == both
    assert ids("resolution_status=decided") == []
    assert ids(f"year={council.paper.reference_year}") == both
    assert ids("year=2001") == []
    assert ids("search=jugend") == [info.pk]
    assert ids(f"search={council.paper.reference}") == [council.paper.pk]
    assert ids("ordering=reference_number") == [council.paper.pk, info.pk]
    assert fields(client.get(f"{URL}?year=zwanzig")) == ["/year"]
    assert fields(client.get(f"{URL}?type=brief")) == ["/type"]
    assert fields(client.get(f"{URL}?committee=-1")) == ["/committee"]


def test_the_office_creates_a_paper_with_its_sequence_and_changes_it(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = council.committees
    client = as_user(council.office)

    created = post(
        client,
        URL,
        {
            "title": "Haushaltssatzung 2027",
            "paper_type": "resolution",
            "lead_department": council.world.department.pk,
            "public": False,
            "steps": [
                {"committee": c.main.pk},
                {"committee": c.council.pk, "role": "decision"},
            ],
        },
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"].endswith("/0002")
    assert [(s["committee"]["id"], s["role"]) for s in body["steps"]] == [
        (c.main.pk, "pre_deliberation"),
        (c.council.pk, "decision"),
    ]
    changed = patch(client, f"{URL}{body['id']}/", {"title": "Haushaltssatzung 2027/28"})
    assert changed.status_code == 200, changed.content
    stored = Paper.objects.get(pk=body["id"])
    assert (stored.title, stored.public, stored.reference) == (
        "Haushaltssatzung 2027/28",
        False,
        body["reference"],
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lead_department": "D"}, "/title"),
        ({"title": "", "lead_department": "D"}, "/title"),
        ({"title": "T"}, "/lead_department"),
        ({"title": "T", "lead_department": 999999}, "/lead_department"),
        ({"title": "T", "lead_department": "D", "paper_type": "brief"}, "/paper_type"),
        ({"title": "T", "lead_department": "D", "external_url": "ris.example"}, "/external_url"),
        ({"title": "T", "lead_department": "D", "cycle_phase": "council_resolution"}, "/cycle"),
        (
            {"title": "T", "lead_department": "D", "steps": [{"committee": 999999}]},
            "/steps/0/committee",
        ),
        (
            {"title": "T", "lead_department": "D", "steps": [{"committee": "M", "role": "x"}]},
            "/steps/0/role",
        ),
        ({"title": "T", "lead_department": "D", "farbe": "blau"}, "/farbe"),
    ],
)
def test_a_bad_paper_is_a_400_naming_the_field_and_nothing_is_written(
    council: Council, as_user: Callable[[User], Client], body: dict[str, Any], field: str
) -> None:
    if body.get("lead_department") == "D":
        body["lead_department"] = council.world.department.pk
    for step in body.get("steps", []):
        if step["committee"] == "M":
            step["committee"] = council.committees.main.pk
    before = (Paper.objects.count(), ConsultationStep.objects.count())

    assert fields(post(as_user(council.office), URL, body)) == [field]
    assert (Paper.objects.count(), ConsultationStep.objects.count()) == before


def test_two_deciding_steps_for_the_whole_paper_are_refused_naming_the_sequence(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = council.committees
    body = {
        "title": "T",
        "lead_department": council.world.department.pk,
        "steps": [
            {"committee": c.main.pk, "role": "decision"},
            {"committee": c.council.pk, "role": "decision"},
        ],
    }
    before = Paper.objects.count()

    assert fields(post(as_user(council.office), URL, body)) == ["/steps"]
    assert Paper.objects.count() == before


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.MANAGEMENT, Role.COMMITTEE_CLERK])
def test_only_who_manages_papers_writes_them(
    council: Council, as_user: Callable[[User], Client], role: str
) -> None:
    user = council.main_clerk if role == Role.COMMITTEE_CLERK else council.world.users[role]
    client = as_user(user)
    url = f"{URL}{council.paper.pk}/"
    body = {"title": "T", "lead_department": council.world.department.pk}

    problem(post(client, URL, body), 403)
    problem(patch(client, url, {"title": "Anders"}), 403)
    problem(post(client, f"{url}steps/", {"committee": council.committees.youth.pk}), 403)
    assert Paper.objects.get(pk=council.paper.pk).title == council.paper.title
    assert council.paper.steps.count() == 2


def test_the_office_adds_a_step_and_removes_a_planned_one(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    client = as_user(council.office)
    youth = council.committees.youth

    added = post(
        client, f"{URL}{council.paper.pk}/steps/", {"committee": youth.pk, "role": "hearing"}
    )

    assert added.status_code == 201, added.content
    step = added.json()
    assert (step["committee"]["id"], step["role"], step["position"]) == (youth.pk, "hearing", 3)
    removed = client.delete(f"/api/v1/consultation-steps/{step['id']}/")
    assert removed.status_code == 204
    assert ConsultationStep.objects.get(pk=step["id"]).deleted
    schedule(council.world, council.pre, council.past_main)
    problem(client.delete(f"/api/v1/consultation-steps/{council.pre.pk}/"), 409)
    problem(
        as_user(council.main_clerk).delete(f"/api/v1/consultation-steps/{council.decision.pk}/"),
        403,
    )


def test_another_bodys_paper_is_not_found(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    other = build_world(key="anderswo")
    c = committees_build(other)
    foreign = paper_build(other, [(c.council, StepRole.DECISION)])
    client = as_user(council.office)

    problem(client.get(f"{URL}{foreign.pk}/"), 404)
    problem(patch(client, f"{URL}{foreign.pk}/", {"title": "Übernommen"}), 404)
    problem(post(client, f"{URL}{foreign.pk}/steps/", {"committee": c.main.pk}), 404)
    assert fields(post(client, f"{URL}{council.paper.pk}/steps/", {"committee": c.main.pk})) == [
        "/committee"
    ]


def test_the_list_takes_a_fixed_number_of_queries(
    council: Council, client: Client, django_assert_num_queries: Any
) -> None:
    client.force_login(council.main_clerk)
    client.get(URL)

    with django_assert_num_queries(6) as few:
        client.get(URL)
    c = council.committees
    for _ in range(4):
        paper = paper_build(
            council.world,
            [(c.main, StepRole.PRE_DELIBERATION), (c.council, StepRole.DECISION)],
            public=False,
        )
        schedule(council.world, paper.steps.order_by("position")[0], council.past_main)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 5
