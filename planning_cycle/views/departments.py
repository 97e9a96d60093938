"""A department's page: its review, plan and goal agreements in one cycle."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from planning_cycle.ids import parse_id
from planning_cycle.models import PlanningCycle
from planning_cycle.selectors.cycles import (
    cycle_current,
    cycles_of_body,
    departments_of_body,
)
from planning_cycle.web import body_id, member_view
from workflows.panels import panels_for
from workflows.submissions.selectors import department_cycle


@member_view
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the department's workflow objects in the cycle given by ?zyklus= (default: current)."""
    body = body_id(request)
    department = get_object_or_404(departments_of_body(body), pk=pk)
    cycles = list(cycles_of_body(body))
    raw = request.GET.get("zyklus", "")
    cycle: PlanningCycle | None
    if raw:
        cycle_pk = parse_id(raw)
        if cycle_pk is None:
            raise Http404
        cycle = get_object_or_404(cycles_of_body(body), pk=cycle_pk)
    else:
        cycle = cycle_current(body) or (cycles[0] if cycles else None)
    context: dict[str, Any] = {
        "department": department,
        "cycle": cycle,
        "cycles": cycles,
        "nav_section": "cycles",
    }
    if cycle is not None:
        objects = department_cycle(cycle, department)
        here = request.get_full_path()
        submissions = [o for o in (objects.review, objects.plan) if o is not None]
        submission_panels = panels_for(request, submissions, next_url=here, heading_level=3)
        agreement_panels = panels_for(request, objects.agreements, next_url=here, heading_level=4)
        context.update(
            {
                "review_panel": next(
                    (p for p in submission_panels if p.item.obj is objects.review), None
                ),
                "plan_panel": next(
                    (p for p in submission_panels if p.item.obj is objects.plan), None
                ),
                "agreement_panels": agreement_panels,
            }
        )
    return render(request, "departments/detail.html", context)
