"""Every API error as problem details (RFC 9457), in the user's language.

The body is `application/problem+json`: `type`, `title`, `status`, `detail`, `instance`,
and for invalid input `errors`, one entry per field (`field` as a JSON pointer into the
request body, `message`). The domain's own errors (a refused transition, a conflict, an
invalid deadline extension) keep their status and their message.
"""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: lambda: _("Ungültige Anfrage"),
    401: lambda: _("Anmeldung erforderlich"),
    403: lambda: _("Keine Berechtigung"),
    404: lambda: _("Nicht gefunden"),
    405: lambda: _("Methode nicht erlaubt"),
    406: lambda: _("Format nicht verfügbar"),
    409: lambda: _("Konflikt"),
    415: lambda: _("Format der Anfrage nicht unterstützt"),
    422: lambda: _("Nicht möglich"),
    429: lambda: _("Zu viele Anfragen"),
    500: lambda: _("Interner Fehler"),
}


class DomainError(exceptions.APIException):
    """A service refused the request; carries the service's status and message."""

    def __init__(self, message: str, *, status_code: int, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(detail=message)
        self.status_code = status_code
        self.reasons = reasons


def problem(status_code: int, detail: str, *, instance: str = "", **extra: Any) -> dict[str, Any]:
    """Return a problem-details body."""
    title = TITLES.get(status_code)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(title()) if title else HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def _pointer_token(key: Any) -> str:
    """Return a field name as one token of a JSON pointer (RFC 6901: `~` and `/` escaped)."""
    return str(key).replace("~", "~0").replace("/", "~1")


def _field_errors(data: Any, path: str = "") -> Iterator[dict[str, str]]:
    """Flatten DRF's nested validation errors into (JSON pointer, message) entries."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("non_field_errors", "__all__"):
                yield from _field_errors(value, path)
            else:
                yield from _field_errors(value, f"{path}/{_pointer_token(key)}")
    elif isinstance(data, list):
        if all(isinstance(item, str) for item in data):
            for item in data:
                yield {"field": path or "/", "message": str(item)}
        else:
            for index, item in enumerate(data):
                yield from _field_errors(item, f"{path}/{index}")
    else:
        yield {"field": path or "/", "message": str(data)}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn any exception DRF handles into problem details."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nicht gefunden."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, (TooManyFieldsSent, RequestDataTooBig)):
        # Django refuses a form body with too many fields (or too large) while DRF reads it:
        # a 400 like any other body it cannot read, not the HTML error page.
        exc = exceptions.ParseError(_("Die Anfrage enthält zu viele Felder oder ist zu groß."))
    elif isinstance(exc, OverflowError):
        # SQLite refuses a number beyond 64 bits when binding it (PostgreSQL's range is
        # checked by Django): a number in a filter or address that is too large.
        exc = exceptions.ParseError(_("Eine Zahl in der Anfrage ist zu groß."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.path if request is not None else ""
    extra: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        detail = _("Die Eingaben sind ungültig; siehe „errors“.")
        extra["errors"] = list(_field_errors(exc.detail))
    elif isinstance(exc, DomainError):
        detail = str(exc.detail)
        if exc.reasons:
            extra["reasons"] = list(exc.reasons)
    else:
        detail = str(exc.detail) if isinstance(exc, exceptions.APIException) else str(exc)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        extra["retry_after"] = int(wait)
    response.data = problem(response.status_code, detail, instance=instance, **extra)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Answer an unknown /api/ address with problem details instead of the HTML page."""
    return JsonResponse(
        problem(
            status.HTTP_404_NOT_FOUND, _("Diese API-Adresse gibt es nicht."), instance=request.path
        ),
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
    )
