"""The files behind `accessUrl` and `downloadUrl`: public files of public papers only."""

from __future__ import annotations

import logging

from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.http import http_date
from django.utils.translation import gettext as _

from . import selectors
from .base import OparlError, not_found, oparl_view

logger = logging.getLogger(__name__)


def _serve(pk: int, *, download: bool) -> HttpResponseBase:
    row = selectors.files().filter(pk=pk).first()
    if row is None:
        raise not_found(f"file {pk}")
    if not row.oparl_present:  # type: ignore[attr-defined]
        # Withheld counts as deleted: 410 Gone (spec 2.7).
        raise OparlError(410, _("Diese Datei ist nicht (mehr) veröffentlicht."), f"file {pk}")
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        logger.error("stored file of PaperFile %s is missing", row.pk)
        raise not_found(f"file {pk}") from None
    response = FileResponse(
        handle, as_attachment=download, filename=row.name, content_type=row.media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Shown in the browser from our origin: no script of an uploaded document may run.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["ETag"] = f'"{row.sha256}"'
    response["Last-Modified"] = http_date(row.oparl_modified.timestamp())  # type: ignore[attr-defined]
    return response


@oparl_view
def file_access(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Hand out a public file for display (no `attachment` disposition)."""
    return _serve(pk, download=False)


@oparl_view
def file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Hand out a public file as a download under its name."""
    return _serve(pk, download=True)
