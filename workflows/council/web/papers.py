"""Pages: the papers (list with filters and overdue steps, create, edit, detail)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from planning_cycle.models import Role
from planning_cycle.web import member_view, request_checker, request_roles

from ..models import Paper
from ..services.base import CouncilError
from ..services.papers import StepPlan, paper_create, paper_update
from ..states import ResolutionStatus, StepRole
from .common import (
    NAV_PAPERS,
    form_error,
    manages,
    papers_for,
    request_user,
    require_manage,
    visible_paper,
)
from .forms import PaperCreateForm, PaperForm, committees_of
from .paper_page import detail_page
from .queries import overdue_steps, papers_with_steps, position_of
from .retreat import retreat_cycles

PAGE_SIZE = 50


@member_view
def paper_list(request: HttpRequest) -> HttpResponse:
    """List the papers the user may see with their position in the sequence; filters."""
    user = request_user(request)
    committees = list(committees_of(int(user.body_id or 0)))
    papers = papers_for(user)
    committee_id = request.GET.get("gremium", "")
    status = request.GET.get("status", "")
    if committee_id.isdigit():
        papers = papers.filter(
            steps__committee_id=int(committee_id), steps__deleted=False
        ).distinct()
    if status in ResolutionStatus.values:
        papers = papers.filter(resolution_status=status)
    page = Paginator(papers_with_steps(papers), PAGE_SIZE).get_page(request.GET.get("seite"))
    rows = [(paper, position_of(paper.live_steps)) for paper in page.object_list]  # type: ignore[attr-defined]
    runs = manages(request)
    roles = request_roles(request)
    clerk = Role.COMMITTEE_CLERK.value in roles
    overdue = []
    if runs or clerk:
        assert user.body is not None
        overdue = overdue_steps(user, state=user.body.state, mine_only=not runs)
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "rows": rows,
        "page": page,
        "committees": committees,
        "statuses": ResolutionStatus.choices,
        "chosen_committee": committee_id,
        "chosen_status": status,
        "filter_query": query.urlencode(),
        "overdue": overdue,
        "show_overdue": runs or clerk,
        "may_manage": runs,
        "retreat_cycles": retreat_cycles(request),
        "nav_section": NAV_PAPERS,
    }
    return render(request, "council/paper_list.html", context)


def _form_page(
    request: HttpRequest, form: PaperForm, *, paper: Paper | None = None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "paper": paper, "nav_section": NAV_PAPERS}
    return render(request, "council/paper_form.html", context, status=status)


def _values(form: PaperForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "paper_type": data["paper_type"],
        "lead_department": data["lead_department"],
        "public": data["public"],
        "proposed_resolution": data["proposed_resolution"],
        "reasoning": data["reasoning"],
        "financial_effects": data["financial_effects"],
        "submitter": data["submitter"],
        "author": data["author"],
        "external_url": data["external_url"],
    }


@member_view
def paper_create_view(request: HttpRequest) -> HttpResponse:
    """Create a paper with the next reference number and the first steps of its sequence."""
    require_manage(request)
    body_id = int(request_user(request).body_id or 0)
    if request.method != "POST":
        return _form_page(request, PaperCreateForm(initial={"public": True}, body_id=body_id))
    form = PaperCreateForm(request.POST, body_id=body_id)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    plans = []
    for n, *_fields in form.step_rows():
        committee = data[f"step_{n}_committee"]
        if committee is not None:
            role = data[f"step_{n}_role"] or StepRole.PRE_DELIBERATION
            plans.append(StepPlan(committee=committee, role=role, part=data[f"step_{n}_part"]))
    try:
        paper = paper_create(
            acting_user=request_user(request),
            date=data["date"],
            cycle=data["cycle"],
            cycle_phase=data["cycle_phase"],
            steps=plans,
            checker=request_checker(request),
            **_values(form),
        )
    except CouncilError as exc:
        return _form_page(request, form, status=form_error(form, exc))
    messages.success(
        request,
        _("Die Vorlage %(reference)s „%(title)s“ ist angelegt.")
        % {"reference": paper.reference, "title": paper.title},
    )
    return redirect("workflows:paper_detail", pk=paper.pk)


@member_view
def paper_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a paper's content (its reference number stays)."""
    paper = visible_paper(request, pk)
    require_manage(request, paper)
    body_id = paper.body_id
    if request.method != "POST":
        initial = {name: getattr(paper, name) for name in PaperForm.base_fields}
        initial["lead_department"] = paper.lead_department_id
        return _form_page(request, PaperForm(initial=initial, body_id=body_id), paper=paper)
    form = PaperForm(request.POST, body_id=body_id)
    if not form.is_valid():
        return _form_page(request, form, paper=paper, status=400)
    try:
        paper_update(
            acting_user=request_user(request),
            paper=paper,
            checker=request_checker(request),
            **_values(form),
        )
    except CouncilError as exc:
        return _form_page(request, form, paper=paper, status=form_error(form, exc))
    messages.success(request, _("Die Vorlage wurde gespeichert."))
    return redirect("workflows:paper_detail", pk=paper.pk)


@member_view
def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a paper: its fields, files, sequence with results, history and actions."""
    return detail_page(request, visible_paper(request, pk))


urls: list[URLPattern] = [
    path("vorlagen/", paper_list, name="paper_list"),
    path("vorlagen/neu/", paper_create_view, name="paper_create"),
    path("vorlagen/<int:pk>/", paper_detail, name="paper_detail"),
    path("vorlagen/<int:pk>/bearbeiten/", paper_edit, name="paper_edit"),
]
