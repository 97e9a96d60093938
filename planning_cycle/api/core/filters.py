"""Filters of the core domain's lists (query parameters; all exact matches)."""

from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from planning_cycle.models import (
    Department,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    Phase,
    PlanningCycle,
    Product,
    ProductBudget,
    StrategicGoal,
    ValueKind,
)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    """An integer (an id or a year); anything else is a 400 naming the parameter."""

    field_class = forms.IntegerField


class DepartmentFilter(filters.FilterSet):
    takes_part = filters.BooleanFilter(help_text="Only departments taking part in the cycle.")
    parent = IntegerFilter(help_text="Only the children of this department (id).")

    class Meta:
        model = Department
        fields = ["takes_part", "parent"]


class CycleFilter(filters.FilterSet):
    year = IntegerFilter()
    phase = filters.ChoiceFilter(choices=Phase.choices)

    class Meta:
        model = PlanningCycle
        fields = ["year", "phase"]


class StrategicGoalFilter(filters.FilterSet):
    policy_field = IntegerFilter()
    number = filters.CharFilter()

    class Meta:
        model = StrategicGoal
        fields = ["policy_field", "number"]


class OperativeGoalFilter(filters.FilterSet):
    strategic_goal = IntegerFilter()
    department = IntegerFilter(
        field_name="departments", help_text="Only goals this department (id) leads."
    )
    number = filters.CharFilter()

    class Meta:
        model = OperativeGoal
        fields = ["strategic_goal", "department", "number"]


class MeasureFilter(filters.FilterSet):
    operative_goal = IntegerFilter()
    owner = IntegerFilter(help_text="Only measures this department (id) is responsible for.")

    class Meta:
        model = Measure
        fields = ["operative_goal", "owner"]


class IndicatorFilter(filters.FilterSet):
    strategic_goal = IntegerFilter()
    operative_goal = IntegerFilter()
    product = IntegerFilter()

    class Meta:
        model = Indicator
        fields = ["strategic_goal", "operative_goal", "product"]


class IndicatorValueFilter(filters.FilterSet):
    indicator = IntegerFilter()
    kind = filters.ChoiceFilter(choices=ValueKind.choices)
    year = IntegerFilter()

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "kind", "year"]


class ProductFilter(filters.FilterSet):
    department = IntegerFilter()
    code = filters.CharFilter()

    class Meta:
        model = Product
        fields = ["department", "code"]


class ProductBudgetFilter(filters.FilterSet):
    product = IntegerFilter()
    year = IntegerFilter()

    class Meta:
        model = ProductBudget
        fields = ["product", "year"]
