"""Factories for the domain, built on factory-boy."""

from __future__ import annotations

import factory

from planning_cycle.models import Body, BodyKind, Department, Organisation, Role, User
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
) -> User:
    """Create a user of the body holding one role (an external one on a new organisation)."""
    user = UserFactory(body=body)
    scope: Department | Organisation | None = department
    if role == Role.EXTERNAL_STAKEHOLDER:
        scope = organisation or OrganisationFactory(body=body)
    role_assign(acting_user=SYSTEM, user=user, role=role, scope=scope)
    return user


def cycle_for(body: Body, year: int = 2026):  # type: ignore[no-untyped-def]
    """Create a cycle with reviews and plans for the body's departments."""
    return cycle_create(acting_user=SYSTEM, body=body, year=year)
