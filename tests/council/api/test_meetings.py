"""Meetings through the API: read with the agenda, written and moved on by the council office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from planning_cycle.models import Role, User
from tests.support.council import committees_build, meeting_build, paper_build, schedule
from tests.support.world import build_world
from workflows.council.models import Meeting
from workflows.council.states import StepRole, StepState

from .conftest import Council, fields, patch, post, problem, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/meetings/"


def at(days: int, hour: int = 17) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour))).isoformat()


def test_a_meeting_is_read_with_its_agenda_non_public_items_only_for_those_allowed(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    world, c = council.world, council.committees
    secret = paper_build(world, [(c.main, StepRole.PRE_DELIBERATION)], public=False, title="Geheim")
    schedule(world, council.pre, council.past_main)
    schedule(world, secret.steps.get(), council.past_main)
    url = f"{URL}{council.past_main.pk}/"

    clerk = as_user(council.main_clerk).get(url).json()
    head = as_user(world.users[Role.DEPARTMENT_HEAD]).get(url).json()

    assert [i["paper"]["reference"] for i in clerk["agenda_items"]] == [
        council.paper.reference,
        secret.reference,
    ]
    assert [i["paper"]["id"] for i in head["agenda_items"]] == [council.paper.pk]
    assert (head["committee"]["name"], head["state"], head["date"]) == (
        "Kreisausschuss",
        "scheduled",
        council.past_main.date.isoformat(),
    )


def test_meetings_filter_by_committee_days_and_state(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)
    main = council.committees.main.pk

    def ids(query: str) -> list[int]:
        response = c.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    past, coming = council.past_main.pk, council.next_council.pk
    assert ids("") == [past, coming]
    assert ids(f"committee={main}") == [past]
    today = timezone.localdate()
    assert ids(f"from={today.isoformat()}") == [coming]
    assert ids(f"to={(today - dt.timedelta(days=3)).isoformat()}") == [past]
    assert ids("state=held") == []
    assert ids("ordering=-start") == [coming, past]
    assert fields(c.get(f"{URL}?from=gestern")) == ["/from"]
    assert fields(c.get(f"{URL}?committee=0")) == ["/committee"]
    assert fields(c.get(f"{URL}?state=vertagt")) == ["/state"]


def test_the_office_schedules_and_changes_a_meeting(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)

    created = post(
        c,
        URL,
        {"committee": council.committees.social.pk, "name": "3. Sitzung", "start": at(20)},
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["committee"]["id"], body["state"], body["agenda_items"]) == (
        council.committees.social.pk,
        "scheduled",
        [],
    )
    changed = patch(c, f"{URL}{body['id']}/", {"start": at(21), "end": at(21, 19)})
    assert changed.status_code == 200, changed.content
    stored = Meeting.objects.get(pk=body["id"])
    assert stored.date == timezone.localdate() + dt.timedelta(days=21)
    assert stored.name == "3. Sitzung"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"committee": None, "name": "S", "start": at(1)}, "/committee"),
        ({"committee": 0, "name": "S", "start": at(1)}, "/committee"),
        ({"name": "", "start": at(1)}, "/name"),
        ({"name": "S"}, "/start"),
        ({"name": "S", "start": "morgen"}, "/start"),
        ({"name": "S", "start": at(2), "end": at(1)}, "/end"),
        ({"name": "S", "start": at(2), "location": 999999}, "/location"),
        ({"name": "S", "start": at(2), "farbe": "blau"}, "/farbe"),
    ],
)
def test_a_bad_meeting_is_a_400_naming_the_field(
    council: Council, as_user: Callable[[User], Client], body: dict[str, Any], field: str
) -> None:
    body = {"committee": council.committees.main.pk, **body}
    before = Meeting.objects.count()

    assert fields(post(as_user(council.office), URL, body)) == [field]
    assert Meeting.objects.count() == before


def test_a_committee_of_another_body_is_unknown_and_its_meeting_not_found(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    other = build_world(key="anderswo")
    foreign_committee = committees_build(other).main
    foreign = meeting_build(other, foreign_committee)
    c = as_user(council.office)

    refused = post(c, URL, {"committee": foreign_committee.pk, "name": "S", "start": at(3)})
    assert fields(refused) == ["/committee"]
    problem(c.get(f"{URL}{foreign.pk}/"), 404)
    problem(post(c, f"{URL}{foreign.pk}/transitions/invite/"), 404)


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.COMMITTEE_CLERK])
def test_others_read_meetings_but_do_not_write_them(
    council: Council, as_user: Callable[[User], Client], role: str
) -> None:
    user = council.main_clerk if role == Role.COMMITTEE_CLERK else council.world.users[role]
    c = as_user(user)
    url = f"{URL}{council.past_main.pk}/"

    assert c.get(url).status_code == 200
    problem(
        post(c, URL, {"committee": council.committees.main.pk, "name": "S", "start": at(4)}), 403
    )
    problem(patch(c, url, {"name": "Anders"}), 403)
    problem(post(c, f"{url}transitions/invite/"), 403)
    assert Meeting.objects.get(pk=council.past_main.pk).state == "scheduled"


def test_the_office_invites_holds_and_cancels_through_the_transitions(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)
    past = f"{URL}{council.past_main.pk}/"
    coming = f"{URL}{council.next_council.pk}/"
    schedule(council.world, council.decision, council.next_council)

    options = {o["name"]: o for o in c.get(f"{coming}transitions/").json()}
    assert options["invite"]["enabled"] and not options["hold"]["enabled"]
    assert post(c, f"{past}transitions/invite/").json()["state"] == "invited"
    assert post(c, f"{past}transitions/hold/").json()["state"] == "held"
    assert problem(patch(c, past, {"name": "Anders"}), 409)
    assert fields(post(c, f"{coming}transitions/cancel/")) == ["/comment"]
    cancelled = post(c, f"{coming}transitions/cancel/", {"comment": "Beschlussunfähig"})
    assert cancelled.json()["state"] == "cancelled"
    council.decision.refresh_from_db()
    assert council.decision.state == StepState.PLANNED  # its paper goes back to be planned


def test_the_office_adds_an_item_without_a_paper(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)
    url = f"{URL}{council.next_council.pk}/agenda-items/"

    added = post(c, url, {"name": "Mitteilungen der Verwaltung"})

    assert added.status_code == 201, added.content
    assert (added.json()["number"], added.json()["paper"]) == ("1", None)
    assert fields(post(c, url, {"name": ""})) == ["/name"]
    problem(post(as_user(council.council_clerk), url, {"name": "Anfragen"}), 403)


def test_a_token_reads_meetings(council: Council) -> None:
    response = token_client(council.main_clerk).get(URL)

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_the_list_takes_a_fixed_number_of_queries(
    council: Council, client: Client, django_assert_num_queries: Any
) -> None:
    world, c = council.world, council.committees
    client.force_login(council.main_clerk)
    schedule(world, council.pre, council.past_main)
    client.get(URL)

    with django_assert_num_queries(5) as few:
        client.get(URL)
    for days in (30, 31, 32):
        meeting = meeting_build(world, c.main, days=days)
        for _ in range(2):
            paper = paper_build(world, [(c.main, StepRole.PRE_DELIBERATION)], public=False)
            schedule(world, paper.steps.get(), meeting)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 5
