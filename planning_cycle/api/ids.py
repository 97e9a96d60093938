"""Ids in API paths and query parameters: bounded so that no database integer overflows."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request

# Up to 18 digits: below the largest bigint on PostgreSQL and integer on SQLite.
MAX_ID = 10**18 - 1
ID_PATTERN = "[0-9]{1,18}"


class BoundedIdMixin:
    """Answer 404 for an id in the path that is no id (letters, or too long for the database)."""

    kwargs: dict[str, Any]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        pk = self.kwargs.get("pk")
        if pk is not None and not re.fullmatch(ID_PATTERN, str(pk)):
            raise exceptions.NotFound(_("Nicht gefunden."))
