"""Factories for the domain, built on factory-boy."""

from __future__ import annotations

import factory

from planning_cycle.models import (
    Body,
    BodyKind,
    Committee,
    CommitteeKind,
    Department,
    Organisation,
    Role,
    User,
)
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.cycles import cycle_create
from planning_cycle.services.roles import role_assign


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"landkreis-{n}")
    name = factory.Sequence(lambda n: f"Landkreis {n}")
    kind = BodyKind.LANDKREIS
    state = "NI"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    body = factory.SubFactory(BodyFactory)
    code = factory.Sequence(lambda n: f"FD {10 + n}")
    name = factory.Sequence(lambda n: f"Fachdienst {n}")
    takes_part = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Gemeinde {n}")
    email = factory.Sequence(lambda n: f"gemeinde{n}@example.org")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Ausschuss {n}")
    short_name = factory.Sequence(lambda n: f"A{n}")
    kind = CommitteeKind.COMMITTEE


def council_of(body: Body) -> Committee:
    """Return the body's council (Kreistag), created on first use."""
    council, _ = Committee.objects.get_or_create(
        body=body, name="Kreistag", defaults={"short_name": "KT", "kind": CommitteeKind.COUNCIL}
    )
    return council


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    body = factory.SubFactory(BodyFactory)
    password = factory.django.Password("demo-passwort")


def user_with_role(
    body: Body,
    role: Role,
    department: Department | None = None,
    *,
    organisation: Organisation | None = None,
    committee: Committee | None = None,
) -> User:
    """Create a user of the body holding one role (an external one on a new organisation).

    A committee's secretary holds the role on the given committee, else on the council.
    """
    user = UserFactory(body=body)
    scope: Department | Organisation | Committee | None = department
    if role == Role.EXTERNAL_STAKEHOLDER:
        scope = organisation or OrganisationFactory(body=body)
    if role == Role.COMMITTEE_CLERK:
        scope = committee or council_of(body)
    role_assign(acting_user=SYSTEM, user=user, role=role, scope=scope)
    return user


def cycle_for(body: Body, year: int = 2026):  # type: ignore[no-untyped-def]
    """Create a cycle with reviews and plans for the body's departments."""
    return cycle_create(acting_user=SYSTEM, body=body, year=year)
