"""OpenAPI extensions: token authentication, closed request bodies, non-empty `ordering`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
)
from drf_spectacular.plumbing import build_bearer_security_scheme_object

from .filters import SortFilter


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "planning_cycle.api.auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(  # type: ignore[no-any-return]
            header_name="Authorization",
            token_prefix="Bearer",
        )


class InputSerializerScheme(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    """A request body refuses fields it does not declare: `additionalProperties: false`."""

    target_class = "planning_cycle.api.input.InputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(
            self.target, direction, bypass_extensions=True
        )
        if direction == "request":
            schema["additionalProperties"] = False
        return schema


class SortFilterExtension(DjangoFilterExtension):
    """The filters of a list, where `ordering`, if given, names at least one field."""

    priority = 1  # before drf-spectacular's own extension of the same backend

    def resolve_filter_field(
        self,
        auto_schema: Any,
        model: Any,
        filterset_class: Any,
        field_name: str,
        filter_field: Any,
    ) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        if isinstance(filter_field, SortFilter):
            for parameter in parameters:
                parameter["schema"]["minItems"] = 1
        return parameters
