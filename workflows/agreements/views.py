"""The page of a goal agreement: its five answers, their edit and submit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from planning_cycle.web import member_view
from workflows.models import GoalAgreement
from workflows.views.content import content_detail, content_edit

from .workflow import AGREEMENT_FIELDS


def agreement_page_context(
    request: HttpRequest,
    agreement: GoalAgreement,
    *,
    visible: bool,
    editable: bool,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """Add the five questions of a goal agreement; the field labels are the questions."""
    return {
        "questions": [
            (GoalAgreement._meta.get_field(name).verbose_name, getattr(agreement, name))
            for name in AGREEMENT_FIELDS
        ]
    }


@member_view
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a goal agreement with its five questions."""
    return content_detail(request, GoalAgreement, pk)


@require_POST
@member_view
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a goal agreement's five answers (and submit them)."""
    return content_edit(request, GoalAgreement, pk)
