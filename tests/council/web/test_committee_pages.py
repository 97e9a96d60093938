"""The committee pages: the council office keeps committees and their members."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from planning_cycle.models import Committee, Role
from tests.council.web.support import logged_in, other_body_user
from tests.support.council import committees_build, meeting_build, office
from tests.support.world import World
from workflows.council.models import Membership, Person

pytestmark = pytest.mark.django_db

LIST = "/gremien/"


def detail_url(committee: Committee) -> str:
    return reverse("workflows:committee_detail", args=[committee.pk])


def committee_data(**values: object) -> dict[str, object]:
    data: dict[str, object] = {"name": "Bauausschuss", "short_name": "BA", "kind": "committee"}
    data.update(values)
    return data


def test_the_office_creates_renames_and_staffs_a_committee(world: World, client: Client) -> None:
    committees = committees_build(world)
    logged_in(client, office(world))
    assert reverse("workflows:committee_list") == LIST

    created = client.post(LIST, committee_data(position="4"))

    committee = Committee.objects.get(body=world.body, name="Bauausschuss")
    assert created.status_code == 302
    assert created["Location"] == detail_url(committee)
    assert (committee.short_name, committee.position) == ("BA", 4)
    again = client.post(LIST, committee_data(position="4"))
    assert again.status_code == 409
    assert Committee.objects.filter(body=world.body, name="Bauausschuss").count() == 1

    renamed = client.post(detail_url(committee), committee_data(name="Bau- und Umweltausschuss"))
    assert renamed.status_code == 302
    taken = client.post(detail_url(committee), committee_data(name=committees.main.name))
    page = taken.content.decode()
    assert taken.status_code == 409
    assert 'id="id_name-error"' in page
    assert "Ein Gremium dieses Namens gibt es schon." in page
    assert f'value="{committees.main.name}"' in page
    committee.refresh_from_db()
    assert committee.name == "Bau- und Umweltausschuss"

    add_url = reverse("workflows:committee_member_add", args=[committee.pk])
    member = {
        "mitglied-given_name": "Anna",
        "mitglied-family_name": "Rat",
        "mitglied-title": "Dr.",
        "mitglied-public_consent": "on",
        "mitglied-role": "Vorsitzende",
        "mitglied-voting_right": "on",
        "mitglied-start_date": "2024-07-01",
    }
    added = client.post(add_url, member)
    assert added.status_code == 302
    seat = Membership.objects.get(committee=committee)
    assert (str(seat.person), seat.role, seat.voting_right, seat.person.public_consent) == (
        "Dr. Anna Rat",
        "Vorsitzende",
        True,
        True,
    )
    twice = client.post(add_url, member)
    assert twice.status_code == 409
    assert (Person.objects.filter(family_name="Rat").count(), Membership.objects.count()) == (1, 1)
    chosen = {"mitglied-person": seat.person.pk, "mitglied-start_date": "2024-07-01"}
    assert client.post(add_url, chosen).status_code == 409
    assert Membership.objects.count() == 1
    listed = client.get(LIST).content.decode()
    assert "Bau- und Umweltausschuss" in listed

    remove_url = reverse("workflows:committee_member_remove", args=[committee.pk, seat.pk])
    assert client.post(remove_url).status_code == 302
    assert Membership.objects.get(pk=seat.pk).deleted
    assert client.post(remove_url).status_code == 302
    assert "Dr. Anna Rat entfernen" not in client.get(detail_url(committee)).content.decode()


def test_a_member_form_without_a_person_names_the_field(world: World, client: Client) -> None:
    committee = committees_build(world).main
    logged_in(client, office(world))

    response = client.post(
        reverse("workflows:committee_member_add", args=[committee.pk]),
        {"mitglied-role": "Schriftführer", "mitglied-given_name": "Ohne"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_mitglied-person-error"' in page
    assert 'value="Schriftführer"' in page
    assert Person.objects.count() == 0


def test_a_department_head_reads_but_cannot_post(world: World, client: Client) -> None:
    committee = committees_build(world).main
    seat = Membership.objects.create(
        body=world.body,
        person=Person.objects.create(body=world.body, given_name="B", family_name="Rat"),
        committee=committee,
    )
    meeting = meeting_build(world, committee, days=3, name="Haushaltssitzung")
    logged_in(client, world.users[Role.DEPARTMENT_HEAD])

    page = client.get(detail_url(committee)).content.decode()
    assert "B Rat" in page
    assert reverse("workflows:meeting_detail", args=[meeting.pk]) in page
    assert "Gremium bearbeiten" not in page
    assert client.post(LIST, committee_data()).status_code == 403
    assert client.post(detail_url(committee), committee_data(name="Umbenannt")).status_code == 403
    add_url = reverse("workflows:committee_member_add", args=[committee.pk])
    assert client.post(add_url, {"mitglied-family_name": "Neu"}).status_code == 403
    remove_url = reverse("workflows:committee_member_remove", args=[committee.pk, seat.pk])
    assert client.post(remove_url).status_code == 403

    assert not Committee.objects.filter(name__in=["Bauausschuss", "Umbenannt"]).exists()
    assert (Person.objects.count(), Membership.objects.filter(deleted=False).count()) == (1, 1)


def test_another_bodys_user_gets_404(world: World, client: Client) -> None:
    committee = committees_build(world).main
    logged_in(client, other_body_user())

    assert client.get(detail_url(committee)).status_code == 404
    assert client.post(detail_url(committee), committee_data(name="Fremd")).status_code == 404
    add_url = reverse("workflows:committee_member_add", args=[committee.pk])
    assert client.post(add_url, {"mitglied-family_name": "Fremd"}).status_code == 404
    assert detail_url(committee) not in client.get(LIST).content.decode()
    committee.refresh_from_db()
    assert committee.name == "Kreisausschuss"


def test_the_list_takes_a_fixed_number_of_queries(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    committees = committees_build(world)
    logged_in(client, office(world))
    for committee in committees.all():
        person = Person.objects.create(body=world.body, given_name="P", family_name=committee.name)
        Membership.objects.create(body=world.body, person=person, committee=committee)
    client.get(LIST)  # warm up (content types, the session)

    with django_assert_num_queries(20, exact=False) as few:
        client.get(LIST)
    # Counted now: the next request starts a fresh query log.
    queries = len(few.captured_queries)
    assert queries > 5
    for i in range(5):
        extra = Committee.objects.create(body=world.body, name=f"Beirat {i}", position=10 + i)
        person = Person.objects.create(body=world.body, given_name="P", family_name=f"B{i}")
        Membership.objects.create(body=world.body, person=person, committee=extra)
    with django_assert_num_queries(queries):
        page = client.get(LIST).content.decode()
    assert page.count('class="kern-table__row"') == 10  # the header and nine committees
