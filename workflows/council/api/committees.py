"""Committees: /api/v1/committees/ (read; create and change for the council office)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.pagination import ApiCursorPagination
from planning_cycle.models import Committee, CommitteeKind
from planning_cycle.web import request_checker

from ..models import Membership
from ..services.base import CouncilError
from ..services.committees import committee_create, committee_update
from .base import CouncilViewSet, acting_user, council_problem
from .filters import CommitteeFilter
from .inputs import CommitteeWriteSerializer
from .serializers import CommitteeSerializer


class CommitteePagination(ApiCursorPagination):
    """Committees in their order (the council first), then by id."""

    ordering = ("position", "id")


@extend_schema_view(
    list=extend_schema(summary="List the committees of the user's body with their members"),
    retrieve=extend_schema(summary="Read one committee with its members"),
)
class CommitteeViewSet(CouncilViewSet):
    """Committees (council, main committee, committees, advisory boards) of the body."""

    model = Committee
    queryset = Committee.objects.none()
    filterset_class = CommitteeFilter
    pagination_class = CommitteePagination
    response_serializer = CommitteeSerializer

    def visible(self) -> models.QuerySet[Any]:
        return Committee.objects.filter(body_id=acting_user(self.request).body_id or 0)

    def with_relations(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        members = Membership.objects.filter(deleted=False, person__deleted=False).select_related(
            "person"
        )
        return queryset.prefetch_related(
            Prefetch("memberships", queryset=members.order_by("id"), to_attr="current_members")
        )

    @extend_schema(
        request=CommitteeWriteSerializer,
        responses={201: CommitteeSerializer},
        summary="Create a committee (council office)",
    )
    def create(self, request: Request) -> Response:
        """Create a committee of the body; its name is unique in the body (409)."""
        data = CommitteeWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            created = committee_create(
                acting_user=acting_user(request),
                name=values["name"],
                kind=values.get("kind", CommitteeKind.COMMITTEE),
                short_name=values.get("short_name", ""),
                start_date=values.get("start_date"),
                end_date=values.get("end_date"),
                position=values.get("position", 0),
                website=values.get("website", ""),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=CommitteeWriteSerializer,
        responses=CommitteeSerializer,
        summary="Change a committee (fields left out stay as they are)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change a committee's name, kind, dates, position or website."""
        committee: Committee = self.get_transition_object()
        data = CommitteeWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        try:
            committee_update(
                acting_user=acting_user(request),
                committee=committee,
                name=values.get("name", committee.name),
                kind=values.get("kind", committee.kind),
                short_name=values.get("short_name", committee.short_name),
                start_date=values.get("start_date", committee.start_date),
                end_date=values.get("end_date", committee.end_date),
                position=values.get("position", committee.position),
                website=values.get("website", committee.website),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(committee)
