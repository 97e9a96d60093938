"""The viewset every workflow's API builds on: lists, reads, content edits, transitions."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.ids import BoundedIdMixin
from workflows.services.content import ContentError

from .access import IsWorkflowReader, visible_queryset
from .rows import list_columns, list_rows
from .transitions import content_problem


class WorkflowViewSet(
    BoundedIdMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Any],
):
    model: type[models.Model]
    permission_classes = [IsWorkflowReader]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        return visible_queryset(self.model, self.request)

    def get_transition_object(self) -> models.Model:
        """The object as its detail finds it: a draft the user may not see is not found."""
        queryset = visible_queryset(self.model, self.request)
        obj = queryset.filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        return obj  # type: ignore[no-any-return]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One page of rows read as values and shaped like the serializer's output.

        Long lists are read without model instances and DRF fields (the goal-agreement
        list is benchmarked, 100 per page): `list_rows` gives what the serializer gives.
        """
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.values(*list_columns(self.response_serializer)))
        assert page is not None  # every list is paginated
        return self.get_paginated_response(list_rows(self.response_serializer, page))

    def _update(self, request: Request, apply: Any) -> Response:
        obj = self.get_object()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            apply(obj, data.validated_data)
        except ContentError as exc:
            raise content_problem(exc) from exc
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.response_serializer(fresh).data)

    response_serializer: type[serializers.ModelSerializer[Any]]
