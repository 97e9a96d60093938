"""Transitions as API actions: what a user may fire now, and firing one through the service."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
)
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.errors import DomainError
from planning_cycle.models import User
from planning_cycle.web import request_checker
from workflows.services.content import ContentError
from workflows.services.transitions import (
    CommentRequired,
    TransitionError,
    transition_fire,
    transition_warnings,
    transitions_available,
)

from .serializers import (
    TransitionOptionSerializer,
    TransitionResultSerializer,
    fire_serializer,
    state_label,
    transition_names,
)

# ---------------------------------------------------------------------------------------
# Errors of the services as problem details


def content_problem(exc: ContentError) -> exceptions.APIException:
    if exc.field:
        return serializers.ValidationError({exc.field: [exc.message]})
    return DomainError(exc.message, status_code=exc.status)


def transition_problem(exc: TransitionError) -> exceptions.APIException:
    if isinstance(exc, CommentRequired):
        return serializers.ValidationError({"comment": [exc.message]})
    return DomainError(exc.message, status_code=exc.status, reasons=exc.reasons)


# ---------------------------------------------------------------------------------------
# Transitions, shared by the workflows' viewsets


def transition_options(request: Request, obj: models.Model) -> list[dict[str, Any]]:
    """The options of an object the user may see (found as its detail finds it)."""
    user: User = request.user  # type: ignore[assignment]
    checker = request_checker(request)
    return [
        {
            "name": o.name,
            "label": o.label,
            "target": o.target,
            "target_label": o.target_label,
            "comment_required": o.comment_required,
            "enabled": o.enabled,
            "blocked_by": list(o.blocked_by),
            "overridable": o.overridable,
            "warnings": list(transition_warnings(obj, o.name)) if o.enabled else [],
        }
        for o in transitions_available(user=user, obj=obj, checker=checker)
    ]


def transition_fire_response(request: Request, obj: models.Model, name: str) -> Response:
    model = type(obj)
    data = fire_serializer(model)(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        result = transition_fire(
            acting_user=request.user,  # type: ignore[arg-type]
            obj=obj,
            transition=name,
            comment=data.validated_data["comment"],
            override_reason=data.validated_data["override_reason"],
            expected_state=data.validated_data["expected_state"],
            checker=request_checker(request),
        )
    except TransitionError as exc:
        raise transition_problem(exc) from exc
    log = result.log
    return Response(
        TransitionResultSerializer(
            {
                "id": result.obj.pk,
                "transition": log.transition,
                "source_state": log.source_state,
                "state": log.target_state,
                "state_label": state_label(model, log.target_state),
                "history_id": log.pk,
                "created_at": log.created_at,
                "warnings": list(result.extra.get("warnings", ())),
            }
        ).data
    )


def transition_name_parameter(model: type[models.Model]) -> OpenApiParameter:
    return OpenApiParameter(
        "name",
        str,
        OpenApiParameter.PATH,
        enum=transition_names(model),
        description=str(_("Der Name des Schritts, wie ihn „transitions/“ nennt.")),
    )


NAME_PATTERN = r"transitions/(?P<name>[a-z_]+)"


def transition_actions(model: type[models.Model]) -> tuple[Any, Any]:
    """Return the two transition actions of a workflow viewset for `model`."""

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
    def transitions(self: Any, request: Request, pk: str | None = None) -> Response:
        """List the transitions this user may fire now, with what blocks the others."""
        obj = self.get_transition_object()
        options = transition_options(request, obj)
        return Response(TransitionOptionSerializer(options, many=True).data)

    @extend_schema(
        request=fire_serializer(model),
        responses=TransitionResultSerializer,
        parameters=[transition_name_parameter(model)],
        summary="Fire a transition through the transition service",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=NAME_PATTERN,
        pagination_class=None,
        filter_backends=[],
    )
    def fire(self: Any, request: Request, pk: str | None = None, name: str = "") -> Response:
        """Fire a transition through the transition service; answers the new state."""
        return transition_fire_response(request, self.get_transition_object(), name)

    return transitions, fire
