"""Filters of the core domain's lists (query parameters: exact matches and `ordering`)."""

from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from planning_cycle.api.filters import ApiFilterSet, IdFilter, SortFilter
from planning_cycle.models import (
    Department,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    Period,
    Phase,
    PlanningCycle,
    PolicyField,
    Product,
    ProductBudget,
    StrategicGoal,
    ValueKind,
)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    """An integer (a year); anything else is a 400 naming the parameter."""

    field_class = forms.IntegerField


class DepartmentFilter(ApiFilterSet):
    takes_part = filters.BooleanFilter(help_text="Only departments taking part in the cycle.")
    parent = IdFilter(help_text="Only the children of this department (id).")
    ordering = SortFilter(model=Department, fields=("code", "name"))

    class Meta:
        model = Department
        fields = ["takes_part", "parent", "ordering"]


class CycleFilter(ApiFilterSet):
    year = IntegerFilter()
    phase = filters.ChoiceFilter(choices=Phase.choices)
    ordering = SortFilter(model=PlanningCycle, fields=("year", "created_at", "updated_at"))

    class Meta:
        model = PlanningCycle
        fields = ["year", "phase", "ordering"]


class PolicyFieldFilter(ApiFilterSet):
    ordering = SortFilter(model=PolicyField, fields=("position", "key", "name"))

    class Meta:
        model = PolicyField
        fields = ["ordering"]


class StrategicGoalFilter(ApiFilterSet):
    policy_field = IdFilter()
    number = filters.CharFilter()
    ordering = SortFilter(model=StrategicGoal, fields=("position", "number", "title"))

    class Meta:
        model = StrategicGoal
        fields = ["policy_field", "number", "ordering"]


class OperativeGoalFilter(ApiFilterSet):
    strategic_goal = IdFilter()
    department = IdFilter(
        field_name="departments", help_text="Only goals this department (id) leads."
    )
    number = filters.CharFilter()
    ordering = SortFilter(model=OperativeGoal, fields=("position", "number", "title"))

    class Meta:
        model = OperativeGoal
        fields = ["strategic_goal", "department", "number", "ordering"]


class MeasureFilter(ApiFilterSet):
    operative_goal = IdFilter()
    owner = IdFilter(help_text="Only measures this department (id) is responsible for.")
    ordering = SortFilter(model=Measure, fields=("position", "key", "title", "due_date", "cost"))

    class Meta:
        model = Measure
        fields = ["operative_goal", "owner", "ordering"]


class IndicatorFilter(ApiFilterSet):
    strategic_goal = IdFilter()
    operative_goal = IdFilter()
    product = IdFilter()
    ordering = SortFilter(model=Indicator, fields=("key", "name"))

    class Meta:
        model = Indicator
        fields = ["strategic_goal", "operative_goal", "product", "ordering"]


class IndicatorValueFilter(ApiFilterSet):
    indicator = IdFilter()
    kind = filters.ChoiceFilter(choices=ValueKind.choices)
    year = IntegerFilter()
    period = filters.ChoiceFilter(choices=Period.choices)
    ordering = SortFilter(model=IndicatorValue, fields=("year", "period", "kind", "value"))

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "kind", "year", "period", "ordering"]


# Django's form field refuses NUL characters (a 400 naming the parameter): the schema says so.
@extend_schema_field({"type": "string", "pattern": "^[^\\x00]*$"})
class CodeFilter(filters.CharFilter):
    """A product code to match exactly (no NUL)."""


class ProductFilter(ApiFilterSet):
    department = IdFilter()
    code = CodeFilter()
    ordering = SortFilter(model=Product, fields=("code", "name"))

    class Meta:
        model = Product
        fields = ["department", "code", "ordering"]


class ProductBudgetFilter(ApiFilterSet):
    product = IdFilter()
    year = IntegerFilter()
    ordering = SortFilter(model=ProductBudget, fields=("year", "amount"))

    class Meta:
        model = ProductBudget
        fields = ["product", "year", "ordering"]
