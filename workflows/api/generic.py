"""The API of a workflow that brings no viewset of its own: list, read and transitions."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets

from planning_cycle.api.ids import BoundedIdMixin
from workflows.registry import Workflow, state_label

from .access import IsWorkflowReader, visible_queryset
from .transitions import transition_actions


def _serializer(workflow: Workflow) -> type[serializers.ModelSerializer[Any]]:
    """A read serializer of the object's id, state, state label and change stamp."""
    model = workflow.model
    state = workflow.state_field.name
    fields = ["id", state, "state_label"]
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        fields.append("updated_at")

    def get_state_label(self: Any, obj: models.Model) -> str:
        return state_label(model, getattr(obj, state))

    meta = type("Meta", (), {"model": model, "fields": fields, "read_only_fields": fields})
    attrs: dict[str, Any] = {
        "Meta": meta,
        "state_label": serializers.SerializerMethodField(),
        "get_state_label": extend_schema(responses=str)(get_state_label),
    }
    return type(f"{workflow.api_name}Serializer", (serializers.ModelSerializer,), attrs)


def generic_viewset(workflow: Workflow) -> type[viewsets.GenericViewSet[Any]]:
    """Build the read-only viewset with transition actions of a declared workflow."""
    model = workflow.model
    serializer = _serializer(workflow)
    label = str(model._meta.verbose_name_plural)

    def get_queryset(self: Any) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return model._default_manager.none()
        return visible_queryset(model, self.request).order_by("pk")

    def get_transition_object(self: Any) -> models.Model:
        obj = visible_queryset(model, self.request).filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        return obj  # type: ignore[no-any-return]

    transitions, fire = transition_actions(model)
    attrs: dict[str, Any] = {
        "__doc__": f"{label} of the user's body.",
        "workflow": workflow,
        "permission_classes": [IsWorkflowReader],
        "serializer_class": serializer,
        "queryset": model._default_manager.none(),
        "get_queryset": get_queryset,
        "get_transition_object": get_transition_object,
        "transitions": transitions,
        "fire": fire,
    }
    viewset = type(
        f"{workflow.api_name}ViewSet",
        (BoundedIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet),
        attrs,
    )
    return extend_schema_view(
        list=extend_schema(summary=f"List the {label} of the user's body"),
        retrieve=extend_schema(summary=f"Read one of the {label}"),
    )(viewset)
