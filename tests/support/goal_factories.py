"""Factories of the goal hierarchy and a complete (defect-free) catalog of a given size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from planning_cycle.models import (
    Body,
    Department,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    PolicyField,
    Product,
    StrategicGoal,
    ValueKind,
)

from .factories import BodyFactory


def catalog_owner(body: Body) -> Department:
    """Return the department owning the factories' measures (one per body, codes apart)."""
    department, _ = Department.objects.get_or_create(
        body=body, code="FD 90", defaults={"name": "Fachdienst Zielkatalog"}
    )
    return department


class PolicyFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyField

    body = factory.SubFactory(BodyFactory)
    key = factory.Sequence(lambda n: f"pf{n}")
    name = factory.Sequence(lambda n: f"Politikfeld {n}")
    position = factory.Sequence(lambda n: n)


class StrategicGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicGoal

    body = factory.SubFactory(BodyFactory)
    policy_field = factory.SubFactory(PolicyFieldFactory, body=factory.SelfAttribute("..body"))
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Strategisches Ziel {n}")
    position = factory.Sequence(lambda n: n)


class OperativeGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperativeGoal

    body = factory.SubFactory(BodyFactory)
    strategic_goal = factory.SubFactory(StrategicGoalFactory, body=factory.SelfAttribute("..body"))
    number = factory.Sequence(lambda n: f"9.{n + 1}")
    key = factory.LazyAttribute(lambda o: o.number)
    title = factory.Sequence(lambda n: f"Operatives Ziel {n}")
    position = factory.Sequence(lambda n: n)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    body = factory.SubFactory(BodyFactory)
    code = factory.Sequence(lambda n: f"{100 + n}")
    name = factory.Sequence(lambda n: f"Produkt {n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    body = factory.SubFactory(BodyFactory)
    operative_goal = factory.SubFactory(OperativeGoalFactory, body=factory.SelfAttribute("..body"))
    key = factory.Sequence(lambda n: f"m{n}")
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    owner = factory.LazyAttribute(lambda m: catalog_owner(m.body))
    due_date = dt.date(2026, 12, 31)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    body = factory.SubFactory(BodyFactory)
    key = factory.Sequence(lambda n: f"k{n}")
    name = factory.Sequence(lambda n: f"Kennzahl {n}")
    unit = "%"


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    body = factory.SelfAttribute("indicator.body")
    indicator = factory.SubFactory(IndicatorFactory)
    year = 2026
    kind = ValueKind.TARGET
    value = Decimal("10")


def measured_indicator(**subject: object) -> Indicator:
    """Create an indicator of a subject (goal or product) with a target and an actual value."""
    indicator = IndicatorFactory(**subject)
    IndicatorValueFactory(indicator=indicator, kind=ValueKind.TARGET)
    IndicatorValueFactory(indicator=indicator, kind=ValueKind.ACTUAL, value=Decimal("8"))
    return indicator


def complete_goal(
    body: Body, strategic_goal: StrategicGoal, number: str, owner: Department
) -> OperativeGoal:
    """Create an operative goal with a measured indicator, a product and a complete measure."""
    goal = OperativeGoalFactory(body=body, strategic_goal=strategic_goal, number=number)
    measured_indicator(body=body, operative_goal=goal)
    goal.products.add(ProductFactory(body=body))
    MeasureFactory(body=body, operative_goal=goal, owner=owner)
    return goal


def complete_catalog(body: Body, size: int) -> list[StrategicGoal]:
    """Create `size` strategic goals, each with one complete operative goal: no defects."""
    owner = catalog_owner(body)
    field = PolicyFieldFactory(body=body)
    goals = []
    for i in range(1, size + 1):
        sgoal = StrategicGoalFactory(body=body, policy_field=field, number=str(i))
        complete_goal(body, sgoal, f"{i}.1", owner)
        goals.append(sgoal)
    return goals
