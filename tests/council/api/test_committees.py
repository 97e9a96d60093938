"""Committees through the API: everyone of the body reads, the council office writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from planning_cycle.models import Committee, Role, TokenScope, User
from tests.support.council import committees_build
from tests.support.world import World, build_world
from workflows.council.models import Membership, Person

from .conftest import Council, fields, patch, post, problem, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/committees/"


def test_the_body_reads_its_committees_in_order_with_their_members(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = council.committees
    person = Person.objects.create(body=council.world.body, given_name="Anna", family_name="Rat")
    Membership.objects.create(
        body=council.world.body, person=person, committee=c.main, role="Vorsitzende"
    )
    gone = Person.objects.create(body=council.world.body, given_name="Ex", family_name="Mitglied")
    Membership.objects.create(body=council.world.body, person=gone, committee=c.main, deleted=True)

    response = as_user(council.world.users[Role.DEPARTMENT_HEAD]).get(URL)

    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == [x.name for x in c.all()]
    main = rows[1]
    assert (main["kind"], main["kind_label"]) == (
        "main_committee",
        "Kreisausschuss / Hauptausschuss",
    )
    assert [(m["person"]["name"], m["role"]) for m in main["members"]] == [
        ("Anna Rat", "Vorsitzende")
    ]
    detail = as_user(council.world.users[Role.DEPARTMENT_HEAD]).get(f"{URL}{c.main.pk}/")
    assert detail.json() == main


def test_another_bodys_committee_is_not_found(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    other = build_world(key="anderswo")
    foreign = committees_build(other).main
    c = as_user(council.office)

    problem(c.get(f"{URL}{foreign.pk}/"), 404)
    problem(patch(c, f"{URL}{foreign.pk}/", {"name": "Übernommen"}), 404)
    assert foreign.pk not in [r["id"] for r in c.get(URL).json()["results"]]


def test_the_office_creates_and_changes_a_committee(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)

    created = post(
        c,
        URL,
        {
            "name": "Bauausschuss",
            "short_name": "BA",
            "kind": "committee",
            "start_date": "2024-07-01",
            "position": 5,
            "website": "https://ris.example.org/ba",
        },
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["short_name"], body["members"]) == ("Bauausschuss", "BA", [])
    changed = patch(c, f"{URL}{body['id']}/", {"name": "Bau- und Umweltausschuss"})
    assert changed.status_code == 200, changed.content
    stored = Committee.objects.get(pk=body["id"])
    assert (stored.name, stored.short_name, stored.body_id) == (
        "Bau- und Umweltausschuss",
        "BA",
        council.world.body.pk,
    )


def test_a_committee_name_is_unique_in_the_body(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    response = post(as_user(council.office), URL, {"name": "Kreisausschuss"})

    assert problem(response, 409)["detail"] == "Ein Gremium dieses Namens gibt es schon."


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.MANAGEMENT, Role.COMMITTEE_CLERK])
def test_only_the_council_office_writes_committees(
    council: Council, as_user: Callable[[User], Client], role: str
) -> None:
    c = as_user(council.world.users[role])
    before = Committee.objects.count()

    problem(post(c, URL, {"name": "Neuer Ausschuss"}), 403)
    problem(patch(c, f"{URL}{council.committees.main.pk}/", {"name": "Umbenannt"}), 403)

    assert Committee.objects.count() == before
    assert Committee.objects.get(pk=council.committees.main.pk).name == "Kreisausschuss"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "/name"),
        ({"name": ""}, "/name"),
        ({"name": "A", "kind": "stammtisch"}, "/kind"),
        ({"name": "A", "start_date": "2024-05-01", "end_date": "2024-04-01"}, "/end_date"),
        ({"name": "A", "website": "ftp://x"}, "/website"),
        ({"name": "A", "position": -1}, "/position"),
        ({"name": "A", "farbe": "blau"}, "/farbe"),
    ],
)
def test_a_bad_committee_is_a_400_naming_the_field(
    council: Council, as_user: Callable[[User], Client], body: dict[str, Any], field: str
) -> None:
    before = Committee.objects.count()

    assert fields(post(as_user(council.office), URL, body)) == [field]
    assert Committee.objects.count() == before


def test_a_read_only_token_reads_but_does_not_write(council: Council) -> None:
    c = token_client(council.office, TokenScope.READ)

    assert c.get(URL).status_code == 200
    problem(post(c, URL, {"name": "Per Schlüssel"}), 403)


def test_a_read_write_token_writes(council: Council) -> None:
    c = token_client(council.office)

    assert post(c, URL, {"name": "Per Schlüssel"}).status_code == 201


def test_the_list_takes_a_fixed_number_of_queries(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    committees = committees_build(world)
    user = world.users[Role.DEPARTMENT_HEAD]
    client.force_login(user)
    for committee in committees.all():
        person = Person.objects.create(body=world.body, given_name="P", family_name=committee.name)
        Membership.objects.create(body=world.body, person=person, committee=committee)
    client.get(URL)  # warm up (content types, the session)

    with django_assert_num_queries(5) as few:
        client.get(URL)
    for i in range(5):
        extra = Committee.objects.create(body=world.body, name=f"Beirat {i}", position=10 + i)
        person = Person.objects.create(body=world.body, given_name="P", family_name=f"B{i}")
        Membership.objects.create(body=world.body, person=person, committee=extra)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 9
