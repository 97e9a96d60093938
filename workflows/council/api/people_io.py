"""What the API of persons, legislative terms and meeting places answers, takes and filters."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from planning_cycle.api.filters import ApiFilterSet, IdFilter, SortFilter
from planning_cycle.api.input import InputSerializer

from ..models import LegislativeTerm, Location, Membership, Person
from ..services.people import (
    LOCALITY_MAX,
    LOCATION_DESCRIPTION_MAX,
    PERSON_NAME_MAX,
    PERSON_TITLE_MAX,
    POSTAL_CODE_MAX,
    ROOM_MAX,
    STREET_MAX,
    TERM_NAME_MAX,
)
from .filters import SEARCH_MAX, SearchFilter
from .inputs import text_field
from .serializers import CommitteeRefSerializer, LocationSerializer

# --- answers ------------------------------------------------------------------------------


class PersonMembershipSerializer(serializers.ModelSerializer[Membership]):
    committee = CommitteeRefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "committee", "role", "voting_right", "start_date", "end_date"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer[Person]):
    name = serializers.CharField(source="__str__", read_only=True)
    memberships = PersonMembershipSerializer(
        source="live_memberships",
        many=True,
        read_only=True,
        help_text=_("Die Mitgliedschaften in Gremien (auch beendete, ohne entfernte)."),
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "form_of_address",
            "title",
            "given_name",
            "family_name",
            "public_consent",
            "memberships",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LegislativeTermSerializer(serializers.ModelSerializer[LegislativeTerm]):
    class Meta:
        model = LegislativeTerm
        fields = ["id", "name", "start_date", "end_date", "created_at", "updated_at"]
        read_only_fields = fields


class LocationDetailSerializer(LocationSerializer):
    class Meta(LocationSerializer.Meta):
        fields = [*LocationSerializer.Meta.fields, "created_at", "updated_at"]
        read_only_fields = fields


# --- request bodies -----------------------------------------------------------------------


class PersonWriteSerializer(InputSerializer):
    """A person; on a change (PATCH) the fields left out stay as they are."""

    form_of_address = text_field(_("Anrede"), limit=PERSON_TITLE_MAX)
    title = text_field(_("Titel"), limit=PERSON_TITLE_MAX)
    given_name = text_field(_("Vorname"), limit=PERSON_NAME_MAX)
    family_name = text_field(_("Nachname"), limit=PERSON_NAME_MAX, required=True, allow_blank=False)
    public_consent = serializers.BooleanField(
        required=False,
        label=_("Veröffentlichung erlaubt"),
        help_text=_("Nur mit Einwilligung zeigt OParl Namen und Mitgliedschaften."),
    )


class LegislativeTermWriteSerializer(InputSerializer):
    name = text_field(_("Bezeichnung"), limit=TERM_NAME_MAX, required=True, allow_blank=False)
    start_date = serializers.DateField(label=_("Beginn"))
    end_date = serializers.DateField(required=False, allow_null=True, label=_("Ende"))


class LocationWriteSerializer(InputSerializer):
    description = text_field(
        _("Bezeichnung"), limit=LOCATION_DESCRIPTION_MAX, required=True, allow_blank=False
    )
    room = text_field(_("Raum"), limit=ROOM_MAX)
    street_address = text_field(_("Straße und Hausnummer"), limit=STREET_MAX)
    postal_code = text_field(_("Postleitzahl"), limit=POSTAL_CODE_MAX)
    locality = text_field(_("Ort"), limit=LOCALITY_MAX)


# --- query parameters ---------------------------------------------------------------------


def _words(queryset: QuerySet[Any], value: str, fields: tuple[str, ...]) -> QuerySet[Any]:
    for word in value.split():
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


class PersonFilter(ApiFilterSet):
    search = SearchFilter(
        method="name_search", max_length=SEARCH_MAX, label=_("Suche in Vor- und Nachname, Titel")
    )
    public_consent = django_filters.BooleanFilter(label=_("nur mit (true) / ohne Einwilligung"))
    committee = IdFilter(method="seated_in", label=_("Gremium (ID), dem die Person angehört"))
    ordering = SortFilter(
        model=Person,
        fields=(
            ("family_name", "family_name"),
            ("given_name", "given_name"),
            ("updated_at", "updated_at"),
        ),
    )

    class Meta:
        model = Person
        fields = ["public_consent"]

    def name_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _words(queryset, value, ("family_name", "given_name", "title"))

    def seated_in(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        today = timezone.localdate()
        seats = Membership.objects.filter(committee_id=value, deleted=False).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )
        return queryset.filter(pk__in=seats.values("person_id"))


class LegislativeTermFilter(ApiFilterSet):
    ordering = SortFilter(
        model=LegislativeTerm,
        fields=(("start_date", "start_date"), ("name", "name"), ("updated_at", "updated_at")),
    )

    class Meta:
        model = LegislativeTerm
        fields: list[str] = []


class LocationFilter(ApiFilterSet):
    search = SearchFilter(
        method="text_search", max_length=SEARCH_MAX, label=_("Suche in Bezeichnung, Raum und Ort")
    )
    ordering = SortFilter(
        model=Location,
        fields=(("description", "description"), ("updated_at", "updated_at")),
    )

    class Meta:
        model = Location
        fields: list[str] = []

    def text_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _words(queryset, value, ("description", "room", "locality"))
