"""Invitations to a round: /api/v1/consultation-invitations/ and their transitions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.errors import DomainError
from planning_cycle.web import request_checker
from workflows.api.serializers import TransitionOptionSerializer, TransitionResultSerializer
from workflows.api.transitions import (
    NAME_PATTERN,
    fire_serializer,
    transition_fire_response,
    transition_options,
    transition_problem,
)
from workflows.registry import state_label
from workflows.services.transitions import TransitionError, TransitionResult, state_field

from ..models import Invitation
from ..services.statements import ExtensionDateRefused, invitation_extension_request
from .base import ConsultationViewSet, acting_user
from .filters import InvitationFilter
from .inputs import ExtensionRequestSerializer
from .serializers import InvitationSerializer

# Asking for more time needs the date: POST …/extension-request/ (not the generic step).
EXTENSION_REQUEST = "request_extension"


def _internal(name: str) -> bool:
    """Steps the engine fires itself (an invitation is answered by releasing a statement)."""
    for t in state_field(Invitation).get_all_transitions(Invitation):
        if t.name == name:
            return bool(t.custom.get("internal"))
    return False


def transition_result(result: TransitionResult) -> dict[str, Any]:
    """The answer of a fired step, as `…/transitions/{name}/` gives it."""
    log = result.log
    return TransitionResultSerializer(  # type: ignore[no-any-return]
        {
            "id": result.obj.pk,
            "transition": log.transition,
            "source_state": log.source_state,
            "state": log.target_state,
            "state_label": state_label(type(result.obj), log.target_state),
            "history_id": log.pk,
            "created_at": log.created_at,
        }
    ).data


def _names() -> list[str]:
    """The steps the API fires (the engine's own ones left out)."""
    names = {t.name for t in state_field(Invitation).get_all_transitions(Invitation)}
    return sorted(name for name in names if not _internal(name))


@extend_schema_view(
    list=extend_schema(summary="List the invitations you may see"),
    retrieve=extend_schema(summary="Read one invitation with its deadline"),
)
class InvitationViewSet(ConsultationViewSet):
    """Invitations of the user's body: all for those who run rounds, else their own."""

    model = Invitation
    queryset = Invitation.objects.none()
    filterset_class = InvitationFilter
    response_serializer = InvitationSerializer

    @extend_schema(
        request=None,
        responses=TransitionOptionSerializer(many=True),
        summary="List the transitions you may fire now, and what blocks the others",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="transitions",
        pagination_class=None,
        filter_backends=[],
    )
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        """List the transitions this user may fire now, with what blocks the others."""
        obj = self.get_transition_object()
        options = [o for o in transition_options(request, obj) if not _internal(o["name"])]
        return Response(TransitionOptionSerializer(options, many=True).data)

    @extend_schema(
        request=fire_serializer(Invitation),
        responses=TransitionResultSerializer,
        parameters=[
            OpenApiParameter(
                "name",
                str,
                OpenApiParameter.PATH,
                enum=_names(),
                description=str(
                    gettext_lazy("Der Name des Schritts, wie ihn „transitions/“ nennt.")
                ),
            )
        ],
        summary="Fire a transition through the transition service",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=NAME_PATTERN,
        pagination_class=None,
        filter_backends=[],
    )
    def fire(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        """Fire a transition through the transition service; answers the new state."""
        obj = self.get_transition_object()
        if _internal(name):
            raise DomainError(
                _("Unbekannter Schritt „%(name)s“.") % {"name": name}, status_code=404
            )
        if name == EXTENSION_REQUEST:
            data = fire_serializer(Invitation)(data=request.data)
            data.is_valid(raise_exception=True)
            raise DomainError(
                _(
                    "Eine Fristverlängerung beantragen Sie mit Datum und Begründung unter "
                    "„extension-request/“."
                ),
                status_code=422,
            )
        return transition_fire_response(request, obj, name)

    @extend_schema(
        request=ExtensionRequestSerializer,
        responses=TransitionResultSerializer,
        summary="Ask for a later deadline, with the date and a reason",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="extension-request",
        pagination_class=None,
        filter_backends=[],
    )
    def extension_request(self, request: Request, pk: str | None = None) -> Response:
        """Ask for a later deadline: the strategy unit grants or refuses it."""
        invitation = self.get_transition_object()
        data = ExtensionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = invitation_extension_request(
                acting_user=acting_user(request),
                invitation=invitation,  # type: ignore[arg-type]
                until=data.validated_data["until"],
                reason=data.validated_data["reason"],
                expected_state=data.validated_data["expected_state"],
                checker=request_checker(request),
            )
        except ExtensionDateRefused as exc:
            raise serializers.ValidationError({"until": [exc.message]}) from exc
        except TransitionError as exc:
            raise transition_problem(exc) from exc
        return Response(transition_result(result))
