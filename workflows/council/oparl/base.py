"""What every OParl object and response shares: URLs, types, dates, errors, CORS."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.db.models import Choices
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

TYPE_BASE = "https://schema.oparl.org/1.1/"
VERSION = TYPE_BASE
ERROR_TYPE = f"{TYPE_BASE}Error"

# Path segments of the objects and lists below /oparl/v1/ (urls.py builds its patterns
# from these, the serializers their URLs: one spelling for both).
SEG_BODY = "body"
SEG_ORGANIZATION = "organization"
SEG_PERSON = "person"
SEG_MEMBERSHIP = "membership"
SEG_MEETING = "meeting"
SEG_AGENDA_ITEM = "agenda-item"
SEG_PAPER = "paper"
SEG_CONSULTATION = "consultation"
SEG_FILE = "file"
SEG_TERM = "legislative-term"
SEG_LOCATION = "location"
# The lists of a body (and of an organization: meetings, consultations).
LIST_SEGMENTS = {
    "Organization": "organizations",
    "Person": "persons",
    "Membership": "memberships",
    "Meeting": "meetings",
    "AgendaItem": "agenda-items",
    "Paper": "papers",
    "Consultation": "consultations",
    "File": "files",
    "LegislativeTerm": "legislative-terms",
    "Location": "locations",
}

JsonObject = dict[str, Any]


def oparl_type(name: str) -> str:
    """Return the type URI of an OParl object type."""
    return f"{TYPE_BASE}{name}"


def iso(value: dt.datetime) -> str:
    """Return a date-time as OParl writes it: yyyy-mm-ddThh:mm:ss±hh:mm, local time."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def day(value: dt.date | None) -> str | None:
    """Return a date as yyyy-mm-dd (None stays None)."""
    return value.isoformat() if value is not None else None


@functools.cache
def _labels(choices: type[Choices], language: str | None) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


def label(choices: type[Choices], value: str) -> str:
    """Return the label of a choice in the active language (cached: a page shows thousands)."""
    return _labels(choices, translation.get_language()).get(value, value)


def compact(values: JsonObject, keep: Iterable[str] = ()) -> JsonObject:
    """Drop properties without data (None, "", []), except the mandatory ones in `keep`."""
    kept = set(keep)
    return {k: v for k, v in values.items() if k in kept or v not in (None, "", [])}


def deleted_stub(
    url: str, type_name: str, created: dt.datetime, modified: dt.datetime
) -> JsonObject:
    """Return what remains of a deleted (or withheld) object: id, type, dates, deleted."""
    return {
        "id": url,
        "type": oparl_type(type_name),
        "deleted": True,
        "created": iso(created),
        "modified": iso(modified),
    }


@dataclass(frozen=True)
class Urls:
    """The absolute URLs of one request's objects, from the root built once per request."""

    root: str
    omit_internal: bool = False

    @classmethod
    def of(cls, request: HttpRequest, omit_internal: bool = False) -> Urls:
        """Return the URL builder of a request (host and scheme as the request came)."""
        return cls(request.build_absolute_uri(reverse("oparl:system")), omit_internal)

    def obj(self, segment: str, pk: int) -> str:
        """Return the canonical URL of an object."""
        return f"{self.root}{segment}/{pk}/"

    def body_list(self, body_id: int, type_name: str) -> str:
        """Return the URL of a body's list of one type."""
        return f"{self.root}{SEG_BODY}/{body_id}/{LIST_SEGMENTS[type_name]}/"


class OparlError(Exception):
    """A request the interface answers with the OParl error object."""

    def __init__(self, status: int, message: str, debug: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.debug = debug


def json_response(data: JsonObject, status: int = 200) -> HttpResponse:
    """Return JSON in UTF-8 without escaping non-ASCII characters (spec 2.4)."""
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def error_response(status: int, message: str, debug: str = "") -> HttpResponse:
    """Return the OParl error object (spec 2.9) with an error status."""
    data: JsonObject = {"type": ERROR_TYPE, "message": message}
    if debug:
        data["debug"] = debug
    return json_response(data, status=status)


def cors(response: HttpResponseBase) -> HttpResponseBase:
    """Allow every origin to read the response (spec 2.6)."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


View = Callable[..., HttpResponseBase]


def oparl_view(view: View) -> View:
    """Answer GET/HEAD through the view, OPTIONS as a CORS preflight, errors as OParl errors."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
            response["Allow"] = "GET, HEAD, OPTIONS"
            return cors(response)
        if request.method not in ("GET", "HEAD"):
            response = error_response(
                405,
                _("Die OParl-Schnittstelle kann nur gelesen werden (GET)."),
                f"method {request.method}",
            )
            response["Allow"] = "GET, HEAD, OPTIONS"
            return cors(response)
        try:
            response = view(request, *args, **kwargs)
        except OparlError as exc:
            response = error_response(exc.status, exc.message, exc.debug)
        except Exception:
            logger.exception("OParl request %s failed", request.path)
            response = error_response(500, _("Ein interner Fehler ist aufgetreten."))
        return cors(response)

    return wrapper


def not_found(what: str = "") -> OparlError:
    """Return the error of an address that names no object."""
    return OparlError(404, _("Unter dieser Adresse gibt es kein Objekt."), what)
