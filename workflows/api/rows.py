"""List rows read as values and shaped exactly like the serializers shape one object."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from workflows.registry import fsm_field

# The rows of a list, shaped as the serializers above shape one object (asserted in tests).
_REFS: dict[str, tuple[str, ...]] = {
    "cycle": ("id", "year", "title"),
    "department": ("id", "code", "name"),
    "operative_goal": ("id", "number", "title"),
}
_DATETIME = serializers.DateTimeField()


Shape = type[serializers.ModelSerializer[Any]]


def _list_fields(serializer: Shape) -> list[str]:
    return list(serializer.Meta.fields)


def list_columns(serializer: Shape) -> list[str]:
    """Return the value columns a list reads to give what `serializer` gives."""
    columns = []
    for name in _list_fields(serializer):
        if name in _REFS:
            columns += [f"{name}__{part}" for part in _REFS[name]]
        elif name == "carried_over_from":
            columns.append("carried_over_from_id")
        elif name != "state_label":
            columns.append(name)
    return columns


def list_rows(serializer: Shape, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shape value rows of a workflow model like its serializer shapes an object."""
    model: type[models.Model] = serializer.Meta.model
    labels = {value: str(label) for value, label in fsm_field(model).choices or []}
    fields = _list_fields(serializer)
    result = []
    for row in rows:
        out: dict[str, Any] = {}
        for name in fields:
            if name in _REFS:
                out[name] = {part: row[f"{name}__{part}"] for part in _REFS[name]}
            elif name == "state_label":
                out[name] = labels.get(row["state"], row["state"])
            elif name == "carried_over_from":
                out[name] = row["carried_over_from_id"]
            elif name == "updated_at":
                out[name] = _DATETIME.to_representation(row[name])
            else:
                out[name] = row[name]
        result.append(out)
    return result
