"""Stakeholder organisations and their contact people: services, CSV import, pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from planning_cycle.models import AuditEntry, Organisation, Role, RoleAssignment, User
from planning_cycle.services.organisations import (
    OrganisationError,
    OrganisationNotPermitted,
    contact_add,
    contact_remove,
    organisation_create,
    organisation_update,
    organisations_import_csv,
)
from tests.support.factories import OrganisationFactory
from tests.support.world import World, build_world

HEADER = "name;kind;email;address;contact_first_name;contact_last_name;contact_email\n"


def csv_bytes(text: str, *, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


# --- services ----------------------------------------------------------------------------


def test_strategy_unit_creates_and_updates_organisations(world: World) -> None:
    strategy = world.users[Role.STRATEGY_UNIT]
    org = organisation_create(
        acting_user=strategy, body=world.body, name="Gemeinde Edemissen", kind="municipality"
    )
    assert org.body == world.body
    with pytest.raises(OrganisationError, match="gibt es bereits"):
        organisation_create(acting_user=strategy, body=world.body, name="gemeinde edemissen")
    with pytest.raises(OrganisationError, match="Die Art „nope“ gibt es nicht"):
        organisation_update(
            acting_user=strategy, organisation=org, name="Gemeinde Edemissen", kind="nope"
        )


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.MANAGEMENT, Role.EXTERNAL_STAKEHOLDER])
def test_only_the_strategy_unit_manages_organisations(world: World, role: Role) -> None:
    with pytest.raises(OrganisationNotPermitted):
        organisation_create(acting_user=world.users[role], body=world.body, name="Träger X")


def test_contact_add_creates_a_passwordless_external_user(world: World) -> None:
    strategy = world.users[Role.STRATEGY_UNIT]
    org = OrganisationFactory(body=world.body)
    user = contact_add(
        acting_user=strategy,
        organisation=org,
        first_name="Hanna",
        last_name="Beispiel",
        email="Hanna.Beispiel@Gemeinde.example",
    )
    assert user.body == world.body
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Hanna", "Beispiel")
    (assignment,) = RoleAssignment.objects.filter(user=user)
    assert (assignment.role, assignment.organisation) == (Role.EXTERNAL_STAKEHOLDER, org)
    assert AuditEntry.objects.filter(body=world.body, action="role_assign").exists()
    # The same person for a second organisation: the same user, a second role.
    other = OrganisationFactory(body=world.body)
    again = contact_add(
        acting_user=strategy,
        organisation=other,
        first_name="Hanna",
        last_name="Beispiel",
        email="hanna.beispiel@gemeinde.example",
    )
    assert again.pk == user.pk
    assert RoleAssignment.objects.filter(user=user).count() == 2


def test_contact_add_refuses_an_email_of_another_user_of_the_body(world: World) -> None:
    head = world.users[Role.DEPARTMENT_HEAD]
    org = OrganisationFactory(body=world.body)
    with pytest.raises(OrganisationError, match="gehört bereits zu") as caught:
        contact_add(
            acting_user=world.users[Role.STRATEGY_UNIT],
            organisation=org,
            first_name="X",
            last_name="Y",
            email=head.email.upper(),
        )
    assert caught.value.field == "email"
    assert not RoleAssignment.objects.filter(organisation=org).exists()


def test_contact_remove_revokes_and_deactivates_a_user_without_roles(world: World) -> None:
    strategy = world.users[Role.STRATEGY_UNIT]
    org_a, org_b = OrganisationFactory(body=world.body), OrganisationFactory(body=world.body)
    kw = {"first_name": "A", "last_name": "B", "email": "ab@verband.example"}
    user = contact_add(acting_user=strategy, organisation=org_a, **kw)
    contact_add(acting_user=strategy, organisation=org_b, **kw)
    contact_remove(acting_user=strategy, organisation=org_a, user=user)
    user.refresh_from_db()
    assert user.is_active  # still a contact of org_b
    contact_remove(acting_user=strategy, organisation=org_b, user=user)
    user.refresh_from_db()
    assert not user.is_active
    with pytest.raises(OrganisationError, match="keine Kontaktperson"):
        contact_remove(acting_user=strategy, organisation=org_b, user=user)
    # Added again later: active again.
    assert contact_add(acting_user=strategy, organisation=org_a, **kw).is_active


# --- CSV import --------------------------------------------------------------------------


GOOD = (
    HEADER + "Gemeinde Edemissen;municipality;info@edemissen.example;Dorfstr. 1, 31234 Edemissen;"
    "Jana;Köhler;koehler@edemissen.example\n"
    + "Caritasverband Peine;welfare;;;;;\n"
    + "Gemeinde Edemissen;municipality;info@edemissen.example;;Paul;Wendt;wendt@edemissen.example\n"
)


def test_import_semicolons_with_bom_creates_and_updates(world: World) -> None:
    strategy = world.users[Role.STRATEGY_UNIT]
    existing = OrganisationFactory(body=world.body, name="Caritasverband Peine", kind="other")
    result = organisations_import_csv(
        acting_user=strategy, body=world.body, data=csv_bytes(GOOD, bom=True)
    )
    assert result.errors == []
    assert (result.created, result.updated, result.contacts) == (1, 1, 2)
    assert Organisation.objects.filter(body=world.body, name="Gemeinde Edemissen").count() == 1
    existing.refresh_from_db()
    assert existing.kind == "welfare"
    edemissen = Organisation.objects.get(body=world.body, name="Gemeinde Edemissen")
    contacts = User.objects.filter(roles__organisation=edemissen)
    assert {u.last_name for u in contacts} == {"Köhler", "Wendt"}
    # Importing again changes nothing twice: no duplicates.
    again = organisations_import_csv(acting_user=strategy, body=world.body, data=csv_bytes(GOOD))
    assert again.ok and again.created == 0
    assert Organisation.objects.filter(body=world.body).count() == 3  # + the world's own


def test_import_commas_without_bom(world: World) -> None:
    text = (
        "name,kind,email,address,contact_first_name,contact_last_name,contact_email\n"
        '"Kreishandwerkerschaft, Peine",association,,,,,\n'
    )
    result = organisations_import_csv(
        acting_user=world.users[Role.STRATEGY_UNIT], body=world.body, data=csv_bytes(text)
    )
    assert result.ok, result.errors
    assert Organisation.objects.filter(name="Kreishandwerkerschaft, Peine").exists()


def test_import_with_a_bad_row_imports_nothing_and_names_the_rows(world: World) -> None:
    before = Organisation.objects.count(), User.objects.count()
    text = (
        HEADER
        + "Gemeinde Hohenhameln;municipality;;;;;\n"
        + "Gemeinde Ilsede;municipality;;;Eva;Lange;keine-adresse\n"
        + ";welfare;;;;;\n"
        + "Stadt Peine;Stadt;;;;;\n"
    )
    result = organisations_import_csv(
        acting_user=world.users[Role.STRATEGY_UNIT], body=world.body, data=csv_bytes(text)
    )
    assert not result.ok
    assert len(result.errors) == 3
    assert result.errors[0].startswith("Zeile 3: „keine-adresse“ ist keine gültige E-Mail")
    assert result.errors[1].startswith("Zeile 4: Bitte geben Sie den Namen")
    assert result.errors[2].startswith("Zeile 5: Die Art „Stadt“ gibt es nicht")
    assert (Organisation.objects.count(), User.objects.count()) == before


def test_import_refuses_a_contact_email_of_a_staff_member_and_rolls_back(world: World) -> None:
    head = world.users[Role.DEPARTMENT_HEAD]
    text = HEADER + "Neue Organisation;other;;;;;\nWeitere;other;;;Max;Muster;" + head.email + "\n"
    result = organisations_import_csv(
        acting_user=world.users[Role.STRATEGY_UNIT], body=world.body, data=csv_bytes(text)
    )
    assert result.errors and result.errors[0].startswith("Zeile 3:")
    assert not Organisation.objects.filter(name="Neue Organisation").exists()


def test_import_refuses_a_missing_column_and_bad_encoding(world: World) -> None:
    strategy = world.users[Role.STRATEGY_UNIT]
    missing = organisations_import_csv(
        acting_user=strategy, body=world.body, data=b"name;kind\nA;other\n"
    )
    assert "fehlen die Spalten: email" in missing.errors[0]
    latin = organisations_import_csv(
        acting_user=strategy,
        body=world.body,
        data=(HEADER + "Träger;other;;;;;\n").encode("cp1252"),
    )
    assert "nicht in UTF-8" in latin.errors[0]


# --- pages -------------------------------------------------------------------------------


@pytest.fixture
def strategy_client(world: World) -> Client:
    client = Client()
    client.force_login(world.users[Role.STRATEGY_UNIT])
    return client


def test_pages_create_edit_and_add_contacts(world: World, strategy_client: Client) -> None:
    assert strategy_client.get(reverse("workflows:organisation_list")).status_code == 200
    bad = strategy_client.post(reverse("workflows:organisation_create"), {"kind": "welfare"})
    assert bad.status_code == 400
    assert "Bitte geben Sie den Namen an." in bad.content.decode()
    created = strategy_client.post(
        reverse("workflows:organisation_create"),
        {"name": "AWO Kreisverband", "kind": "welfare", "email": "", "address": ""},
    )
    org = Organisation.objects.get(body=world.body, name="AWO Kreisverband")
    assert created["Location"] == reverse("workflows:organisation_detail", args=[org.pk])
    edited = strategy_client.post(
        reverse("workflows:organisation_edit", args=[org.pk]),
        {"name": "AWO Kreisverband Peine", "kind": "welfare"},
    )
    assert edited.status_code == 302
    taken = strategy_client.post(
        reverse("workflows:contact_add", args=[org.pk]),
        {"first_name": "X", "last_name": "Y", "email": world.users[Role.MANAGEMENT].email},
    )
    assert taken.status_code == 400
    assert "gehört bereits zu" in taken.content.decode()
    assert 'value="Y"' in taken.content.decode()  # the input is kept
    added = strategy_client.post(
        reverse("workflows:contact_add", args=[org.pk]),
        {"first_name": "Lea", "last_name": "Sommer", "email": "sommer@awo.example"},
    )
    assert added.status_code == 302
    contact = User.objects.get(email="sommer@awo.example")
    detail = strategy_client.get(reverse("workflows:organisation_detail", args=[org.pk]))
    assert "Lea Sommer" in detail.content.decode()
    removed = strategy_client.post(reverse("workflows:contact_remove", args=[org.pk, contact.pk]))
    assert removed.status_code == 302
    contact.refresh_from_db()
    assert not contact.is_active


def test_import_page(world: World, strategy_client: Client) -> None:
    url = reverse("workflows:organisation_import")
    assert strategy_client.get(url).status_code == 200
    bad = strategy_client.post(
        url,
        {"file": SimpleUploadedFile("orgs.csv", csv_bytes(HEADER + "A;falsch;;;;;\n"))},
    )
    assert bad.status_code == 400
    assert "Zeile 2: Die Art „falsch“ gibt es nicht" in bad.content.decode()
    good = strategy_client.post(
        url, {"file": SimpleUploadedFile("orgs.csv", csv_bytes(GOOD, bom=True))}
    )
    assert good.status_code == 302
    assert Organisation.objects.filter(body=world.body, name="Caritasverband Peine").exists()


def test_pages_refuse_others_and_hide_other_bodies(world: World, strategy_client: Client) -> None:
    head = Client()
    head.force_login(world.users[Role.DEPARTMENT_HEAD])
    assert head.get(reverse("workflows:organisation_list")).status_code == 403
    other_world = build_world(key="andere-kommune")
    foreign = OrganisationFactory(body=other_world.body)
    url = reverse("workflows:organisation_detail", args=[foreign.pk])
    assert strategy_client.get(url).status_code == 404
