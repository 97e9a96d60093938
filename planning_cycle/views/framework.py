"""The framework page (Rahmenvorgaben): budget ceilings per department and the savings target."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from planning_cycle.models import PlanningCycle
from planning_cycle.selectors.budgets import BudgetStatus, Framework, cycle_framework
from planning_cycle.selectors.cycles import cycles_of_body
from planning_cycle.services.budgets import (
    FRAMEWORK_PHASES,
    DepartmentFramework,
    FrameworkError,
    FrameworkNotPermitted,
    framework_set,
)
from planning_cycle.web import body_id, localised_number, member_view

from .roles import body_may

FRAMEWORK_SET = "planning_cycle.framework_set"
VIEW_DRAFTS = "planning_cycle.view_drafts"
CEILING = re.compile(r"obergrenze-(\d{1,18})")
MAX_INPUT = 40


@dataclass
class FrameworkRow:
    """A department's line of the form: its status, its inputs and its error."""

    status: BudgetStatus
    ceiling: str
    savings: str
    error: str = ""


def _text(value: Any) -> str:
    """Show a stored amount in an input: no exponent, no trailing zeros, local separator."""
    if value is None:
        return ""
    return format(value.normalize(), "f").replace(".", str(get_format("DECIMAL_SEPARATOR")))


def _page(
    request: HttpRequest,
    cycle: PlanningCycle,
    framework: Framework,
    *,
    posted: dict[str, str] | None = None,
    errors: dict[int | None, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    posted = posted or {}
    rows = []
    for line in framework.departments:
        pk = line.department.pk
        rows.append(
            FrameworkRow(
                status=line,
                ceiling=posted.get(f"obergrenze-{pk}", _text(line.ceiling)),
                savings=posted.get(f"sparziel-{pk}", _text(framework.overrides.get(pk))),
                error=errors.get(pk, ""),
            )
        )
    shown = {line.department.pk for line in framework.departments}
    may_set = body_may(request, FRAMEWORK_SET)
    return render(
        request,
        "cycles/framework.html",
        {
            "cycle": cycle,
            "framework": framework,
            "rows": rows,
            "savings": posted.get("sparziel", _text(framework.savings_target)),
            "general_error": errors.get(None, ""),
            # Refusals about departments not in the table (unknown, another body's).
            "other_errors": [text for key, text in errors.items() if key and key not in shown],
            "editable": may_set and cycle.phase in FRAMEWORK_PHASES,
            "may_set": may_set,
            "planning_year": cycle.year + 1,
            "previous_year": cycle.year,
            "nav_section": "cycles",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@member_view
def framework(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the cycle's framework; POST replaces it (management only)."""
    cycle = get_object_or_404(cycles_of_body(body_id(request)), pk=pk)
    if not (body_may(request, FRAMEWORK_SET) or body_may(request, VIEW_DRAFTS)):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request, cycle, cycle_framework(cycle))
    if not body_may(request, FRAMEWORK_SET):
        raise PermissionDenied
    posted = {
        key: str(value)[:MAX_INPUT]
        for key, value in request.POST.items()
        if key == "sparziel" or key.startswith(("obergrenze-", "sparziel-"))
    }
    lines = []
    for key in posted:
        match = CEILING.fullmatch(key)
        if match:
            department = int(match.group(1))
            lines.append(
                DepartmentFramework(
                    department_id=department,
                    ceiling=localised_number(posted[key]),
                    savings_percent=localised_number(posted.get(f"sparziel-{department}", "")),
                )
            )
    try:
        framework_set(
            acting_user=request.user,  # type: ignore[arg-type]
            cycle=cycle,
            savings_percent=localised_number(posted.get("sparziel", "")),
            departments=lines,
        )
    except FrameworkNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except FrameworkError as exc:
        fresh = cycles_of_body(body_id(request)).get(pk=pk)
        return _page(
            request,
            fresh,
            cycle_framework(fresh),
            posted=posted,
            errors=exc.errors,
            status=exc.status,
        )
    messages.success(request, _("Die Rahmenvorgaben wurden gespeichert."))
    return redirect("cycle_framework", pk=cycle.pk)
