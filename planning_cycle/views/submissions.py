"""The pages of a department review, a department plan and a goal agreement."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement

from .common import body_id, member_view, workflow_queryset
from .panels import panel_for

AGREEMENT_QUESTIONS = ("balance", "effects", "programmes", "processes", "resources")


def _detail(
    request: HttpRequest, model: type[models.Model], pk: int, template: str
) -> HttpResponse:
    obj = get_object_or_404(workflow_queryset(model, body_id(request)), pk=pk)
    panel = panel_for(request, obj, next_url=request.get_full_path())
    context = {"object": obj, "panel": panel, "nav_section": "cycles"}
    if isinstance(obj, GoalAgreement):
        # The five questions of a goal agreement; the field labels are the questions.
        context["questions"] = [
            (GoalAgreement._meta.get_field(name).verbose_name, getattr(obj, name))
            for name in AGREEMENT_QUESTIONS
        ]
    return render(request, template, context)


@member_view
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a department's goal review."""
    return _detail(request, DepartmentReview, pk, "workflows/review_detail.html")


@member_view
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a department's goal and budget plan."""
    return _detail(request, DepartmentPlan, pk, "workflows/plan_detail.html")


@member_view
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a goal agreement with its five questions."""
    return _detail(request, GoalAgreement, pk, "workflows/agreement_detail.html")
