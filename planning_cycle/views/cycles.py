"""Home and the cycle overview: phase, calendar, departments' states and what blocks."""

from __future__ import annotations

from django import forms
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from planning_cycle.models import Phase, PlanningCycle
from planning_cycle.selectors.cycles import (
    cycle_calendar,
    cycle_current,
    cycle_milestones,
    cycle_phase_due,
    cycles_of_body,
)
from planning_cycle.views.milestone_forms import MILESTONE_MANAGE, MilestoneForm
from planning_cycle.views.roles import body_may
from planning_cycle.web import body_id, member_view, request_checker
from workflows.panels import panel_for
from workflows.selectors import NextPhase, cycle_next_phase, state_view
from workflows.services.transitions import TransitionOption
from workflows.submissions.selectors import cycle_department_rows


@member_view
def home(request: HttpRequest) -> HttpResponse:
    """Show the body's current cycle (its newest cycle that is not closed)."""
    cycle = cycle_current(body_id(request))
    if cycle is None:
        return render(
            request,
            "cycles/none.html",
            {"cycles": list(cycles_of_body(body_id(request))), "nav_section": "cycles"},
        )
    return _overview(request, cycle)


@member_view
def cycle_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one cycle of the user's body."""
    cycle = get_object_or_404(cycles_of_body(body_id(request)), pk=pk)
    return _overview(request, cycle)


def _overview(request: HttpRequest, cycle: PlanningCycle) -> HttpResponse:
    return render_overview(request, cycle)


def render_overview(
    request: HttpRequest,
    cycle: PlanningCycle,
    *,
    milestone_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the cycle's overview; `milestone_form` a refused new milestone with its input."""
    checker = request_checker(request)
    user = request.user
    # One query for the calendar and the switched-off phases the transitions read.
    prefetch_related_objects([cycle], "deadlines")
    calendar = cycle_calendar(cycle)
    rows = [
        {
            "department": row.department,
            "review": state_view(user, checker, row.review) if row.review else None,  # type: ignore[arg-type]
            "plan": state_view(user, checker, row.plan) if row.plan else None,  # type: ignore[arg-type]
        }
        for row in cycle_department_rows(cycle)
    ]
    panel = panel_for(request, cycle, next_url=request.get_full_path())
    next_phase = _next_phase(cycle, panel.item.options)
    return render(
        request,
        "cycles/overview.html",
        {
            "cycle": cycle,
            "cycles": list(cycles_of_body(body_id(request))),
            "calendar": calendar,
            "milestones": cycle_milestones(cycle),
            "milestone_form": milestone_form
            or (
                MilestoneForm(cycle=cycle)
                if cycle.phase != Phase.CLOSED and body_may(request, MILESTONE_MANAGE)
                else None
            ),
            "phase_due": cycle_phase_due(cycle, calendar),
            "rows": rows,
            "panel": panel,
            "next_phase": next_phase,
            "show_framework": body_may(request, "planning_cycle.framework_set")
            or body_may(request, "planning_cycle.view_drafts"),
            "nav_section": "cycles",
        },
        status=status,
    )


def _next_phase(cycle: PlanningCycle, options: list[TransitionOption]) -> NextPhase | None:
    """What blocks the next phase.

    For management the transition service already evaluated the guards of the
    transitions it offers; everyone else gets them from the guard selector.
    """
    if options:
        option = options[0]  # a cycle phase has exactly one way on
        return NextPhase(
            transition=option.name,
            label=option.label,
            target=option.target,
            target_label=option.target_label,
            blockers=option.blocked_by,
        )
    return cycle_next_phase(cycle)
