"""Serializers every workflow's API shares: references, states, content edits, transitions."""

from __future__ import annotations

import functools
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from planning_cycle.api.fields import choice_field
from planning_cycle.api.input import InputSerializer
from planning_cycle.models import (
    Department,
    OperativeGoal,
    PlanningCycle,
)
from workflows.registry import state_label, workflow_of
from workflows.services.content import TEXT_MAX_LENGTH
from workflows.services.transitions import (
    MAX_TEXT_LENGTH,
    state_field,
)


def transition_names(model: type[models.Model]) -> list[str]:
    return sorted({t.name for t in state_field(model).get_all_transitions(model)})


# ---------------------------------------------------------------------------------------
# Serializers


def state_choice_field(model: type[models.Model], key: str, **kwargs: Any) -> Any:
    """A choice field of the model's states, one named enum per use in the schema."""
    return choice_field(state_field(model).choices or [], key, **kwargs)


class DepartmentRefSerializer(serializers.Serializer[Department]):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class CycleRefSerializer(serializers.Serializer[PlanningCycle]):
    id = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class OperativeGoalRefSerializer(serializers.Serializer[OperativeGoal]):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class WorkflowSerializer(serializers.ModelSerializer[Any]):
    cycle = CycleRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    state_label = serializers.SerializerMethodField()

    def get_state_label(self, obj: models.Model) -> str:
        return state_label(type(obj), str(state_field(type(obj)).value_from_object(obj)))


def content_text_field(label: Any) -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=TEXT_MAX_LENGTH,
        label=label,
    )


class ContentUpdateSerializer(InputSerializer):
    expected_updated_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_(
            "Der Stand („updated_at“), den Sie bearbeitet haben; wurde der Inhalt inzwischen "
            "geändert, wird nichts gespeichert (409)."
        ),
    )


class TransitionOptionSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    target = serializers.CharField(read_only=True)
    target_label = serializers.CharField(read_only=True)
    comment_required = serializers.BooleanField(read_only=True)
    enabled = serializers.BooleanField(
        read_only=True, help_text=_("Kann jetzt ausgelöst werden (ggf. mit Begründung).")
    )
    blocked_by = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Was den Schritt blockiert.")
    )
    overridable = serializers.BooleanField(
        read_only=True,
        help_text=_("Blockiert, aber mit Begründung („override_reason“) trotzdem möglich."),
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_(
            "Hinweise, die den Schritt nicht blockieren (z. B. Budgetobergrenze überschritten)."
        ),
    )


class TransitionResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True, help_text=_("Das Objekt."))
    transition = serializers.CharField(read_only=True)
    source_state = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True, help_text=_("Der neue Status."))
    state_label = serializers.CharField(read_only=True)
    history_id = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Hinweise zum ausgeführten Schritt (er wurde trotzdem ausgeführt)."),
    )


def _fire_serializer(model: type[models.Model], prefix: str) -> type[serializers.Serializer[Any]]:
    """A request body of a transition, with the model's states for `expected_state`."""
    attrs: dict[str, Any] = {
        "comment": serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=MAX_TEXT_LENGTH,
            label=_("Kommentar"),
        ),
        "override_reason": serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=MAX_TEXT_LENGTH,
            label=_("Begründung für das Übergehen offener Punkte"),
        ),
        "expected_state": state_choice_field(
            model,
            f"{prefix.lower()}-expected-state",
            required=False,
            allow_null=True,
            default=None,
            help_text=_(
                "Der Status, den Sie gesehen haben; steht das Objekt inzwischen anders, "
                "wird nichts ausgelöst (409)."
            ),
        ),
    }
    return type(f"{prefix}TransitionFireSerializer", (InputSerializer,), attrs)


@functools.cache
def fire_serializer(model: type[models.Model]) -> type[serializers.Serializer[Any]]:
    """Return the request body of a workflow's transitions (one class per workflow)."""
    return _fire_serializer(model, workflow_of(model).api_name)
