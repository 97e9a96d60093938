"""Persons, legislative terms and meeting places: /api/v1/{persons,legislative-terms,locations}/.

Everyone of the body reads them; the council office (committee_manage) creates and changes
them through the council services. A deleted person is gone from the API (404) and shown
by OParl as deleted.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.pagination import ApiCursorPagination
from planning_cycle.web import request_checker

from ..models import LegislativeTerm, Location, Membership, Person
from ..services.base import CouncilError
from ..services.people import (
    legislative_term_create,
    legislative_term_update,
    location_create,
    location_update,
    person_create,
    person_delete,
    person_update,
)
from .base import CouncilViewSet, acting_user, council_problem
from .people_io import (
    LegislativeTermFilter,
    LegislativeTermSerializer,
    LegislativeTermWriteSerializer,
    LocationDetailSerializer,
    LocationFilter,
    LocationWriteSerializer,
    PersonFilter,
    PersonSerializer,
    PersonWriteSerializer,
)


def _body_id(request: Request) -> int:
    return int(acting_user(request).body_id or 0)


def _validated(serializer_class: type[Any], request: Request, *, partial: bool) -> dict[str, Any]:
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


# --- persons ------------------------------------------------------------------------------


class PersonPagination(ApiCursorPagination):
    """Persons by family name, given name, then id."""

    ordering = ("family_name", "given_name", "id")


@extend_schema_view(
    list=extend_schema(summary="List the persons of the user's body with their memberships"),
    retrieve=extend_schema(summary="Read one person with their memberships"),
)
class PersonViewSet(CouncilViewSet):
    """The persons of the body (committee members); deleted ones are not listed."""

    model = Person
    queryset = Person.objects.none()
    filterset_class = PersonFilter
    pagination_class = PersonPagination
    response_serializer = PersonSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def visible(self) -> models.QuerySet[Any]:
        return Person.objects.filter(body_id=_body_id(self.request), deleted=False)

    def with_relations(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        seats = (
            Membership.objects.filter(deleted=False)
            .select_related("committee")
            .order_by("start_date", "id")
        )
        return queryset.prefetch_related(
            Prefetch("memberships", queryset=seats, to_attr="live_memberships")
        )

    @extend_schema(
        request=PersonWriteSerializer,
        responses={201: PersonSerializer},
        summary="Create a person (council office)",
    )
    def create(self, request: Request) -> Response:
        """Create a person of the body; a namesake who is not deleted is a 409."""
        values = _validated(PersonWriteSerializer, request, partial=False)
        try:
            created = person_create(
                acting_user=acting_user(request),
                form_of_address=values.get("form_of_address", ""),
                title=values.get("title", ""),
                given_name=values.get("given_name", ""),
                family_name=values["family_name"],
                public_consent=values.get("public_consent", False),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=PersonWriteSerializer,
        responses=PersonSerializer,
        summary="Change a person (fields left out stay as they are)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change a person's name, title, form of address or consent to publication."""
        person: Person = self.get_transition_object()
        values = _validated(PersonWriteSerializer, request, partial=True)
        try:
            person_update(
                acting_user=acting_user(request),
                person=person,
                form_of_address=values.get("form_of_address", person.form_of_address),
                title=values.get("title", person.title),
                given_name=values.get("given_name", person.given_name),
                family_name=values.get("family_name", person.family_name),
                public_consent=values.get("public_consent", person.public_consent),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(person)

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="The person and their memberships ended.")},
        summary="Delete a person (kept as deleted; their memberships end)",
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Delete a person (OParl shows them as deleted) and their memberships."""
        person: Person = self.get_transition_object()
        try:
            person_delete(
                acting_user=acting_user(request), person=person, checker=request_checker(request)
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- legislative terms --------------------------------------------------------------------


class LegislativeTermPagination(ApiCursorPagination):
    """The latest term first."""

    ordering = ("-start_date", "-id")


@extend_schema_view(
    list=extend_schema(summary="List the legislative terms of the user's body"),
    retrieve=extend_schema(summary="Read one legislative term"),
)
class LegislativeTermViewSet(CouncilViewSet):
    """The body's legislative terms (Wahlperioden)."""

    model = LegislativeTerm
    queryset = LegislativeTerm.objects.none()
    filterset_class = LegislativeTermFilter
    pagination_class = LegislativeTermPagination
    response_serializer = LegislativeTermSerializer

    def visible(self) -> models.QuerySet[Any]:
        return LegislativeTerm.objects.filter(body_id=_body_id(self.request))

    @extend_schema(
        request=LegislativeTermWriteSerializer,
        responses={201: LegislativeTermSerializer},
        summary="Create a legislative term (council office)",
    )
    def create(self, request: Request) -> Response:
        """Create a term; its name is unique in the body (409), its end not before its start."""
        values = _validated(LegislativeTermWriteSerializer, request, partial=False)
        try:
            created = legislative_term_create(
                acting_user=acting_user(request),
                name=values["name"],
                start_date=values["start_date"],
                end_date=values.get("end_date"),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=LegislativeTermWriteSerializer,
        responses=LegislativeTermSerializer,
        summary="Change a legislative term (fields left out stay as they are)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change a term's name or dates."""
        term: LegislativeTerm = self.get_transition_object()
        values = _validated(LegislativeTermWriteSerializer, request, partial=True)
        try:
            legislative_term_update(
                acting_user=acting_user(request),
                term=term,
                name=values.get("name", term.name),
                start_date=values.get("start_date", term.start_date),
                end_date=values.get("end_date", term.end_date),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(term)


# --- locations ----------------------------------------------------------------------------

LOCATION_FIELDS = ("description", "room", "street_address", "postal_code", "locality")


class LocationPagination(ApiCursorPagination):
    """Places by their description, then id."""

    ordering = ("description", "id")


@extend_schema_view(
    list=extend_schema(summary="List the meeting places of the user's body"),
    retrieve=extend_schema(summary="Read one meeting place"),
)
class LocationViewSet(CouncilViewSet):
    """The body's meeting places (offered when a meeting is scheduled)."""

    model = Location
    queryset = Location.objects.none()
    filterset_class = LocationFilter
    pagination_class = LocationPagination
    response_serializer = LocationDetailSerializer

    def visible(self) -> models.QuerySet[Any]:
        return Location.objects.filter(body_id=_body_id(self.request))

    @extend_schema(
        request=LocationWriteSerializer,
        responses={201: LocationDetailSerializer},
        summary="Create a meeting place (council office)",
    )
    def create(self, request: Request) -> Response:
        """Create a meeting place; the same description and room twice is a 409."""
        values = _validated(LocationWriteSerializer, request, partial=False)
        try:
            created = location_create(
                acting_user=acting_user(request),
                checker=request_checker(request),
                **{field: values.get(field, "") for field in LOCATION_FIELDS},
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=LocationWriteSerializer,
        responses=LocationDetailSerializer,
        summary="Change a meeting place (fields left out stay as they are)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change a meeting place (its meetings show the new address)."""
        location: Location = self.get_transition_object()
        values = _validated(LocationWriteSerializer, request, partial=True)
        try:
            location_update(
                acting_user=acting_user(request),
                location=location,
                checker=request_checker(request),
                **{field: values.get(field, getattr(location, field)) for field in LOCATION_FIELDS},
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(location)
