"""Pages: files. Upload, download and removal of round documents and statement attachments.

Files are handed out only here, after the access gate: the file's statement (for an
attachment) or round (for a document) must be visible to the user, else the file does not
exist for them (404). No URL points into the private storage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from planning_cycle.models import User
from planning_cycle.web import request_checker, safe_next
from workflows.access import workflow_object
from workflows.web import object_url

from ..models import ConsultationFile, ConsultationRound, Statement
from ..services.files import FileError, file_remove, files_attach
from .common import participant_view

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]
# The name of the file input of the upload form (several files allowed).
FIELD = "dateien"


def file_visible(user: User, pk: int) -> ConsultationFile:
    """Return the file if the user may see its statement or round, else raise Http404."""
    body_id = user.body_id
    file = (
        ConsultationFile.objects.filter(body_id=body_id or 0, pk=pk)
        .select_related("round", "statement")
        .first()
    )
    if body_id is None or file is None:
        raise Http404
    if file.statement_id is not None:
        owner = workflow_object(Statement, user=user, pk=file.statement_id)
    else:
        owner = workflow_object(ConsultationRound, user=user, pk=file.round_id)
    if owner is None:
        raise Http404
    return file


@require_GET
@participant_view
def file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Hand out a stored file as a download, under its original name."""
    file = file_visible(request.user, pk)  # type: ignore[arg-type]
    try:
        handle = file.file.open("rb")
    except FileNotFoundError:
        logger.error("stored file of ConsultationFile %s is missing", file.pk)
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=file.name, content_type=file.media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Documents of a body are not for shared caches, nor kept by the browser.
    response["Cache-Control"] = "private, no-store"
    return response


def _back(request: HttpRequest, default: Callable[[], str]) -> HttpResponse:
    """Redirect to the page the form was on (`next`), else to the object's page."""
    wanted = request.POST.get("next")
    target = safe_next(request, wanted, "") or default()
    return redirect(target)


def _refused(request: HttpRequest, exc: FileError) -> None:
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    for message in exc.messages:
        messages.error(request, message)


def _attach(
    request: HttpRequest, round_: ConsultationRound, statement: Statement | None
) -> HttpResponse:
    uploads = request.FILES.getlist(FIELD)
    try:
        stored = files_attach(
            acting_user=request.user,  # type: ignore[arg-type]
            round=round_,
            statement=statement,
            uploads=uploads,
            checker=request_checker(request),
        )
    except FileError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "Die Datei %(names)s wurde gespeichert.",
                "Die Dateien %(names)s wurden gespeichert.",
                len(stored),
            )
            % {"names": ", ".join(f"„{file.name}“" for file in stored)},
        )
    return _back(request, lambda: object_url(statement or round_))


@require_POST
@participant_view
def round_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Store uploaded files as documents of a round (all or none)."""
    round_ = workflow_object(ConsultationRound, user=request.user, pk=pk)  # type: ignore[arg-type]
    if round_ is None:
        raise Http404
    assert isinstance(round_, ConsultationRound)
    return _attach(request, round_, None)


@require_POST
@participant_view
def statement_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Store uploaded files as attachments of a draft statement (all or none)."""
    statement = workflow_object(Statement, user=request.user, pk=pk)  # type: ignore[arg-type]
    if statement is None:
        raise Http404
    assert isinstance(statement, Statement)
    return _attach(request, statement.round, statement)


@require_POST
@participant_view
def file_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a document of a round or an attachment of a statement."""
    file = file_visible(request.user, pk)  # type: ignore[arg-type]
    try:
        file_remove(
            acting_user=request.user,  # type: ignore[arg-type]
            file=file,
            checker=request_checker(request),
        )
    except FileError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Die Datei „%(name)s“ wurde entfernt.") % {"name": file.name})
    return _back(request, lambda: object_url(file.statement or file.round))


urls: list[URLPattern] = [
    path("datei/<int:pk>/", file_download, name="file_download"),
    path("datei/<int:pk>/entfernen/", file_remove_view, name="file_remove"),
    path("<int:pk>/dateien/", round_file_upload, name="round_file_upload"),
    path(
        "stellungnahme/<int:pk>/dateien/",
        statement_file_upload,
        name="statement_file_upload",
    ),
]
