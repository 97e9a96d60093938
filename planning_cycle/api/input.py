"""Request bodies: every write refuses the fields it does not know (400 naming each one).

DRF ignores unknown fields, so a misspelt or unsupported field would do something other than
the caller meant (`sumary` would leave the summary as it is). Every serializer that reads a
request body derives from `InputSerializer`; an action without a body validates it with
`NoInputSerializer`. The schema declares these bodies with `additionalProperties: false`
(`planning_cycle.api.schema`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request

# A browser form posting to the browsable API sends the CSRF token as a field.
FORM_ONLY_FIELDS = frozenset({"csrfmiddlewaretoken"})


class InputSerializer(serializers.Serializer[Any]):
    """A request body; a field it does not list is refused (400 naming the field)."""

    def to_internal_value(self, data: Any) -> Any:
        unknown = self._unknown_errors(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                exc.detail.update(unknown)
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def _unknown_errors(self, data: Any) -> dict[str, Any]:
        """Return an error for each field of `data` that this body does not take."""
        if not isinstance(data, Mapping):
            return {}  # DRF's own error: the body must be an object
        writable = [name for name, field in self.fields.items() if not field.read_only]
        ignored = FORM_ONLY_FIELDS if isinstance(data, QueryDict) else frozenset()
        unknown = [str(name) for name in data if name not in writable and name not in ignored]
        if not unknown:
            return {}
        if writable:
            message = _("Dieses Feld gibt es hier nicht; möglich sind: %(fields)s.") % {
                "fields": ", ".join(writable)
            }
        else:
            message = _("Dieses Feld gibt es hier nicht; diese Anfrage nimmt keine Felder an.")
        return {name: [message] for name in unknown}


class NoInputSerializer(InputSerializer):
    """The body of an action that takes none: empty, or an object without fields."""


def refuse_body(request: Request) -> None:
    """Answer 400 naming each field when an action without a body is sent one."""
    NoInputSerializer(data=request.data).is_valid(raise_exception=True)
