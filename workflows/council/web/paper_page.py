"""The paper's page: fields, files, the whole sequence with results, history and actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from planning_cycle.access import user_may
from planning_cycle.web import request_checker
from workflows.selectors import VIEW_INTERNAL_COMMENTS, HistoryEntry, history_for
from workflows.uploads import accept_attribute, accepted_labels, max_bytes, megabytes

from ..models import ConsultationStep, Paper, PaperFile
from ..states import FileRole, StepRole, StepState
from .common import NAV_PAPERS, RECORD, manages, request_user, sees_nonpublic_of
from .forms import FileForm, ReasonForm, ScheduleForm, StepAddForm
from .queries import (
    coming_meetings,
    deferred_items,
    meetings_by_committee,
    schedulable,
    step_items,
)


@dataclass(frozen=True)
class StepEntry:
    """One row of the paper's combined history: the step it is about and the entry."""

    step: ConsultationStep
    entry: HistoryEntry


def paper_files(paper: Paper, *, nonpublic: bool) -> list[PaperFile]:
    """Return the paper's files (main file first); non-public ones only for their readers."""
    files = PaperFile.objects.filter(paper=paper, deleted=False)
    if not nonpublic:
        files = files.filter(public=True)
    return sorted(files, key=lambda f: (f.role != FileRole.MAIN, f.position, f.pk))


def upload_rules() -> dict[str, str]:
    return {
        "types": accepted_labels(),
        "accept": accept_attribute(),
        "max_megabytes": megabytes(max_bytes()),
    }


def _history(request: HttpRequest, steps: list[ConsultationStep], runs: bool) -> list[StepEntry]:
    user = request_user(request)
    checker = request_checker(request)
    by_step = history_for(steps)
    rows: list[StepEntry] = []
    for step in steps:
        reads_comments = runs or user_may(checker, user, VIEW_INTERNAL_COMMENTS, step)
        reads_comments = reads_comments or user_may(checker, user, RECORD, step)
        for entry in by_step.get((ConsultationStep, step.pk), []):
            if not reads_comments and (entry.comment or entry.override_reason):
                entry = HistoryEntry(
                    **{
                        **entry.__dict__,
                        "comment": "",
                        "override_reason": "",
                        "comment_hidden": True,
                    }
                )
            rows.append(StepEntry(step=step, entry=entry))
    rows.sort(key=lambda row: row.entry.created_at)
    return rows


def detail_page(
    request: HttpRequest,
    paper: Paper,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render the paper's page; `bound` holds a refused form (by its key) with the input."""
    bound = bound or {}
    user = request_user(request)
    checker = request_checker(request)
    runs = manages(request, paper)
    steps = list(
        ConsultationStep.objects.filter(paper=paper, deleted=False)
        .select_related("committee", "agenda_item__meeting", "referred_by__committee")
        .order_by("position", "id")
    )
    items = step_items(paper, user)
    coming = meetings_by_committee(coming_meetings(paper.body_id)) if runs else {}
    resolutions = []
    for step in steps:
        step_rows = items.get(step.pk, [])
        step.items = step_rows  # type: ignore[attr-defined]
        step.deferred = deferred_items(step_rows)  # type: ignore[attr-defined]
        step.current = next(  # type: ignore[attr-defined]
            (i for i in step_rows if i.pk == step.agenda_item_id), None
        )
        step.may_record = step.state == StepState.SCHEDULED and user_may(  # type: ignore[attr-defined]
            checker, user, RECORD, step
        )
        step.removable = runs and step.state == StepState.PLANNED and not step_rows  # type: ignore[attr-defined]
        if runs and step.state == StepState.PLANNED:
            step.meetings = coming.get(step.committee_id, [])  # type: ignore[attr-defined]
            step.schedule_form = bound.get(f"schedule-{step.pk}") or ScheduleForm(  # type: ignore[attr-defined]
                meetings=schedulable(step), prefix=f"schedule-{step.pk}"
            )
        reason = bound.get(f"reason-{step.pk}")
        if reason is None and runs and step.state != StepState.PLANNED:
            reason = ReasonForm(prefix=f"reason-{step.pk}")
        step.reason_form = reason  # type: ignore[attr-defined]
        if step.role == StepRole.DECISION and step.state == StepState.RECORDED:
            resolutions.append(step)
    nonpublic = not paper.public or runs or sees_nonpublic_of(user, paper)
    context: dict[str, Any] = {
        "paper": paper,
        "steps": steps,
        "resolutions": resolutions,
        "files": paper_files(paper, nonpublic=nonpublic),
        "history": _history(request, steps, runs),
        "may_manage": runs,
        "add_form": bound.get("add") or StepAddForm(body_id=paper.body_id, prefix="add"),
        "file_form": bound.get("files") or FileForm(prefix="datei"),
        "error": error,
        "rules": upload_rules(),
        "nav_section": NAV_PAPERS,
    }
    return render(request, "council/paper_detail.html", context, status=status)
