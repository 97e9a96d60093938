"""Persons, legislative terms and meeting places through the API (the office writes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from planning_cycle.models import Role, TokenScope, User
from tests.support.council import committees_build
from tests.support.world import World, build_world
from workflows.council.models import LegislativeTerm, Location, Membership, Person

from .conftest import Council, fields, patch, post, problem, token_client

pytestmark = pytest.mark.django_db

PERSONS = "/api/v1/persons/"
TERMS = "/api/v1/legislative-terms/"
LOCATIONS = "/api/v1/locations/"
NOT_OFFICE = [Role.COMMITTEE_CLERK, Role.MANAGEMENT, Role.DEPARTMENT_HEAD, Role.COUNCIL_MEMBER]


def ids(client: Client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- persons ------------------------------------------------------------------------------


def test_the_office_creates_changes_and_deletes_a_person(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)

    created = post(
        c,
        PERSONS,
        {"form_of_address": "Frau", "title": "Dr.", "given_name": "Anna", "family_name": "Rat"},
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["form_of_address"], body["public_consent"], body["memberships"]) == (
        "Dr. Anna Rat",
        "Frau",
        False,
        [],
    )
    url = f"{PERSONS}{body['id']}/"
    changed = patch(c, url, {"public_consent": True})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["public_consent"], changed.json()["title"]) == (True, "Dr.")
    person = Person.objects.get(pk=body["id"])
    seat = Membership.objects.create(
        body=person.body, person=person, committee=council.committees.main, role="Vorsitzende"
    )
    read = c.get(url).json()
    assert [(m["committee"]["name"], m["role"]) for m in read["memberships"]] == [
        ("Kreisausschuss", "Vorsitzende")
    ]

    assert c.delete(url).status_code == 204
    person.refresh_from_db()
    seat.refresh_from_db()
    assert (person.deleted, seat.deleted) == (True, True)
    problem(c.get(url), 404)
    problem(c.delete(url), 404)
    assert body["id"] not in ids(c, PERSONS)


def test_a_namesake_is_a_409(council: Council, as_user: Callable[[User], Client]) -> None:
    Person.objects.create(body=council.world.body, given_name="Anna", family_name="Rat")

    response = post(as_user(council.office), PERSONS, {"given_name": "Anna", "family_name": "Rat"})

    assert "gibt es schon" in problem(response, 409)["detail"]
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "/family_name"),
        ({"family_name": ""}, "/family_name"),
        ({"family_name": "   "}, "/family_name"),
        ({"family_name": "R" * 101}, "/family_name"),
        ({"family_name": "Rat", "title": "T" * 41}, "/title"),
        ({"family_name": "Rat", "public_consent": "vielleicht"}, "/public_consent"),
    ],
)
def test_a_bad_person_is_a_400_naming_the_field(
    council: Council, as_user: Callable[[User], Client], body: dict[str, Any], field: str
) -> None:
    assert fields(post(as_user(council.office), PERSONS, body)) == [field]
    assert not Person.objects.exists()


def test_persons_filter_and_sort(council: Council, as_user: Callable[[User], Client]) -> None:
    body = council.world.body
    berg = Person.objects.create(body=body, given_name="Bea", family_name="Berg")
    adler = Person.objects.create(
        body=body, given_name="Zoe", family_name="Adler", public_consent=True
    )
    Membership.objects.create(body=body, person=adler, committee=council.committees.youth)
    c = as_user(council.world.users[Role.DEPARTMENT_HEAD])

    assert ids(c, PERSONS) == [adler.pk, berg.pk]
    assert ids(c, f"{PERSONS}?ordering=-family_name") == [berg.pk, adler.pk]
    assert ids(c, f"{PERSONS}?ordering=given_name") == [berg.pk, adler.pk]
    assert ids(c, f"{PERSONS}?search=ber") == [berg.pk]
    assert ids(c, f"{PERSONS}?public_consent=true") == [adler.pk]
    assert ids(c, f"{PERSONS}?committee={council.committees.youth.pk}") == [adler.pk]
    assert [e["field"] for e in problem(c.get(f"{PERSONS}?ordering=alter"), 400)["errors"]] == [
        "/ordering"
    ]


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_only_the_office_writes_persons(
    council: Council, as_user: Callable[[User], Client], role: str
) -> None:
    person = Person.objects.create(body=council.world.body, given_name="A", family_name="Rat")
    c = as_user(council.world.users[role])

    assert c.get(f"{PERSONS}{person.pk}/").status_code == 200
    problem(post(c, PERSONS, {"family_name": "Neu"}), 403)
    problem(patch(c, f"{PERSONS}{person.pk}/", {"family_name": "Anders"}), 403)
    problem(c.delete(f"{PERSONS}{person.pk}/"), 403)

    person.refresh_from_db()
    assert (Person.objects.count(), person.family_name, person.deleted) == (1, "Rat", False)


# --- legislative terms --------------------------------------------------------------------


def test_the_office_creates_and_changes_a_term(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)

    created = post(c, TERMS, {"name": "2021-2026", "start_date": "2021-11-01"})

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["start_date"], body["end_date"]) == ("2021-2026", "2021-11-01", None)
    changed = patch(c, f"{TERMS}{body['id']}/", {"end_date": "2026-10-31"})
    assert changed.status_code == 200, changed.content
    assert LegislativeTerm.objects.get(pk=body["id"]).end_date == dt.date(2026, 10, 31)
    taken = post(c, TERMS, {"name": "2021-2026", "start_date": "2026-11-01"})
    assert problem(taken, 409)["detail"] == "Eine Wahlperiode dieses Namens gibt es schon."


def test_a_term_ending_before_it_starts_names_both_dates(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)
    term = LegislativeTerm.objects.create(
        body=council.world.body, name="2021-2026", start_date=dt.date(2021, 11, 1)
    )

    created = post(c, TERMS, {"name": "X", "start_date": "2026-11-01", "end_date": "2021-10-31"})
    changed = patch(c, f"{TERMS}{term.pk}/", {"end_date": "2021-10-01"})

    for response, end in ((created, "31.10.2021"), (changed, "01.10.2021")):
        errors = problem(response, 400)["errors"]
        assert [e["field"] for e in errors] == ["/end_date"]
        assert end in errors[0]["message"] and "Beginn" in errors[0]["message"]
    term.refresh_from_db()
    assert (LegislativeTerm.objects.count(), term.end_date) == (1, None)


def test_the_database_refuses_a_term_ending_before_it_starts(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LegislativeTerm.objects.create(
            body=world.body,
            name="X",
            start_date=dt.date(2026, 11, 1),
            end_date=dt.date(2021, 10, 31),
        )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_date": "2021-11-01"}, "/name"),
        ({"name": "X"}, "/start_date"),
        ({"name": "X", "start_date": "1.11.2021"}, "/start_date"),
        ({"name": "X", "start_date": "2021-11-01", "ende": "2026-01-01"}, "/ende"),
    ],
)
def test_a_bad_term_is_a_400_naming_the_field(
    council: Council, as_user: Callable[[User], Client], body: dict[str, Any], field: str
) -> None:
    assert fields(post(as_user(council.office), TERMS, body)) == [field]
    assert not LegislativeTerm.objects.exists()


def test_terms_come_latest_first_and_sort(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    body = council.world.body
    old = LegislativeTerm.objects.create(body=body, name="B", start_date=dt.date(2016, 1, 1))
    new = LegislativeTerm.objects.create(body=body, name="A", start_date=dt.date(2021, 1, 1))
    c = as_user(council.world.users[Role.COUNCIL_MEMBER])

    assert ids(c, TERMS) == [new.pk, old.pk]
    assert ids(c, f"{TERMS}?ordering=start_date") == [old.pk, new.pk]
    assert ids(c, f"{TERMS}?ordering=-name") == [old.pk, new.pk]


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_only_the_office_writes_terms(
    council: Council, as_user: Callable[[User], Client], role: str
) -> None:
    term = LegislativeTerm.objects.create(
        body=council.world.body, name="2021-2026", start_date=dt.date(2021, 11, 1)
    )
    c = as_user(council.world.users[role])

    problem(post(c, TERMS, {"name": "Neu", "start_date": "2026-11-01"}), 403)
    problem(patch(c, f"{TERMS}{term.pk}/", {"name": "Neu"}), 403)
    assert list(LegislativeTerm.objects.values_list("name", flat=True)) == ["2021-2026"]


# --- locations ----------------------------------------------------------------------------


def test_the_office_creates_and_changes_a_location(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = as_user(council.office)
    place = {"description": "Kreishaus", "room": "Saal", "postal_code": "39387"}

    created = post(c, LOCATIONS, place)

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["description"], body["room"], body["locality"]) == ("Kreishaus", "Saal", "")
    changed = patch(c, f"{LOCATIONS}{body['id']}/", {"locality": "Oschersleben"})
    assert changed.status_code == 200, changed.content
    stored = Location.objects.get(pk=body["id"])
    assert (stored.room, stored.locality) == ("Saal", "Oschersleben")
    assert "gibt es schon" in problem(post(c, LOCATIONS, place), 409)["detail"]
    assert ids(c, f"{LOCATIONS}?search=kreis") == [body["id"]]
    assert ids(c, f"{LOCATIONS}?search=rathaus") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "/description"),
        ({"description": " "}, "/description"),
        ({"description": "A", "postal_code": "12345678901"}, "/postal_code"),
    ],
)
def test_a_bad_location_is_a_400_naming_the_field(
    council: Council, as_user: Callable[[User], Client], body: dict[str, Any], field: str
) -> None:
    assert fields(post(as_user(council.office), LOCATIONS, body)) == [field]
    assert not Location.objects.exists()


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_only_the_office_writes_locations(
    council: Council, as_user: Callable[[User], Client], role: str
) -> None:
    location = Location.objects.create(body=council.world.body, description="Kreishaus")
    c = as_user(council.world.users[role])

    assert ids(c, LOCATIONS) == [location.pk]
    problem(post(c, LOCATIONS, {"description": "Neu"}), 403)
    problem(patch(c, f"{LOCATIONS}{location.pk}/", {"description": "Neu"}), 403)
    assert list(Location.objects.values_list("description", flat=True)) == ["Kreishaus"]


# --- all three ----------------------------------------------------------------------------


def test_another_bodys_objects_are_not_found(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    other = build_world(key="anderswo").body
    person = Person.objects.create(body=other, given_name="F", family_name="Remd")
    term = LegislativeTerm.objects.create(body=other, name="X", start_date=dt.date(2021, 1, 1))
    location = Location.objects.create(body=other, description="Fremdhaus")
    c = as_user(council.office)

    for url, obj, change in (
        (PERSONS, person, {"family_name": "Meins"}),
        (TERMS, term, {"name": "Meins"}),
        (LOCATIONS, location, {"description": "Meins"}),
    ):
        problem(c.get(f"{url}{obj.pk}/"), 404)
        problem(patch(c, f"{url}{obj.pk}/", change), 404)
        assert obj.pk not in ids(c, url)
    problem(c.delete(f"{PERSONS}{person.pk}/"), 404)
    person.refresh_from_db()
    assert (person.family_name, person.deleted) == ("Remd", False)


def test_a_read_only_token_reads_but_does_not_write(council: Council) -> None:
    c = token_client(council.office, TokenScope.READ)

    assert c.get(PERSONS).status_code == 200
    problem(post(c, PERSONS, {"family_name": "Per Schlüssel"}), 403)
    problem(post(c, LOCATIONS, {"description": "Per Schlüssel"}), 403)
    assert not Person.objects.exists()


@pytest.mark.parametrize("url", [PERSONS, TERMS, LOCATIONS])
def test_the_lists_take_a_fixed_number_of_queries(
    world: World, client: Client, django_assert_num_queries: Any, url: str
) -> None:
    committees = committees_build(world)
    client.force_login(world.users[Role.DEPARTMENT_HEAD])

    def add(i: int) -> None:
        person = Person.objects.create(body=world.body, given_name="P", family_name=f"N{i}")
        for committee in committees.all()[: 1 + i % 3]:
            Membership.objects.create(body=world.body, person=person, committee=committee)
        LegislativeTerm.objects.create(
            body=world.body, name=f"T{i}", start_date=dt.date(2000 + i, 1, 1)
        )
        Location.objects.create(body=world.body, description=f"Ort {i}")

    add(0)
    client.get(url)  # warm up (content types, the session)
    with django_assert_num_queries(6, exact=False) as few:
        client.get(url)
    for i in range(1, 6):
        add(i)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["results"]) == 6
