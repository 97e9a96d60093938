"""Serializer fields every app's API shares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def choice_field(choices: Iterable[tuple[Any, Any]], key: str, **kwargs: Any) -> Any:
    """A choice field with a named enum of its own in the schema (`key` keeps it apart).

    Each use gets its own enum id: the same choices under two property names (`state`,
    `expected_state`) would otherwise make drf-spectacular guess a hashed name.
    """
    pairs = list(choices)
    schema: dict[str, Any] = {
        "type": "string",
        "enum": [value for value, _label in pairs],
        "x-spec-enum-id": key,
        "description": "\n".join(f"* `{value}` - {label}" for value, label in pairs),
    }
    if kwargs.get("allow_null"):
        schema["nullable"] = True
    field_class = extend_schema_field(schema)(
        type(f"{key.title().replace('-', '')}ChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=pairs, **kwargs)
