"""Query parameters of the council lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from planning_cycle.api.filters import ApiFilterSet, IdFilter, SortFilter
from planning_cycle.models import Committee, CommitteeKind
from workflows.api.filters import state_filter

from ..models import ConsultationStep, Meeting, Paper
from ..states import PaperType, ResolutionStatus, StepRole

SEARCH_MAX = 200
YEAR_MIN, YEAR_MAX = 1900, 9999


@extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})
class YearFilter(django_filters.NumberFilter):
    """A year; anything else is a 400 naming the parameter."""

    field_class = forms.IntegerField


# Django's form field refuses NUL characters (a 400 naming the parameter): the schema says so.
@extend_schema_field({"type": "string", "maxLength": SEARCH_MAX, "pattern": "^[^\\x00]*$"})
class SearchFilter(django_filters.CharFilter):
    """A text to look for (at most SEARCH_MAX characters, no NUL)."""


def _committee(field_name: str = "committee_id") -> IdFilter:
    return IdFilter(field_name=field_name, label=_("Gremium (ID)"))


class CommitteeFilter(ApiFilterSet):
    kind = django_filters.ChoiceFilter(choices=CommitteeKind.choices)
    ordering = SortFilter(
        model=Committee,
        fields=(("position", "position"), ("name", "name"), ("updated_at", "updated_at")),
    )

    class Meta:
        model = Committee
        fields = ["kind"]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class MeetingFilter(ApiFilterSet):
    state = state_filter(Meeting)
    committee = _committee()
    # "from" is a Python keyword: the filters are named in `Meta` and declared below.
    ordering = SortFilter(model=Meeting, fields=(("start", "start"), ("updated_at", "updated_at")))

    class Meta:
        model = Meeting
        fields = ["state", "committee"]

    def from_day(self, queryset: QuerySet[Any], name: str, value: dt.date) -> QuerySet[Any]:
        return queryset.filter(start__gte=_day_start(value))

    def to_day(self, queryset: QuerySet[Any], name: str, value: dt.date) -> QuerySet[Any]:
        return queryset.filter(start__lt=_day_start(value + dt.timedelta(days=1)))


MeetingFilter.base_filters["from"] = django_filters.DateFilter(
    method="from_day", label=_("Sitzungen ab diesem Tag")
)
MeetingFilter.base_filters["to"] = django_filters.DateFilter(
    method="to_day", label=_("Sitzungen bis zu diesem Tag (einschließlich)")
)


class PaperFilter(ApiFilterSet):
    committee = IdFilter(method="deliberated_by", label=_("Gremium (ID), das die Vorlage berät"))
    resolution_status = django_filters.ChoiceFilter(choices=ResolutionStatus.choices)
    type = django_filters.ChoiceFilter(field_name="paper_type", choices=PaperType.choices)
    year = YearFilter(
        field_name="reference_year",
        label=_("Jahr der Vorlagennummer"),
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
    )
    search = SearchFilter(
        method="text_search",
        max_length=SEARCH_MAX,
        label=_("Suche in Vorlagennummer und Betreff"),
    )
    ordering = SortFilter(
        model=Paper,
        fields=(
            ("date", "date"),
            ("reference_number", "reference_number"),
            ("updated_at", "updated_at"),
        ),
    )

    class Meta:
        model = Paper
        fields = ["resolution_status"]

    def deliberated_by(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        steps = ConsultationStep.objects.filter(committee_id=value, deleted=False)
        return queryset.filter(pk__in=steps.values("paper_id"))

    def text_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(reference__icontains=text) | Q(title__icontains=text))


class StepFilter(ApiFilterSet):
    state = state_filter(ConsultationStep)
    paper = IdFilter(field_name="paper_id", label=_("Vorlage (ID)"))
    committee = _committee()
    role = django_filters.ChoiceFilter(choices=StepRole.choices)
    ordering = SortFilter(
        model=ConsultationStep,
        fields=(("result_date", "result_date"), ("updated_at", "updated_at"), ("state", "state")),
    )

    class Meta:
        model = ConsultationStep
        fields = ["state", "paper", "committee", "role"]
