"""Consultation steps: /api/v1/consultation-steps/ (schedule, unschedule, result, reopen)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.errors import DomainError
from planning_cycle.models import Committee, User
from planning_cycle.web import request_checker
from workflows.access import workflow_visible
from workflows.api.serializers import TransitionOptionSerializer
from workflows.api.transitions import transition_options
from workflows.services.transitions import CommentRequired, TransitionError

from ..models import AgendaItem, ConsultationStep, Meeting
from ..services.base import CouncilError
from ..services.papers import step_remove
from ..services.results import (
    Referral,
    agenda_item_result_record,
    step_reopen,
    step_schedule,
    step_unschedule,
)
from ..states import StepRole
from .base import CouncilViewSet, acting_user, council_problem, internal, one, transition_refusal
from .filters import StepFilter
from .inputs import ReasonSerializer, ResultRecordSerializer, ScheduleSerializer
from .serializers import ConsultationStepSerializer


def _refusal(exc: CouncilError | TransitionError, comment_field: str = "reason") -> Any:
    if isinstance(exc, CouncilError):
        return council_problem(exc)
    if isinstance(exc, CommentRequired):
        return serializers.ValidationError({comment_field: [exc.message]})
    return transition_refusal(exc)


def _referrals(user: User, rows: list[dict[str, Any]]) -> list[Referral]:
    """The committees a result refers the paper to (of the body, else a 400 naming the row)."""
    ids = [row["committee"] for row in rows]
    committees = {c.pk: c for c in Committee.objects.filter(body_id=user.body_id or 0, pk__in=ids)}
    referrals = []
    for index, row in enumerate(rows):
        committee = committees.get(row["committee"])
        if committee is None:
            raise serializers.ValidationError(
                {"referrals": {str(index): {"committee": [_("Gibt es in Ihrer Kommune nicht.")]}}}
            )
        referrals.append(
            Referral(
                committee=committee,
                role=row.get("role", StepRole.PRE_DELIBERATION),
                part=row.get("part", ""),
            )
        )
    return referrals


@extend_schema_view(
    list=extend_schema(summary="List the consultation steps of the papers you may see"),
    retrieve=extend_schema(summary="Read one consultation step (a committee's deliberation)"),
)
class ConsultationStepViewSet(CouncilViewSet):
    """Each committee's deliberation of a paper, moved on by the council services."""

    model = ConsultationStep
    queryset = ConsultationStep.objects.none()
    filterset_class = StepFilter
    response_serializer = ConsultationStepSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def visible(self) -> models.QuerySet[Any]:
        return workflow_visible(ConsultationStep, user=acting_user(self.request))

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="The step was taken out of the sequence.")},
        summary="Take a planned step that never met out of the sequence",
    )
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Take a planned step out of the sequence (kept as deleted); one that met: 409."""
        step = self.get_transition_object()
        try:
            step_remove(
                acting_user=acting_user(request), step=step, checker=request_checker(request)
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=ScheduleSerializer,
        responses=ConsultationStepSerializer,
        summary="Put the paper on the agenda of a meeting of the step's committee",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        """Put a planned step on a coming meeting's agenda (a new agenda item)."""
        step = self.get_transition_object()
        data = ScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        meeting = one(
            Meeting.objects.filter(body_id=user.body_id or 0), values["meeting"], "meeting"
        )
        try:
            step_schedule(
                acting_user=user,
                step=step,
                meeting=meeting,
                number=values.get("number", ""),
                public=values["public"],
                checker=request_checker(request),
            )
        except (CouncilError, TransitionError) as exc:
            raise _refusal(exc) from exc
        return self.answer(step)

    @extend_schema(
        request=ReasonSerializer,
        responses=ConsultationStepSerializer,
        summary="Take the paper off the agenda before the meeting",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def unschedule(self, request: Request, pk: str | None = None) -> Response:
        """Take a scheduled step off its agenda (the step is planned again); with a reason."""
        return self._with_reason(request, step_unschedule)

    @extend_schema(
        request=ResultRecordSerializer,
        responses=ConsultationStepSerializer,
        summary="Record the committee's result on the step's agenda item",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def result(self, request: Request, pk: str | None = None) -> Response:
        """Record the result, dated the meeting's day; "deferred" plans the step again.

        Only the committee's secretary (Schriftführung) records; a result already recorded
        is a 409.
        """
        step: ConsultationStep = self.get_transition_object()
        data = ResultRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        referrals = _referrals(user, values.get("referrals", []))
        item = AgendaItem.objects.filter(pk=step.agenda_item_id or 0).first()
        if item is None:
            raise DomainError(
                _("Die Vorlage steht in diesem Gremium auf keiner Tagesordnung."),
                status_code=409,
            )
        try:
            agenda_item_result_record(
                acting_user=user,
                item=item,
                result=values["result"],
                resolution_text=values.get("resolution_text", ""),
                votes_yes=values.get("votes_yes"),
                votes_no=values.get("votes_no"),
                votes_abstain=values.get("votes_abstain"),
                referrals=referrals,
                comment=values.get("comment", ""),
                checker=request_checker(request),
            )
        except (CouncilError, TransitionError) as exc:
            raise _refusal(exc, "comment") from exc
        return self.answer(step)

    @extend_schema(
        request=ReasonSerializer,
        responses=ConsultationStepSerializer,
        summary="Open a recorded result for correction (the paper's status follows)",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Open a wrongly entered result for correction; with a reason."""
        return self._with_reason(request, step_reopen)

    def _with_reason(self, request: Request, service: Callable[..., object]) -> Response:
        """Run a step service that takes a reason (unschedule, reopen) and answer the step."""
        step = self.get_transition_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            service(
                acting_user=acting_user(request),
                step=step,
                reason=data.validated_data["reason"],
                checker=request_checker(request),
            )
        except (CouncilError, TransitionError) as exc:
            raise _refusal(exc) from exc
        return self.answer(step)

    @extend_schema(
        request=None,
        responses=TransitionOptionSerializer(many=True),
        summary="List the transitions you may fire now, and what blocks the others",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        """The step's transitions this user may fire now (through the actions above)."""
        step = self.get_transition_object()
        options = [
            o
            for o in transition_options(request, step)
            if not internal(ConsultationStep, o["name"])
        ]
        return Response(TransitionOptionSerializer(options, many=True).data)
