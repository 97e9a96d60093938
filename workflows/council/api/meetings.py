"""Meetings: /api/v1/meetings/ (with their agenda; schedule, change, invite, hold, cancel)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.pagination import ApiCursorPagination
from planning_cycle.models import Committee
from planning_cycle.web import request_checker
from workflows.access import workflow_visible
from workflows.api.transitions import transition_actions

from ..access import agenda_items_visible
from ..models import AgendaItem, LegislativeTerm, Location, Meeting
from ..services.base import CouncilError
from ..services.meetings import agenda_item_add, meeting_create, meeting_update
from .base import CouncilViewSet, acting_user, council_problem, one
from .filters import MeetingFilter
from .inputs import AgendaItemAddSerializer, MeetingUpdateSerializer, MeetingWriteSerializer
from .serializers import AgendaItemSerializer, MeetingSerializer


class MeetingPagination(ApiCursorPagination):
    """Meetings in the order they take place."""

    ordering = ("start", "id")


def _of_body(model: type[models.Model], request: Request) -> models.QuerySet[Any]:
    return model._default_manager.filter(body_id=acting_user(request).body_id or 0)


@extend_schema_view(
    list=extend_schema(summary="List the meetings of the body's committees"),
    retrieve=extend_schema(summary="Read one meeting with its agenda"),
)
class MeetingViewSet(CouncilViewSet):
    """Meetings of the body's committees with their agenda (non-public items for those allowed)."""

    model = Meeting
    queryset = Meeting.objects.none()
    filterset_class = MeetingFilter
    pagination_class = MeetingPagination
    response_serializer = MeetingSerializer

    def visible(self) -> models.QuerySet[Any]:
        return workflow_visible(Meeting, user=acting_user(self.request))

    def with_relations(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        items = agenda_items_visible(
            AgendaItem.objects.select_related("step__paper"), acting_user(self.request)
        ).order_by("position", "id")
        return queryset.select_related("committee", "term", "location").prefetch_related(
            Prefetch("agenda_items", queryset=items, to_attr="visible_items")
        )

    @extend_schema(
        request=MeetingWriteSerializer,
        responses={201: MeetingSerializer},
        summary="Schedule a meeting of a committee (council office)",
    )
    def create(self, request: Request) -> Response:
        """Schedule a meeting of a committee of the body."""
        data = MeetingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        committee: Committee = one(_of_body(Committee, request), values["committee"], "committee")
        try:
            created = meeting_create(
                acting_user=acting_user(request),
                committee=committee,
                name=values["name"],
                start=values["start"],
                end=values.get("end"),
                location=one(_of_body(Location, request), values.get("location"), "location"),
                term=one(_of_body(LegislativeTerm, request), values.get("term"), "term"),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=MeetingUpdateSerializer,
        responses=MeetingSerializer,
        summary="Change a coming meeting (fields left out stay as they are)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change a coming meeting's name, time or place (held or cancelled: 409)."""
        meeting: Meeting = self.get_transition_object()
        data = MeetingUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        location = (
            one(_of_body(Location, request), values["location"], "location")
            if "location" in values
            else meeting.location
        )
        try:
            meeting_update(
                acting_user=acting_user(request),
                meeting=meeting,
                name=values.get("name", meeting.name),
                start=values.get("start", meeting.start),
                end=values.get("end", meeting.end),
                location=location,
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(meeting)

    @extend_schema(
        request=AgendaItemAddSerializer,
        responses={201: AgendaItemSerializer},
        summary="Add an item without a paper at the end of the agenda (council office)",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="agenda-items",
        pagination_class=None,
        filter_backends=[],
    )
    def agenda_items(self, request: Request, pk: str | None = None) -> Response:
        """Add an item without a paper (Mitteilungen, Anfragen); papers come with `schedule`."""
        meeting: Meeting = self.get_transition_object()
        data = AgendaItemAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            item = agenda_item_add(
                acting_user=acting_user(request),
                meeting=meeting,
                name=values["name"],
                number=values.get("number", ""),
                public=values["public"],
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        fresh = AgendaItem.objects.select_related("step__paper").get(pk=item.pk)
        return Response(AgendaItemSerializer(fresh).data, status=status.HTTP_201_CREATED)

    transitions, fire = transition_actions(Meeting)
