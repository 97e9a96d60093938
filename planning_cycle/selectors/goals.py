"""A body's goal catalog: policy fields, strategic and operative goals and what hangs on them."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from planning_cycle.models import (
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    PolicyField,
    Product,
    StrategicGoal,
    Vision,
)


def _indicators() -> Prefetch:
    return Prefetch(
        "indicators",
        queryset=Indicator.objects.order_by("key").prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "period", "kind"))
        ),
    )


def _operative_goals() -> QuerySet[OperativeGoal]:
    return OperativeGoal.objects.order_by("position", "number").prefetch_related(
        Prefetch("measures", queryset=Measure.objects.select_related("owner").order_by("position")),
        _indicators(),
        Prefetch("products", queryset=Product.objects.order_by("code")),
        "departments",
    )


def goal_catalog(body_id: int) -> list[PolicyField]:
    """Return the body's policy fields with goals, measures, indicators and products.

    The number of queries does not depend on the catalog's size.
    """
    strategic = StrategicGoal.objects.order_by("position", "number").prefetch_related(
        Prefetch("operative_goals", queryset=_operative_goals()),
        _indicators(),
        Prefetch("products", queryset=Product.objects.order_by("code")),
    )
    return list(
        PolicyField.objects.filter(body_id=body_id)
        .select_related("vision")
        .order_by("position", "key")
        .prefetch_related(Prefetch("strategic_goals", queryset=strategic))
    )


def product_catalog(body_id: int) -> list[Product]:
    """Return the body's products with their department and indicators, ordered by code.

    The number of queries does not depend on the number of products.
    """
    return list(
        Product.objects.filter(body_id=body_id)
        .select_related("department")
        .order_by("code")
        .prefetch_related(_indicators())
    )


def visions_of_body(body_id: int) -> list[Vision]:
    """Return the body's visions (Leitbilder)."""
    return list(Vision.objects.filter(body_id=body_id).order_by("key"))


def operative_goals_of_body(body_id: int) -> QuerySet[OperativeGoal]:
    """Return the body's operative goals with everything their page shows."""
    return (
        _operative_goals()
        .filter(body_id=body_id)
        .select_related("strategic_goal__policy_field")
        .prefetch_related("products__budgets")
    )
