"""The goal catalog and the page of an operative goal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from planning_cycle.selectors.goals import (
    goal_catalog,
    operative_goal_agreements,
    operative_goals_of_body,
    visions_of_body,
)
from workflows.selectors import state_view

from .common import body_id, member_view, request_checker


@member_view
def catalog(request: HttpRequest) -> HttpResponse:
    """Show policy fields, strategic goals and operative goals with what hangs on them."""
    body = body_id(request)
    return render(
        request,
        "goals/catalog.html",
        {
            "visions": visions_of_body(body),
            "policy_fields": goal_catalog(body),
            "nav_section": "goals",
        },
    )


@member_view
def operative_goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an operative goal with its agreements per cycle."""
    goal = get_object_or_404(operative_goals_of_body(body_id(request)), pk=pk)
    checker = request_checker(request)
    groups = [
        {
            "cycle": group.cycle,
            "agreements": [
                state_view(request.user, checker, a)  # type: ignore[arg-type]
                for a in group.agreements
            ],
        }
        for group in operative_goal_agreements(goal)
    ]
    return render(
        request,
        "goals/operative_detail.html",
        {"goal": goal, "groups": groups, "nav_section": "goals"},
    )
