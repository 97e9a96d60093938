"""Keyset cursor pagination for every list: exact under inserts and ties, constant cost per page.

A page is the rows after (or, going back, before) the position of the last row seen, by the
list's sort key: the fields of `ordering` (or the list's default) and the id last, so the
key is unique. The cursor carries the position's values of every key field; DRF's own
cursor keeps only the first field and counts an offset for equal values, which fails on
long runs of equal values (all agreements of one state). Empty values (NULL) sort last in
both directions.
"""

from __future__ import annotations

import json
import re
from base64 import b64decode, b64encode
from dataclasses import dataclass
from typing import Any
from urllib import parse

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import CursorPagination, _positive_int
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from .filters import ORDERING_PARAM, SortFilter


@dataclass(frozen=True)
class SortKey:
    """One field of a sort key: its model path, direction, and whether it may be empty."""

    path: str
    descending: bool
    field: models.Field[Any, Any]
    nullable: bool
    attribute: str  # the path on an instance: a foreign key as its id (`owner_id`)

    def order(self, *, backwards: bool) -> OrderBy:
        """Return the ORDER BY term; empty values last going forward, first going back."""
        descending = self.descending != backwards
        expression = F(self.path)
        if not self.nullable:  # no NULLS clause: an index scan in either direction serves it
            return expression.desc() if descending else expression.asc()
        if backwards:
            return (
                expression.desc(nulls_first=True)
                if descending
                else expression.asc(nulls_first=True)
            )
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)

    def equal(self, value: Any) -> Q:
        """Return the rows whose value equals `value`."""
        if value is None:
            return Q(**{f"{self.path}__isnull": True})
        return Q(**{self.path: value})

    def beyond(self, value: Any, *, backwards: bool) -> Q | None:
        """Return the rows strictly after `value` in paging direction (None: there are none)."""
        if value is None:  # empty values come last: nothing after them, everything else before
            return Q(**{f"{self.path}__isnull": False}) if backwards else None
        after = "lt" if self.descending != backwards else "gt"
        condition = Q(**{f"{self.path}__{after}": value})
        if self.nullable and not backwards:
            condition |= Q(**{f"{self.path}__isnull": True})
        return condition


def resolve_key(model: type[models.Model], term: str) -> SortKey:
    """Return the sort key of `term` ("-due_date", "department__code") on `model`."""
    descending = term.startswith("-")
    path = term.lstrip("-")
    nullable = False
    current: type[models.Model] = model
    field: Any = None
    for part in path.split("__"):
        field = current._meta.get_field("id" if part == "pk" else part)
        nullable = nullable or bool(field.null)
        if field.is_relation:
            current = field.related_model
    if field is None or field.many_to_many or field.one_to_many:
        raise FieldDoesNotExist(f"{model.__name__} cannot be sorted by {term!r}")
    attribute = path
    if field.is_relation:  # a foreign key sorts by the related row's id
        attribute = f"{path}_id"
        field = field.target_field
    return SortKey(
        path=path, descending=descending, field=field, nullable=nullable, attribute=attribute
    )


@dataclass(frozen=True)
class _Cursor:
    """A decoded cursor: the direction and the key values of the row it points at."""

    reverse: bool
    position: list[Any]


class ApiCursorPagination(CursorPagination):
    """Pages of 50 (1 to 100 with `page_size`), newest first unless a list says otherwise."""

    page_size = 50
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering: tuple[str, ...] = ("-id",)  # type: ignore[assignment]
    invalid_cursor_message = _("Ungültiger Cursor.")  # type: ignore[assignment]
    other_ordering_message = _(
        "Der Cursor gehört zu einer anderen Sortierung; bitte ohne Cursor neu beginnen."
    )
    invalid_page_size_message = _("Bitte genau eine ganze Zahl von 1 bis %(max)s angeben.")

    def get_page_size(self, request: Request) -> int:
        """Return the requested page size; anything but one whole number in range is a 400."""
        name = self.page_size_query_param
        values = request.query_params.getlist(name) if name else []
        if not values:
            return type(self).page_size
        value = values[0]
        # Digits only: int() would also take " 5", "+5", "5_0" and non-ASCII digits.
        if len(values) == 1 and re.fullmatch("[0-9]{1,18}", value):
            size = int(value)
            if 1 <= size <= self.max_page_size:
                return size
        raise ApiValidationError(
            {name: [self.invalid_page_size_message % {"max": self.max_page_size}]}
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def sort_keys(self, model: type[models.Model], request: Request, view: Any) -> list[SortKey]:
        """Return the list's sort key: the requested or default fields, then the id."""
        terms = list(self.ordering)
        requested = request.query_params.get(ORDERING_PARAM)
        sort = sort_filter_of(view)
        if requested and sort is not None:
            # Validated before (the filter set answers 400 for an unknown field).
            terms = sort.sort_terms(requested) or terms
        keys = [resolve_key(model, term) for term in terms]
        if not any(key.field.primary_key and "__" not in key.path for key in keys):
            keys.append(resolve_key(model, "-id" if keys[-1].descending else "id"))
        return keys

    def paginate_queryset(  # type: ignore[override]
        self, queryset: models.QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.keys = self.sort_keys(queryset.model, request, view)
        self.signature = ",".join(("-" if k.descending else "") + k.path for k in self.keys)
        cursor = self.position_cursor = self.decode_cursor(request)
        backwards = cursor is not None and cursor.reverse

        queryset = queryset.order_by(*(key.order(backwards=backwards) for key in self.keys))
        if cursor is not None:
            queryset = queryset.filter(self._beyond(cursor.position, backwards=backwards))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if backwards:
            self.page.reverse()
        # A cursor points at a row the client saw: there is something on that side.
        came_from = cursor is not None
        self.has_next = came_from if backwards else more
        self.has_previous = more if backwards else came_from
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def _beyond(self, position: list[Any], *, backwards: bool) -> Q:
        """Return the rows after `position` by the whole key (lexicographic comparison)."""
        condition = Q(pk__in=[])
        prefix = Q()
        for key, value in zip(self.keys, position, strict=True):
            step = key.beyond(value, backwards=backwards)
            if step is not None:
                condition |= prefix & step
            prefix &= key.equal(value)
        return condition

    def _position(self, row: Any) -> list[Any]:
        """Return the key values of a row (a model instance or a `values()` dict)."""
        values = []
        for key in self.keys:
            if isinstance(row, dict):
                value = row[key.path]
            else:  # lists of instances sort by their own fields (no query for a related row)
                value = row
                for part in key.attribute.split("__"):
                    value = getattr(value, part) if value is not None else None
            values.append(None if value is None else _text(value))
        return values

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return self._link(self._position(self.page[-1]), reverse=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous or not self.page:
            return None
        return self._link(self._position(self.page[0]), reverse=True)

    def _link(self, position: list[Any], *, reverse: bool) -> str:
        tokens = {"s": self.signature, "p": json.dumps(position, separators=(",", ":"))}
        if reverse:
            tokens["r"] = "1"
        encoded = b64encode(parse.urlencode(tokens).encode("ascii")).decode("ascii")
        return str(replace_query_param(self.base_url or "", self.cursor_query_param, encoded))

    def decode_cursor(self, request: Request) -> _Cursor | None:  # type: ignore[override]
        """Return the request's cursor with typed values, or None; 404 for a foreign one."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            tokens = parse.parse_qs(
                b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            )
            signature = tokens["s"][0]
            raw = json.loads(tokens["p"][0])
            reverse = bool(_positive_int(tokens.get("r", ["0"])[0], strict=False, cutoff=1))
            if signature != self.signature:
                raise NotFound(self.other_ordering_message)
            if not isinstance(raw, list) or len(raw) != len(self.keys):
                raise ValueError("position and key differ in length")
            position = [self._typed(key, value) for key, value in zip(self.keys, raw, strict=True)]
        except NotFound:
            raise
        except (KeyError, IndexError, TypeError, ValueError, ValidationError, UnicodeError):
            raise NotFound(self.invalid_cursor_message) from None
        return _Cursor(reverse=reverse, position=position)

    @staticmethod
    def _typed(key: SortKey, value: Any) -> Any:
        if value is None:
            if not key.nullable:
                raise ValueError("empty value of a field that is never empty")
            return None
        if not isinstance(value, str):
            raise ValueError("cursor values are strings")
        if "\x00" in value:  # PostgreSQL refuses NUL characters in a comparison
            raise ValueError("NUL character in a cursor value")
        typed = key.field.to_python(value)
        key.field.run_validators(typed)  # out of the database's range, too many digits
        return typed


def _text(value: Any) -> str:
    """Return a key value as the text `Field.to_python` reads back to the same value."""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def sort_filter_of(view: Any) -> SortFilter | None:
    """Return the `ordering` filter of a view's filter set, if it offers one."""
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None:
        return None
    sort = filterset_class.base_filters.get(ORDERING_PARAM)
    return sort if isinstance(sort, SortFilter) else None
