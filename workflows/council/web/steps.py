"""Pages: the council office's actions on a paper's sequence and its files.

Each action posts one small form of the paper's page; a refusal shows the page again with
the message at the form's field and the input kept (with the refusal's status).
"""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from planning_cycle.web import member_view, request_checker
from workflows.services.transitions import TransitionError

from ..models import ConsultationStep, Paper, PaperFile
from ..services.base import CouncilError
from ..services.files import paper_file_remove, paper_files_attach
from ..services.papers import step_add, step_remove
from ..services.results import step_reopen, step_schedule, step_unschedule
from .common import (
    form_error,
    papers_for,
    refusal,
    request_user,
    require_manage,
    sees_nonpublic_of,
    visible_paper,
    visible_step,
)
from .forms import FileForm, ReasonForm, ScheduleForm, StepAddForm
from .paper_page import detail_page
from .queries import schedulable

logger = logging.getLogger(__name__)
FILES_FIELD = "dateien"


def _to_step(step: ConsultationStep) -> HttpResponse:
    url = reverse("workflows:paper_detail", args=[step.paper_id])
    return redirect(f"{url}#beratung-{step.pk}")


def _again(
    request: HttpRequest,
    paper: Paper,
    key: str,
    form: forms.Form,
    exc: CouncilError | TransitionError,
) -> HttpResponse:
    status = form_error(form, exc)
    return detail_page(request, paper, bound={key: form}, status=status)


@member_view
def step_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Lead to the step on its paper's page."""
    return _to_step(visible_step(request, pk))


@require_POST
@member_view
def step_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a committee to the end of the paper's sequence."""
    paper = visible_paper(request, pk)
    require_manage(request, paper)
    form = StepAddForm(request.POST, body_id=paper.body_id, prefix="add")
    if not form.is_valid():
        return detail_page(request, paper, bound={"add": form}, status=400)
    data = form.cleaned_data
    try:
        step = step_add(
            acting_user=request_user(request),
            paper=paper,
            committee=data["committee"],
            role=data["role"],
            part=data["part"],
            checker=request_checker(request),
        )
    except CouncilError as exc:
        return _again(request, paper, "add", form, exc)
    messages.success(request, _("%(step)s wurde der Beratungsfolge hinzugefügt.") % {"step": step})
    return _to_step(step)


@require_POST
@member_view
def step_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a planned step out of the sequence."""
    step = visible_step(request, pk)
    require_manage(request, step)
    try:
        step_remove(acting_user=request_user(request), step=step, checker=request_checker(request))
    except CouncilError as exc:
        message, _field, status = refusal(exc)
        return detail_page(request, step.paper, error=message, status=status)
    messages.success(request, _("%(step)s wurde aus der Beratungsfolge genommen.") % {"step": step})
    return redirect("workflows:paper_detail", pk=step.paper_id)


@require_POST
@member_view
def step_schedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a planned step on the agenda of a coming meeting of its committee."""
    step = visible_step(request, pk)
    require_manage(request, step)
    key = f"schedule-{step.pk}"
    form = ScheduleForm(request.POST, meetings=schedulable(step), prefix=key)
    if not form.is_valid():
        return detail_page(request, step.paper, bound={key: form}, status=400)
    meeting = form.cleaned_data["meeting"]
    try:
        step_schedule(
            acting_user=request_user(request),
            step=step,
            meeting=meeting,
            checker=request_checker(request),
        )
    except (CouncilError, TransitionError) as exc:
        return _again(request, step.paper, key, form, exc)
    messages.success(
        request,
        _("Die Vorlage steht auf der Tagesordnung: %(meeting)s.") % {"meeting": meeting},
    )
    return _to_step(step)


def _with_reason(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    step = visible_step(request, pk)
    require_manage(request, step)
    key = f"reason-{step.pk}"
    form = ReasonForm(request.POST, prefix=key)
    if not form.is_valid():
        return detail_page(request, step.paper, bound={key: form}, status=400)
    service = step_unschedule if action == "unschedule" else step_reopen
    try:
        service(
            acting_user=request_user(request),
            step=step,
            reason=form.cleaned_data["reason"],
            checker=request_checker(request),
        )
    except (CouncilError, TransitionError) as exc:
        return _again(request, step.paper, key, form, exc)
    if action == "unschedule":
        text = _("%(step)s wurde von der Tagesordnung genommen.")
    else:
        text = _("Das Ergebnis von %(step)s ist zur Korrektur geöffnet.")
    messages.success(request, text % {"step": step})
    return _to_step(step)


@require_POST
@member_view
def step_unschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a step off its meeting's agenda (with a reason)."""
    return _with_reason(request, pk, "unschedule")


@require_POST
@member_view
def step_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a recorded result for correction (with a reason)."""
    return _with_reason(request, pk, "reopen")


# --- files -------------------------------------------------------------------------------


@require_POST
@member_view
def paper_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Store the main file or attachments of a paper (all or none)."""
    paper = visible_paper(request, pk)
    require_manage(request, paper)
    form = FileForm(request.POST, prefix="datei")
    if not form.is_valid():
        return detail_page(request, paper, bound={"files": form}, status=400)
    try:
        stored = paper_files_attach(
            acting_user=request_user(request),
            paper=paper,
            uploads=request.FILES.getlist(FILES_FIELD),
            role=form.cleaned_data["role"],
            public=form.cleaned_data["public"],
            checker=request_checker(request),
        )
    except CouncilError as exc:
        if exc.field == "files":
            exc.field = "upload"
        status = form_error(form, exc)
        return detail_page(request, paper, bound={"files": form}, status=status)
    messages.success(
        request,
        ngettext(
            "Die Datei %(names)s wurde gespeichert.",
            "Die Dateien %(names)s wurden gespeichert.",
            len(stored),
        )
        % {"names": ", ".join(f"„{file.name}“" for file in stored)},
    )
    return redirect(reverse("workflows:paper_detail", args=[paper.pk]) + "#dateien")


def _visible_file(request: HttpRequest, pk: int) -> PaperFile:
    user = request_user(request)
    file = (
        PaperFile.objects.filter(body_id=user.body_id or 0, pk=pk, deleted=False)
        .select_related("paper")
        .first()
    )
    if file is None or not papers_for(user).filter(pk=file.paper_id).exists():
        raise Http404
    if not file.public and not sees_nonpublic_of(user, file.paper):
        raise Http404
    return file


def file_response(file: PaperFile) -> FileResponse:
    """Hand out a stored file as a download under its original name."""
    try:
        handle = file.file.open("rb")
    except FileNotFoundError:
        logger.error("stored file of PaperFile %s is missing", file.pk)
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=file.name, content_type=file.media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@member_view  # type: ignore[arg-type]
def paper_file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Hand out a file of a paper the user may see."""
    return file_response(_visible_file(request, pk))


@require_POST
@member_view
def paper_file_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a file of a paper."""
    file = _visible_file(request, pk)
    require_manage(request, file)
    try:
        paper_file_remove(
            acting_user=request_user(request), file=file, checker=request_checker(request)
        )
    except CouncilError as exc:
        message, _field, status = refusal(exc)
        return detail_page(request, file.paper, error=message, status=status)
    messages.success(request, _("Die Datei „%(name)s“ wurde entfernt.") % {"name": file.name})
    return redirect(reverse("workflows:paper_detail", args=[file.paper_id]) + "#dateien")


urls: list[URLPattern] = [
    path("vorlagen/<int:pk>/beratungen/", step_add_view, name="step_add"),
    path("vorlagen/beratung/<int:pk>/", step_detail, name="step_detail"),
    path("vorlagen/beratung/<int:pk>/entfernen/", step_remove_view, name="step_remove"),
    path("vorlagen/beratung/<int:pk>/tagesordnung/", step_schedule_view, name="step_schedule"),
    path("vorlagen/beratung/<int:pk>/absetzen/", step_unschedule_view, name="step_unschedule"),
    path("vorlagen/beratung/<int:pk>/korrigieren/", step_reopen_view, name="step_reopen"),
    path("vorlagen/<int:pk>/dateien/", paper_file_upload, name="paper_file_upload"),
    path("vorlagen/datei/<int:pk>/", paper_file_download, name="paper_file_download"),
    path("vorlagen/datei/<int:pk>/entfernen/", paper_file_remove_view, name="paper_file_remove"),
]
