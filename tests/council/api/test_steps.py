"""Consultation steps through the API: on an agenda, off it, the result recorded, reopened.

The council office schedules; only the committee's secretary records its result (another
committee's is refused, 403); a result recorded twice is a 409; all through the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from planning_cycle.models import Role, User
from tests.support.council import committees_build, meeting_build, paper_build, schedule
from tests.support.world import build_world
from workflows.council.models import AgendaItem, ConsultationStep, Paper
from workflows.council.states import ResolutionStatus, StepRole, StepState

from .conftest import Council, fields, post, problem, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/consultation-steps/"


def url(step: ConsultationStep, action: str = "") -> str:
    return f"{URL}{step.pk}/{action + '/' if action else ''}"


def test_the_office_puts_a_step_on_an_agenda_and_takes_it_off(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)

    scheduled = post(c, url(council.pre, "schedule"), {"meeting": council.past_main.pk})

    assert scheduled.status_code == 200, scheduled.content
    body = scheduled.json()
    assert (body["state"], body["meeting"]["id"]) == ("scheduled", council.past_main.pk)
    item = AgendaItem.objects.get(pk=body["agenda_item"])
    assert (item.step_id, item.public) == (council.pre.pk, True)
    problem(post(c, url(council.pre, "schedule"), {"meeting": council.past_main.pk}), 409)
    assert fields(post(c, url(council.pre, "unschedule"), {"reason": ""})) == ["/reason"]
    off = post(c, url(council.pre, "unschedule"), {"reason": "Unterlagen fehlen"})
    assert off.status_code == 200, off.content
    assert (off.json()["state"], off.json()["agenda_item"]) == ("planned", None)
    assert AgendaItem.objects.get(pk=item.pk).deleted


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "/meeting"),
        ({"meeting": 0}, "/meeting"),
        ({"meeting": "COUNCIL"}, "/meeting"),  # a meeting of another committee
        ({"meeting": "PAST", "number": "x" * 21}, "/number"),
        ({"meeting": "PAST", "farbe": "blau"}, "/farbe"),
    ],
)
def test_a_bad_schedule_is_a_400_naming_the_field(
    council: Council, as_user: Callable[[User], Client], body: dict[str, Any], field: str
) -> None:
    names = {"COUNCIL": council.next_council.pk, "PAST": council.past_main.pk}
    if isinstance(body.get("meeting"), str):
        body["meeting"] = names[body["meeting"]]

    assert fields(post(as_user(council.office), url(council.pre, "schedule"), body)) == [field]
    assert ConsultationStep.objects.get(pk=council.pre.pk).state == StepState.PLANNED


def test_the_committees_secretary_records_the_result_with_votes_and_a_referral(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    schedule(council.world, council.pre, council.past_main)
    youth = council.committees.youth

    recorded = post(
        as_user(council.main_clerk),
        url(council.pre, "result"),
        {
            "result": "recommended",
            "resolution_text": "Der Kreisausschuss empfiehlt den Beschluss.",
            "votes_yes": 9,
            "votes_no": 1,
            "votes_abstain": 0,
            "referrals": [{"committee": youth.pk, "role": "hearing"}],
        },
    )

    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert (body["state"], body["result"], body["result_date"]) == (
        "recorded",
        "recommended",
        council.past_main.date.isoformat(),
    )
    item = AgendaItem.objects.get(pk=body["agenda_item"])
    assert (item.votes_yes, item.votes_no, item.votes_abstain) == (9, 1, 0)
    steps = list(council.paper.steps.filter(deleted=False).order_by("position"))
    assert [(s.committee_id, s.role) for s in steps] == [
        (council.committees.main.pk, StepRole.PRE_DELIBERATION),
        (youth.pk, StepRole.HEARING),
        (council.committees.council.pk, StepRole.DECISION),
    ]


def test_a_result_recorded_twice_is_a_409(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    schedule(council.world, council.pre, council.past_main)
    c = as_user(council.main_clerk)
    assert post(c, url(council.pre, "result"), {"result": "recommended"}).status_code == 200

    again = post(c, url(council.pre, "result"), {"result": "rejected"})

    problem(again, 409)
    assert ConsultationStep.objects.get(pk=council.pre.pk).result == "recommended"


@pytest.mark.parametrize("who", ["council_clerk", "office", "department_head", "management"])
def test_only_the_committees_secretary_records_its_result(
    council: Council, as_user: Callable[[User], Client], who: str
) -> None:
    schedule(council.world, council.pre, council.past_main)
    users = {
        "council_clerk": council.council_clerk,
        "office": council.office,
        "department_head": council.world.users[Role.DEPARTMENT_HEAD],
        "management": council.world.users[Role.MANAGEMENT],
    }

    problem(post(as_user(users[who]), url(council.pre, "result"), {"result": "recommended"}), 403)

    assert ConsultationStep.objects.get(pk=council.pre.pk).state == StepState.SCHEDULED
    assert AgendaItem.objects.get(step=council.pre).result == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "/result"),
        ({"result": "vielleicht"}, "/result"),
        ({"result": "decided", "votes_yes": -1, "votes_no": 0, "votes_abstain": 0}, "/votes_yes"),
        ({"result": "decided", "votes_yes": 3}, "/votes_yes"),  # all three or none
        ({"result": "decided", "referrals": [{"committee": 999999}]}, "/referrals/0/committee"),
        ({"result": "decided", "farbe": "blau"}, "/farbe"),
    ],
)
def test_a_bad_result_is_a_400_naming_the_field(
    council: Council, as_user: Callable[[User], Client], body: dict[str, Any], field: str
) -> None:
    schedule(council.world, council.pre, council.past_main)

    assert fields(post(as_user(council.main_clerk), url(council.pre, "result"), body)) == [field]
    assert ConsultationStep.objects.get(pk=council.pre.pk).state == StepState.SCHEDULED


def test_a_result_before_the_meeting_or_off_the_agenda_is_refused(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.council_clerk)
    problem(post(c, url(council.decision, "result"), {"result": "decided"}), 409)  # planned
    schedule(council.world, council.decision, council.next_council)

    refused = problem(post(c, url(council.decision, "result"), {"result": "decided"}), 422)

    assert refused["reasons"]
    assert ConsultationStep.objects.get(pk=council.decision.pk).state == StepState.SCHEDULED


def test_the_decision_resolves_the_paper_and_the_office_reopens_it(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    world, c = council.world, council.committees
    held = meeting_build(world, c.council, days=-1)
    schedule(world, council.decision, held)
    decided = post(
        as_user(council.council_clerk), url(council.decision, "result"), {"result": "decided"}
    )
    assert decided.status_code == 200, decided.content
    paper = Paper.objects.get(pk=council.paper.pk)
    assert (paper.resolution_status, paper.resolved_on) == (ResolutionStatus.DECIDED, held.date)

    office = as_user(council.office)
    assert fields(post(office, url(council.decision, "reopen"), {})) == ["/reason"]
    reopened = post(office, url(council.decision, "reopen"), {"reason": "Falsch erfasst"})

    assert reopened.status_code == 200, reopened.content
    assert (reopened.json()["state"], reopened.json()["result"]) == ("scheduled", "")
    assert Paper.objects.get(pk=paper.pk).resolution_status == ResolutionStatus.PENDING
    options = as_user(council.office).get(url(council.decision, "transitions")).json()
    assert "record" not in [o["name"] for o in options]  # the services' own steps


def test_steps_filter_and_another_bodys_step_is_not_found(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    other = build_world(key="anderswo")
    foreign = paper_build(other, [(committees_build(other).council, StepRole.DECISION)])
    foreign_step = foreign.steps.get()
    c = as_user(council.office)

    def ids(query: str) -> list[int]:
        response = c.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return sorted(r["id"] for r in response.json()["results"])

    assert ids("") == sorted([council.pre.pk, council.decision.pk])
    assert ids(f"committee={council.committees.main.pk}") == [council.pre.pk]
    assert ids("role=decision") == [council.decision.pk]
    assert ids(f"paper={foreign.pk}") == []
    assert ids("state=recorded") == []
    problem(c.get(url(foreign_step)), 404)
    problem(post(c, url(foreign_step, "schedule"), {"meeting": council.past_main.pk}), 404)
    assert fields(c.get(f"{URL}?role=chef")) == ["/role"]


def test_a_token_schedules(council: Council) -> None:
    response = post(
        token_client(council.office),
        url(council.pre, "schedule"),
        {"meeting": council.past_main.pk},
    )

    assert response.status_code == 200, response.content


def test_the_list_takes_a_fixed_number_of_queries(
    council: Council, client: Client, django_assert_num_queries: Any
) -> None:
    client.force_login(council.main_clerk)
    client.get(URL)

    with django_assert_num_queries(4) as few:
        client.get(URL)
    c = council.committees
    for _ in range(3):
        paper = paper_build(
            council.world, [(c.main, StepRole.PRE_DELIBERATION), (c.social, StepRole.NOTICE)]
        )
        schedule(council.world, paper.steps.order_by("position")[0], council.past_main)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 8
