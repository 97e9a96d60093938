"""Ids in API paths and query parameters: read by the one id parser (planning_cycle.ids)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request

from planning_cycle.ids import ID_PATTERN, MAX_ID, parse_id

__all__ = ["ID_PATTERN", "MAX_ID", "BoundedIdMixin", "parse_id"]


class BoundedIdMixin:
    """Answer 404 for an id in the path that is no id (letters, or too long for the database)."""

    kwargs: dict[str, Any]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        pk = self.kwargs.get("pk")
        if pk is not None and parse_id(str(pk)) is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
