"""List pages: the filters of spec 2.5 (validated), `limit`, page numbers and `links`."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .base import OparlError

FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
LIMIT_DEFAULT = 100
LIMIT_MAX = 500
SECOND = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class ListQuery:
    """The validated parameters of a list request."""

    filters: dict[str, dt.datetime] = field(default_factory=dict)
    # The parameters as the client wrote them, kept in every link (spec 2.5).
    kept: dict[str, str] = field(default_factory=dict)
    limit: int = LIMIT_DEFAULT
    page: int = 1
    omit_internal: bool = False

    @property
    def with_deleted(self) -> bool:
        """Return whether deleted objects belong in the list (only with modified_since)."""
        return "modified_since" in self.filters


def _moment(name: str, raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None or "T" not in raw:
        raise OparlError(
            400,
            _(
                "Der Parameter %(name)s erwartet Datum und Uhrzeit mit Zeitzone, z. B. "
                "2024-01-31T23:59:59+01:00 (ein „+“ als %%2B kodiert)."
            )
            % {"name": name},
            f"{name}={raw!r}",
        )
    return value


def _whole(name: str, raw: str, minimum: int) -> int:
    if not raw.isdigit() or int(raw) < minimum:
        raise OparlError(
            400,
            _("Der Parameter %(name)s erwartet eine ganze Zahl ab %(minimum)s.")
            % {"name": name, "minimum": minimum},
            f"{name}={raw!r}",
        )
    return int(raw)


def list_query(request: HttpRequest) -> ListQuery:
    """Return the list parameters of the request, or raise the 400 error of a bad value."""
    params = request.GET
    filters = {n: _moment(n, params[n]) for n in FILTERS if n in params}
    kept = {n: params[n] for n in FILTERS if n in params}
    limit = LIMIT_DEFAULT
    if "limit" in params:
        limit = min(_whole("limit", params["limit"], 1), LIMIT_MAX)
        kept["limit"] = str(limit)
    omit = params.get("omit_internal", "")
    if omit not in ("", "true", "false"):
        raise OparlError(
            400,
            _("Der Parameter omit_internal erwartet true oder false."),
            f"omit_internal={omit!r}",
        )
    if omit:
        kept["omit_internal"] = omit
    page = _whole("page", params["page"], 1) if "page" in params else 1
    return ListQuery(
        filters=filters, kept=kept, limit=limit, page=page, omit_internal=omit == "true"
    )


def filtered(rows: QuerySet[Any], query: ListQuery) -> QuerySet[Any]:
    """Apply the four filters to rows annotated with `oparl_modified`.

    Dates are published to the second: `…_until` includes the whole second it names.
    """
    f = query.filters
    if "created_since" in f:
        rows = rows.filter(created_at__gte=f["created_since"])
    if "created_until" in f:
        rows = rows.filter(created_at__lt=f["created_until"].replace(microsecond=0) + SECOND)
    if "modified_since" in f:
        rows = rows.filter(oparl_modified__gte=f["modified_since"])
    if "modified_until" in f:
        until = f["modified_until"].replace(microsecond=0) + SECOND
        rows = rows.filter(oparl_modified__lt=until)
    if not query.with_deleted:
        rows = rows.filter(oparl_present=True)
    return rows


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows and the `pagination` and `links` objects."""

    rows: list[Any]
    pagination: dict[str, int]
    links: dict[str, str]


def page_of(request: HttpRequest, rows: QuerySet[Any], query: ListQuery) -> Page:
    """Return the requested page of rows in a stable order (by id), with its links."""
    total = rows.count()
    pages = max(1, math.ceil(total / query.limit))
    if query.page > pages:
        raise OparlError(
            404,
            _("Diese Liste hat nur %(pages)s Seite(n).") % {"pages": pages},
            f"page={query.page}",
        )
    start = (query.page - 1) * query.limit
    found = list(rows.order_by("pk")[start : start + query.limit])
    base = request.build_absolute_uri(request.path)

    def link(number: int) -> str:
        params = dict(query.kept)
        if number > 1:
            params["page"] = str(number)
        return f"{base}?{urlencode(sorted(params.items()))}" if params else base

    links = {"first": link(1), "self": link(query.page), "last": link(pages)}
    if query.page > 1:
        links["prev"] = link(query.page - 1)
    if query.page < pages:
        links["next"] = link(query.page + 1)
    pagination = {
        "totalElements": total,
        "elementsPerPage": query.limit,
        "currentPage": query.page,
        "totalPages": pages,
    }
    return Page(rows=found, pagination=pagination, links=links)
