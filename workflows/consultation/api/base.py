"""What the consultation viewsets share: reading through the gate, services' errors as problems."""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models
from rest_framework import exceptions, mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.errors import DomainError
from planning_cycle.models import User
from workflows.api.views import WorkflowViewSet


class ServiceRefusal(Protocol):
    """What the consultation services' errors carry (ContentError, EvaluationError)."""

    message: str
    field: str | None
    status: int


def service_problem(exc: ServiceRefusal) -> exceptions.APIException:
    """A refusal of a write service: a 400 naming the field, else its own status."""
    if exc.field and exc.status == 400:
        return serializers.ValidationError({exc.field: [exc.message]})
    if exc.status == 403:
        return exceptions.PermissionDenied(exc.message)
    if exc.status == 404:
        return exceptions.NotFound(exc.message)
    return DomainError(exc.message, status_code=exc.status)


def acting_user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


class ConsultationViewSet(WorkflowViewSet):
    """A consultation workflow's objects the user may see (the access gate), as instances.

    The lists are short pages of objects with a few relations: read as instances with
    their relations joined or prefetched, a fixed number of queries per page.
    """

    # Relations prefetched for a page (joined ones come with the gate's `display_related`).
    prefetch: tuple[Any, ...] = ()

    def get_queryset(self) -> models.QuerySet[Any]:
        queryset = super().get_queryset()
        return queryset.prefetch_related(*self.prefetch) if self.prefetch else queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return self.response_serializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return mixins.ListModelMixin.list(self, request, *args, **kwargs)

    def answer(self, obj: models.Model, status: int = 200) -> Response:
        """Answer the object as read back through the gate (after a write)."""
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.response_serializer(fresh).data, status=status)
