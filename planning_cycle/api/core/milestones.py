"""A cycle's milestones through the API: add one, mark one done, remove one (management)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.services.milestones import (
    MilestoneNotPermitted,
    MilestoneTaken,
    milestone_add,
    milestone_done,
    milestone_remove,
)
from planning_cycle.api.auth import IsBodyMember
from planning_cycle.api.errors import DomainError
from planning_cycle.api.ids import parse_id
from planning_cycle.api.input import refuse_body
from planning_cycle.models import CycleMilestone, PlanningCycle, User
from planning_cycle.selectors.cycles import cycles_of_body
from planning_cycle.services.calendar import CalendarError

from .serializers import MilestoneInputSerializer, MilestoneSerializer
from .views import NotExternalOnly, user_body_id

CYCLE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
MILESTONE_ID = OpenApiParameter("milestone", OpenApiTypes.INT, OpenApiParameter.PATH)


def _not_found() -> exceptions.NotFound:
    return exceptions.NotFound(_("Nicht gefunden."))


class _MilestoneBase(APIView):
    permission_classes = [IsBodyMember, NotExternalOnly]

    def _cycle(self, request: Request, pk: str) -> PlanningCycle:
        parsed = parse_id(str(pk))
        cycle = (
            None
            if parsed is None
            else cycles_of_body(user_body_id(request)).filter(pk=parsed).first()
        )
        if cycle is None:
            raise _not_found()
        return cycle

    def _milestone(self, request: Request, pk: str, milestone: str) -> CycleMilestone:
        cycle = self._cycle(request, pk)
        parsed = parse_id(str(milestone))
        found = (
            None
            if parsed is None
            else CycleMilestone.objects.select_related("cycle", "body")
            .filter(pk=parsed, cycle_id=cycle.pk)
            .first()
        )
        if found is None:
            raise _not_found()
        return found

    def _user(self, request: Request) -> User:
        return request.user  # type: ignore[return-value]


class CycleMilestonesView(_MilestoneBase):
    """Add a milestone to a cycle."""

    @extend_schema(
        operation_id="cycles_milestones_create",
        parameters=[CYCLE_ID],
        request=MilestoneInputSerializer,
        responses={201: MilestoneSerializer},
        summary="Add a milestone to a cycle (management)",
        tags=["cycles"],
    )
    def post(self, request: Request, pk: str) -> Response:
        """Add a milestone and open its task; the rules of the cycle's calendar apply.

        400 names what is wrong (e.g. a date outside the cycle); 409 when the cycle has a
        milestone of that title on that date; 403 for anyone but management.
        """
        cycle = self._cycle(request, pk)
        data = MilestoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            milestone = milestone_add(
                acting_user=self._user(request),
                cycle=cycle,
                title=values["title"],
                kind=values["kind"],
                due_date=values["due_date"],
                audience=values["responsible"],
                phase=values.get("phase") or "",
            )
        except MilestoneNotPermitted as exc:
            raise DomainError(str(exc), status_code=status.HTTP_403_FORBIDDEN) from exc
        except MilestoneTaken as exc:
            raise DomainError(exc.message, status_code=status.HTTP_409_CONFLICT) from exc
        except CalendarError as exc:
            raise serializers.ValidationError([exc.message]) from exc
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class CycleMilestoneView(_MilestoneBase):
    """Remove a milestone that is not done."""

    @extend_schema(
        operation_id="cycles_milestones_destroy",
        parameters=[CYCLE_ID, MILESTONE_ID],
        request=None,
        responses={204: OpenApiResponse(description="Removed")},
        summary="Remove a milestone that is not done (management)",
        tags=["cycles"],
    )
    def delete(self, request: Request, pk: str, milestone: str) -> Response:
        """Remove the milestone and cancel its open task; 409 when it is done."""
        found = self._milestone(request, pk, milestone)
        try:
            milestone_remove(acting_user=self._user(request), milestone=found)
        except MilestoneNotPermitted as exc:
            raise DomainError(str(exc), status_code=status.HTTP_403_FORBIDDEN) from exc
        except CalendarError as exc:
            raise DomainError(exc.message, status_code=status.HTTP_409_CONFLICT) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class CycleMilestoneDoneView(_MilestoneBase):
    """Mark a milestone done."""

    @extend_schema(
        operation_id="cycles_milestones_done",
        parameters=[CYCLE_ID, MILESTONE_ID],
        request=None,
        responses={200: MilestoneSerializer},
        summary="Mark a milestone done (management)",
        tags=["cycles"],
    )
    def post(self, request: Request, pk: str, milestone: str) -> Response:
        """Mark the milestone done and close its task (no more reminders); idempotent."""
        found = self._milestone(request, pk, milestone)
        refuse_body(request)
        try:
            done = milestone_done(acting_user=self._user(request), milestone=found)
        except MilestoneNotPermitted as exc:
            raise DomainError(str(exc), status_code=status.HTTP_403_FORBIDDEN) from exc
        return Response(MilestoneSerializer(done).data)
