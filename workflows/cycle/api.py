"""The planning cycle's transitions in the API: /api/v1/cycles/{id}/transitions/.

The cycles themselves are a core resource (`planning_cycle.api.core`); their phase
transitions are the cycle workflow's.
"""

from __future__ import annotations

from django.urls import URLPattern, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from planning_cycle.api.ids import ID_PATTERN
from planning_cycle.models import PlanningCycle
from workflows.api.access import IsWorkflowReader, visible_queryset
from workflows.api.serializers import (
    TransitionOptionSerializer,
    TransitionResultSerializer,
    fire_serializer,
)
from workflows.api.transitions import (
    transition_fire_response,
    transition_name_parameter,
    transition_options,
)


class CycleTransitionViewSet(viewsets.ViewSet):
    """The transitions of a planning cycle (from phase to phase)."""

    permission_classes = [IsWorkflowReader]
    pagination_class = None

    def _cycle(self) -> PlanningCycle:
        cycle = visible_queryset(PlanningCycle, self.request).filter(pk=self.kwargs["pk"]).first()
        if cycle is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        return cycle  # type: ignore[no-any-return]

    @extend_schema(
        operation_id="cycles_transitions_list",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=TransitionOptionSerializer(many=True),
        summary="List the transitions you may fire now, and what blocks the others",
    )
    def list(self, request: Request, pk: str) -> Response:
        """List the phase transitions this user may fire now, with what blocks them."""
        return Response(
            TransitionOptionSerializer(transition_options(request, self._cycle()), many=True).data
        )

    @extend_schema(
        operation_id="cycles_transitions_fire",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
            transition_name_parameter(PlanningCycle),
        ],
        request=fire_serializer(PlanningCycle),
        responses=TransitionResultSerializer,
        summary="Fire a transition through the transition service",
    )
    def fire(self, request: Request, pk: str, name: str) -> Response:
        """Move the cycle on through the transition service; answers its new phase."""
        return transition_fire_response(request, self._cycle(), name)


def register(router: DefaultRouter) -> list[URLPattern]:
    """Add the cycle's transition routes (the cycle resource is registered by the core)."""
    return [
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/transitions/$",
            CycleTransitionViewSet.as_view({"get": "list"}, basename="cycle-transition"),
            name="cycle-transition-list",
        ),
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/transitions/(?P<name>[a-z_]+)/$",
            CycleTransitionViewSet.as_view({"post": "fire"}, basename="cycle-transition"),
            name="cycle-transition-fire",
        ),
    ]
