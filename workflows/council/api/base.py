"""What the council viewsets share: the reader gate, services' errors as problems, ids."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.errors import DomainError
from planning_cycle.api.ids import BoundedIdMixin
from planning_cycle.models import User
from workflows.api.access import IsWorkflowReader
from workflows.services.transitions import TransitionError, state_field

from ..services.base import CouncilError


def council_problem(exc: CouncilError) -> exceptions.APIException:
    """A refusal of a council service: a 400 naming the field, else its own status."""
    if exc.field and exc.status == 400:
        return serializers.ValidationError({exc.field: [exc.message]})
    if exc.status == 403:
        return exceptions.PermissionDenied(exc.message)
    if exc.status == 404:
        return exceptions.NotFound(exc.message)
    return DomainError(exc.message, status_code=exc.status)


def transition_refusal(exc: TransitionError) -> exceptions.APIException:
    """A refused transition inside a council service: its status, message and reasons."""
    if exc.status == 403:
        return exceptions.PermissionDenied(exc.message)
    return DomainError(exc.message, status_code=exc.status, reasons=exc.reasons)


def acting_user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def not_found(field: str) -> serializers.ValidationError:
    """A body naming an object the user's body does not have (or they may not see)."""
    return serializers.ValidationError({field: [_("Gibt es in Ihrer Kommune nicht.")]})


def one(queryset: models.QuerySet[Any], pk: int | None, field: str) -> Any:
    """Return the object `pk` of `queryset` (None for no id), else a 400 naming the field."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise not_found(field)
    return found


def internal(model: type[models.Model], name: str) -> bool:
    """Tell whether a transition is one the services fire themselves (not the API)."""
    for t in state_field(model).get_all_transitions(model):
        if t.name == name:
            return bool(t.custom.get("internal"))
    return False


class CouncilViewSet(
    BoundedIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Any],
):
    """A council resource of the user's body: what they may see, as instances.

    Lists are short pages of objects with a few relations, joined or prefetched: a fixed
    number of queries per page.
    """

    model: type[models.Model]
    response_serializer: type[serializers.BaseSerializer[Any]]
    permission_classes = [IsWorkflowReader]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def visible(self) -> models.QuerySet[Any]:
        """The objects of the user's body the user may see (no relations loaded)."""
        raise NotImplementedError

    def with_relations(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Join and prefetch what the serializer shows."""
        return queryset

    def get_queryset(self) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.model._default_manager.none()
        return self.with_relations(self.visible())

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return self.response_serializer

    def get_transition_object(self) -> Any:
        """The object as its detail finds it, without its relations (for an action)."""
        obj = self.visible().filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        return obj

    def answer(self, obj: models.Model, status: int = 200) -> Response:
        """Answer the object as read back through the gate (after a write)."""
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.response_serializer(fresh).data, status=status)
