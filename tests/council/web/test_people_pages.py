"""The office's registers: persons, legislative terms and meeting places under /gremien/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from planning_cycle.models import Role
from tests.council.web.support import logged_in, other_body_user
from tests.support.council import committees_build, meeting_build, office
from tests.support.world import World
from workflows.council.models import LegislativeTerm, Location, Membership, Person

pytestmark = pytest.mark.django_db

PERSONS = "/gremien/personen/"
TERMS = "/gremien/wahlperioden/"
LOCATIONS = "/gremien/sitzungsorte/"
READERS = [Role.COMMITTEE_CLERK, Role.MANAGEMENT, Role.DEPARTMENT_HEAD, Role.COUNCIL_MEMBER]


def person_url(person: Person) -> str:
    return reverse("workflows:person_detail", args=[person.pk])


def person_data(**values: object) -> dict[str, object]:
    data: dict[str, object] = {
        "form_of_address": "Frau",
        "given_name": "Anna",
        "family_name": "Rat",
    }
    data.update(values)
    return data


def a_person(world: World, family_name: str = "Rat", **values: Any) -> Person:
    return Person.objects.create(
        body=world.body, given_name="Anna", family_name=family_name, **values
    )


def test_the_urls_are_under_gremien() -> None:
    assert reverse("workflows:person_list") == PERSONS
    assert reverse("workflows:term_list") == TERMS
    assert reverse("workflows:location_list") == LOCATIONS


def test_the_committee_list_links_the_registers(world: World, client: Client) -> None:
    logged_in(client, world.users[Role.DEPARTMENT_HEAD])

    page = client.get("/gremien/").content.decode()

    for url in (PERSONS, TERMS, LOCATIONS):
        assert f'href="{url}"' in page


# --- persons ------------------------------------------------------------------------------


def test_the_office_creates_changes_and_deletes_a_person(world: World, client: Client) -> None:
    committee = committees_build(world).main
    logged_in(client, office(world))

    created = client.post(PERSONS, person_data(title="Dr."))

    person = Person.objects.get(body=world.body, family_name="Rat")
    assert created.status_code == 302
    assert created["Location"] == person_url(person)
    assert (str(person), person.form_of_address, person.public_consent) == (
        "Dr. Anna Rat",
        "Frau",
        False,
    )
    assert client.post(PERSONS, person_data(title="Dr.")).status_code == 409
    assert Person.objects.filter(family_name="Rat").count() == 1

    changed = client.post(person_url(person), person_data(title="", public_consent="on"))
    assert changed.status_code == 302
    person.refresh_from_db()
    assert (str(person), person.public_consent) == ("Anna Rat", True)
    seat = Membership.objects.create(body=world.body, person=person, committee=committee)
    listed = client.get(PERSONS).content.decode()
    assert "Kreisausschuss (Mitglied)" in listed
    assert "erlaubt" in listed

    delete_url = reverse("workflows:person_delete", args=[person.pk])
    deleted = client.post(delete_url)
    assert deleted.status_code == 302
    person.refresh_from_db()
    seat.refresh_from_db()
    assert (person.deleted, seat.deleted) == (True, True)
    again = client.post(delete_url, follow=True)
    assert "war schon gelöscht" in again.content.decode()
    assert client.get(person_url(person)).status_code == 404
    assert person_url(person) not in client.get(PERSONS).content.decode()


def test_the_consent_is_explained_on_the_form(world: World, client: Client) -> None:
    logged_in(client, office(world))

    page = client.get(PERSONS).content.decode()

    assert "Einwilligung zur Veröffentlichung liegt vor" in page
    assert 'aria-describedby="id_public_consent-hint"' in page
    assert "Ohne Einwilligung erscheint sie dort nur als gelöschter Eintrag" in page


def test_a_person_without_family_name_is_refused_naming_it(world: World, client: Client) -> None:
    logged_in(client, office(world))

    response = client.post(PERSONS, person_data(family_name="   "))

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_family_name-error"' in page
    assert "Bitte geben Sie den Nachnamen an." in page
    assert 'value="Anna"' in page
    assert not Person.objects.exists()


def test_the_search_finds_by_name(world: World, client: Client) -> None:
    a_person(world, "Müller")
    a_person(world, "Schmidt", title="Prof.")
    logged_in(client, world.users[Role.MANAGEMENT])

    found = client.get(PERSONS, {"suche": "mül"}).content.decode()
    nothing = client.get(PERSONS, {"suche": "Meier"}).content.decode()

    assert "Müller" in found and "Schmidt" not in found
    assert "Keine Person gefunden zu „Meier“." in nothing


@pytest.mark.parametrize("role", READERS)
def test_readers_see_persons_but_may_not_write(world: World, client: Client, role: str) -> None:
    person = a_person(world)
    logged_in(client, world.users[role])

    listed = client.get(PERSONS)
    detail = client.get(person_url(person))

    assert listed.status_code == detail.status_code == 200
    assert "Anna" in listed.content.decode()
    assert "Person anlegen" not in listed.content.decode()
    assert "Person bearbeiten" not in detail.content.decode()
    refused = client.post(PERSONS, person_data(family_name="Neu"))
    assert refused.status_code == 403
    assert "Kein Zugriff" in refused.content.decode()
    assert client.post(person_url(person), person_data(family_name="Anders")).status_code == 403
    delete_url = reverse("workflows:person_delete", args=[person.pk])
    assert client.post(delete_url).status_code == 403
    person.refresh_from_db()
    assert (person.family_name, person.deleted, Person.objects.count()) == ("Rat", False, 1)


def test_another_bodys_person_is_404(world: World, client: Client) -> None:
    person = a_person(world)
    logged_in(client, other_body_user())

    assert client.get(person_url(person)).status_code == 404
    assert client.post(person_url(person), person_data(family_name="Fremd")).status_code == 404
    delete_url = reverse("workflows:person_delete", args=[person.pk])
    assert client.post(delete_url).status_code == 404
    assert "Anna" not in client.get(PERSONS).content.decode()
    person.refresh_from_db()
    assert (person.family_name, person.deleted) == ("Rat", False)


def test_the_person_list_takes_a_fixed_number_of_queries(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    committees = committees_build(world)
    logged_in(client, office(world))
    for committee in committees.all():
        person = a_person(world, committee.name)
        Membership.objects.create(body=world.body, person=person, committee=committee)
    client.get(PERSONS)  # warm up (content types, the session)

    with django_assert_num_queries(20, exact=False) as few:
        client.get(PERSONS)
    queries = len(few.captured_queries)
    assert queries > 3
    for i in range(5):
        person = a_person(world, f"Neu {i}")
        for committee in committees.all()[:2]:
            Membership.objects.create(body=world.body, person=person, committee=committee)
    with django_assert_num_queries(queries):
        page = client.get(PERSONS).content.decode()
    assert page.count('class="kern-table__row"') == 10  # the header and nine persons


# --- legislative terms --------------------------------------------------------------------


def test_the_office_creates_and_changes_a_term(world: World, client: Client) -> None:
    logged_in(client, office(world))

    created = client.post(TERMS, {"name": "2021-2026", "start_date": "2021-11-01"})

    term = LegislativeTerm.objects.get(body=world.body)
    assert created.status_code == 302
    assert (term.name, term.start_date, term.end_date) == ("2021-2026", dt.date(2021, 11, 1), None)
    again = client.post(TERMS, {"name": "2021-2026", "start_date": "2021-11-01"})
    assert again.status_code == 409
    assert "Eine Wahlperiode dieses Namens gibt es schon." in again.content.decode()
    url = reverse("workflows:term_detail", args=[term.pk])
    changed = client.post(
        url, {"name": "2021-2026", "start_date": "01.11.2021", "end_date": "31.10.2026"}
    )
    assert changed.status_code == 302
    term.refresh_from_db()
    assert term.end_date == dt.date(2026, 10, 31)
    assert "31.10.2026" in client.get(TERMS).content.decode()


def test_a_term_ending_before_it_starts_names_both_dates(world: World, client: Client) -> None:
    logged_in(client, office(world))

    response = client.post(
        TERMS, {"name": "Falsch", "start_date": "2026-11-01", "end_date": "2021-10-31"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_end_date-error"' in page
    assert "Das Ende (31.10.2021) liegt vor dem Beginn (01.11.2026) der Wahlperiode." in page
    assert not LegislativeTerm.objects.exists()


def test_a_term_without_start_or_with_a_bad_date_names_the_field(
    world: World, client: Client
) -> None:
    logged_in(client, office(world))

    no_start = client.post(TERMS, {"name": "Ohne"}).content.decode()
    bad_date = client.post(TERMS, {"name": "X", "start_date": "morgen"}).content.decode()

    assert "Bitte geben Sie „Beginn“ als Datum an." in no_start
    assert "Bitte geben Sie ein Datum wie 01.11.2026 an." in bad_date
    assert not LegislativeTerm.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_readers_see_terms_but_may_not_write(world: World, client: Client, role: str) -> None:
    term = LegislativeTerm.objects.create(
        body=world.body, name="2021-2026", start_date=dt.date(2021, 11, 1)
    )
    logged_in(client, world.users[role])
    url = reverse("workflows:term_detail", args=[term.pk])

    assert "2021-2026" in client.get(TERMS).content.decode()
    assert "Wahlperiode bearbeiten" not in client.get(url).content.decode()
    assert client.post(TERMS, {"name": "Neu", "start_date": "2026-11-01"}).status_code == 403
    assert client.post(url, {"name": "Neu", "start_date": "2026-11-01"}).status_code == 403
    assert list(LegislativeTerm.objects.values_list("name", flat=True)) == ["2021-2026"]


def test_another_bodys_term_is_404(world: World, client: Client) -> None:
    term = LegislativeTerm.objects.create(
        body=world.body, name="2021-2026", start_date=dt.date(2021, 11, 1)
    )
    logged_in(client, other_body_user())
    url = reverse("workflows:term_detail", args=[term.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Fremd", "start_date": "2021-11-01"}).status_code == 404
    assert "2021-2026" not in client.get(TERMS).content.decode()


def test_the_term_list_takes_a_fixed_number_of_queries(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    logged_in(client, office(world))
    LegislativeTerm.objects.create(body=world.body, name="T0", start_date=dt.date(2000, 1, 1))
    client.get(TERMS)

    with django_assert_num_queries(20, exact=False) as few:
        client.get(TERMS)
    for i in range(1, 6):
        LegislativeTerm.objects.create(
            body=world.body, name=f"T{i}", start_date=dt.date(2000 + i, 1, 1)
        )
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(TERMS).content.decode()
    assert page.count('class="kern-table__row"') == 7


# --- locations ----------------------------------------------------------------------------


def location_data(**values: object) -> dict[str, object]:
    data: dict[str, object] = {
        "description": "Kreishaus",
        "room": "Sitzungssaal",
        "street_address": "Markt 1",
        "postal_code": "39387",
        "locality": "Oschersleben",
    }
    data.update(values)
    return data


def test_the_office_creates_and_changes_a_location(world: World, client: Client) -> None:
    committee = committees_build(world).main
    logged_in(client, office(world))

    created = client.post(LOCATIONS, location_data())

    location = Location.objects.get(body=world.body)
    assert created.status_code == 302
    assert str(location) == "Kreishaus, Sitzungssaal"
    assert client.post(LOCATIONS, location_data()).status_code == 409
    assert Location.objects.count() == 1
    meeting = meeting_build(world, committee, days=3)
    meeting.location = location
    meeting.save()
    url = reverse("workflows:location_detail", args=[location.pk])
    assert client.post(url, location_data(room="Raum 2")).status_code == 302
    location.refresh_from_db()
    assert location.room == "Raum 2"
    listed = client.get(LOCATIONS).content.decode()
    assert "Markt 1, 39387 Oschersleben" in listed


def test_a_location_without_description_names_the_field(world: World, client: Client) -> None:
    logged_in(client, office(world))

    response = client.post(LOCATIONS, location_data(description=""))

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_description-error"' in page
    assert 'value="Markt 1"' in page
    assert not Location.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_readers_see_locations_but_may_not_write(world: World, client: Client, role: str) -> None:
    location = Location.objects.create(body=world.body, description="Kreishaus")
    logged_in(client, world.users[role])
    url = reverse("workflows:location_detail", args=[location.pk])

    assert "Kreishaus" in client.get(LOCATIONS).content.decode()
    assert "Sitzungsort bearbeiten" not in client.get(url).content.decode()
    assert client.post(LOCATIONS, location_data(description="Neu")).status_code == 403
    assert client.post(url, location_data(description="Neu")).status_code == 403
    assert list(Location.objects.values_list("description", flat=True)) == ["Kreishaus"]


def test_another_bodys_location_is_404(world: World, client: Client) -> None:
    location = Location.objects.create(body=world.body, description="Rathaus Süd")
    logged_in(client, other_body_user())
    url = reverse("workflows:location_detail", args=[location.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, location_data(description="Fremd")).status_code == 404
    assert "Rathaus Süd" not in client.get(LOCATIONS).content.decode()


def test_the_location_list_takes_a_fixed_number_of_queries(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    logged_in(client, office(world))
    Location.objects.create(body=world.body, description="Ort 0")
    client.get(LOCATIONS)

    with django_assert_num_queries(20, exact=False) as few:
        client.get(LOCATIONS)
    for i in range(1, 6):
        Location.objects.create(body=world.body, description=f"Ort {i}")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(LOCATIONS).content.decode()
    assert page.count('class="kern-table__row"') == 7
