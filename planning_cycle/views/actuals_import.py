"""Import indicator actuals from a file: upload, preview with errors, confirm, result.

The checked file waits in private storage under a random token the session holds (one
per session, at most an hour); confirming validates it again and writes all rows or none.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from planning_cycle.controlling.actuals_file import ACTUALS_MAX_BYTES, MEGABYTE
from planning_cycle.models import Body, User
from planning_cycle.services.actuals import (
    ActualsImport,
    Change,
    actuals_import_allowed,
    indicator_actuals_import,
)
from planning_cycle.web import body_id, member_view
from workflows.storage import private_storage

SESSION_KEY = "actuals_import"
PENDING_SECONDS = 3600
PENDING_DIR = "actuals-import"


def _pending_path(token: str) -> str:
    """Return where a checked file waits for confirmation."""
    return f"{PENDING_DIR}/{token}"


def _pending_drop(request: HttpRequest) -> None:
    """Delete the session's waiting file, if any, and any left over by expired sessions."""
    storage = private_storage()
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        storage.delete(_pending_path(pending["token"]))
    if not storage.exists(PENDING_DIR):
        return
    oldest = timezone.now() - dt.timedelta(seconds=PENDING_SECONDS)
    for name in storage.listdir(PENDING_DIR)[1]:
        path = f"{PENDING_DIR}/{name}"
        if storage.get_modified_time(path) < oldest:
            storage.delete(path)


def _user(request: HttpRequest) -> User:
    """Return the request's user (member_view ensures one is logged in)."""
    assert isinstance(request.user, User)
    return request.user


def _context(body: Body, **extra: Any) -> dict[str, Any]:
    """Return what every state of the page shows."""
    return {"nav_section": "goals", "max_mb": ACTUALS_MAX_BYTES // MEGABYTE, **extra}


@member_view
@require_http_methods(["GET", "POST"])
def actuals_import(request: HttpRequest) -> HttpResponse:
    """Show the upload form; check an uploaded file; write a confirmed one."""
    body = Body.objects.get(pk=body_id(request))
    if not actuals_import_allowed(_user(request), body):
        raise PermissionDenied
    if request.method == "GET":
        return render(request, "goals/actuals_import.html", _context(body))
    if "token" in request.POST:
        return _confirm(request, body)
    upload = request.FILES.get("file")
    if upload is None:
        return render(
            request,
            "goals/actuals_import.html",
            _context(body, file_error=_("Bitte eine CSV- oder XLSX-Datei auswählen.")),
            status=400,
        )
    if upload.size is not None and upload.size > ACTUALS_MAX_BYTES:
        file_error = _("Die Datei „%(name)s“ ist zu groß (höchstens %(max)d MB).") % {
            "name": upload.name,
            "max": ACTUALS_MAX_BYTES // MEGABYTE,
        }
        return render(
            request, "goals/actuals_import.html", _context(body, file_error=file_error), status=400
        )
    data = upload.read()
    upload.seek(0)
    result = indicator_actuals_import(
        acting_user=_user(request), body=body, file=upload, dry_run=True
    )
    _pending_drop(request)
    token = ""
    if result.valid:
        token = secrets.token_urlsafe(24)
        private_storage().save(_pending_path(token), ContentFile(data))
        request.session[SESSION_KEY] = {
            "token": token,
            "name": upload.name,
            "body": body.pk,
            "at": time.time(),
        }
    return render(
        request,
        "goals/actuals_import.html",
        _context(body, result=result, token=token, name=upload.name, **_counts(result)),
        status=200 if result.valid else 422,
    )


def _counts(result: ActualsImport) -> dict[str, int]:
    """Return the preview's counts per change."""
    return {
        "new": result.count(Change.NEW),
        "changed": result.count(Change.CHANGED),
        "unchanged": result.count(Change.UNCHANGED),
    }


def _confirm(request: HttpRequest, body: Body) -> HttpResponse:
    """Write the waiting file the token names; a stale or repeated confirm writes nothing."""
    pending = request.session.get(SESSION_KEY)
    if (
        not pending
        or not secrets.compare_digest(str(pending["token"]), request.POST.get("token", ""))
        or pending["body"] != body.pk
        or time.time() - float(pending["at"]) > PENDING_SECONDS
    ):
        messages.warning(
            request,
            _(
                "Diese Vorschau ist nicht mehr gültig (schon importiert oder abgelaufen). "
                "Bitte die Datei erneut hochladen."
            ),
        )
        return redirect("actuals_import")
    storage = private_storage()
    with storage.open(_pending_path(pending["token"]), "rb") as handle:
        handle.name = pending["name"]
        result = indicator_actuals_import(
            acting_user=_user(request),
            body=body,
            file=handle,
            dry_run=False,
        )
    _pending_drop(request)
    if not result.written:
        # The catalog changed since the preview: show the errors, nothing was written.
        return render(
            request,
            "goals/actuals_import.html",
            _context(body, result=result, token="", name=pending["name"], **_counts(result)),
            status=422,
        )
    messages.success(
        request,
        _(
            "Istwerte importiert aus „%(name)s“: %(new)d neu, %(changed)d geändert, "
            "%(unchanged)d unverändert."
        )
        % {"name": pending["name"], **_counts(result)},
    )
    return redirect("actuals_import")
