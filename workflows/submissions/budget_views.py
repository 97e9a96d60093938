"""The plan page's budget panel: planned budget, ceiling, savings, and editing the amounts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planning_cycle.selectors.budgets import BudgetStatus, ProductBudgetRow, department_budget
from planning_cycle.web import localised_number, member_view, request_checker
from workflows.models import DepartmentPlan
from workflows.services.content import ContentError
from workflows.views.content import content_page
from workflows.web import object_url, workflow_queryset

from .budgets import BudgetInputError, plan_budget_set
from .views import input_value

FIELD = re.compile(r"betrag-(\d{1,18})")
MAX_INPUT = 40


@dataclass
class BudgetEntry:
    """A product row of the plan's budget table with its input (and error, after a refusal)."""

    row: ProductBudgetRow
    value: str
    error: str = ""


def _input_value(row: ProductBudgetRow) -> str:
    return input_value(row.planned)


def budget_context(
    plan: DepartmentPlan, *, editable: bool, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the budget panel's context: the status, the product rows and their inputs."""
    status: BudgetStatus = department_budget(plan.cycle, plan.department)
    raw: Mapping[int, str] = extra.get("budget_input", {})
    errors: Mapping[int, str] = extra.get("budget_errors", {})
    entries = [
        BudgetEntry(
            row=row,
            value=raw.get(row.product.pk, _input_value(row)),
            error=errors.get(row.product.pk, ""),
        )
        for row in status.products
    ]
    known = {row.product.pk for row in status.products}
    return {
        "budget": status,
        "budget_entries": entries,
        "budget_editable": editable,
        # Refusals about products that are not in the table (not the department's).
        "budget_page_errors": [text for pk, text in errors.items() if pk not in known],
    }


@require_POST
@member_view
def plan_budget(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the planned budgets of the plan department's products for the planning year."""
    plan = get_object_or_404(workflow_queryset(DepartmentPlan, request), pk=pk)
    amounts: dict[int, str] = {}
    for key, value in request.POST.items():
        match = FIELD.fullmatch(key)
        if match:
            amounts[int(match.group(1))] = str(value)[: MAX_INPUT + 1]
    too_long = {k: v for k, v in amounts.items() if len(v) > MAX_INPUT}
    try:
        if too_long:
            raise BudgetInputError(
                {k: _("Produkt %(id)s: Eingabe zu lang.") % {"id": k} for k in too_long}
            )
        plan_budget_set(
            acting_user=request.user,  # type: ignore[arg-type]
            plan=plan,
            amounts={k: localised_number(v) for k, v in amounts.items()},
            checker=request_checker(request),
        )
    except BudgetInputError as exc:
        return content_page(
            request,
            plan,
            extra={"budget_input": amounts, "budget_errors": exc.errors},
            status=400,
        )
    except ContentError as exc:
        current = workflow_queryset(DepartmentPlan, request).get(pk=pk)
        return content_page(
            request,
            current,
            extra={"budget_input": amounts, "budget_errors": {0: exc.message}},
            status=exc.status,
        )
    messages.success(request, _("Die geplanten Budgets wurden gespeichert."))
    return redirect(f"{object_url(plan)}#haushalt")
