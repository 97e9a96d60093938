"""The goal catalog and the page of an operative goal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from planning_cycle.controlling.selectors import (
    body_status,
    product_areas,
    reporting_year_default,
    reporting_years,
)
from planning_cycle.models import Department, OperativeGoal, Period, PlanningCycle
from planning_cycle.selectors.cycles import cycle_current, departments_of_body
from planning_cycle.selectors.goals import (
    goal_catalog,
    operative_goals_of_body,
    product_catalog,
    visions_of_body,
)
from planning_cycle.web import body_id, member_view, request_checker
from workflows.agreements.forms import AgreementProposeForm
from workflows.agreements.selectors import operative_goal_agreements
from workflows.agreements.services import agreement_propose, may_propose
from workflows.selectors import state_view
from workflows.services.content import ContentError


class ReportingPeriodForm(forms.Form):
    """The year and period whose statuses the catalog shows."""

    jahr = forms.TypedChoiceField(
        label=gettext_lazy("Berichtsjahr"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Für %(value)s liegen keine Werte vor; bitte ein Jahr aus der Liste wählen."
            )
        },
    )
    zeitraum = forms.ChoiceField(
        label=gettext_lazy("Zeitraum"),
        choices=Period.choices,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Den Zeitraum „%(value)s“ gibt es nicht; bitte einen aus der Liste wählen."
            )
        },
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        """Offer the given years."""
        super().__init__(*args, **kwargs)
        self.fields["jahr"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]


@member_view
def catalog(request: HttpRequest) -> HttpResponse:
    """Show the goal hierarchy and the products with the status of every element in a period.

    `?jahr=` and `?zeitraum=` choose the period; an invalid choice is shown at its field
    and the default (the year the current goal review reports) is used.
    """
    body = body_id(request)
    default_year = reporting_year_default(body)
    years = sorted({default_year, *reporting_years(body)}, reverse=True)
    form = ReportingPeriodForm(
        request.GET or {"jahr": default_year, "zeitraum": Period.YEAR}, years=years
    )
    form.is_valid()
    year = form.cleaned_data.get("jahr") or default_year
    period = form.cleaned_data.get("zeitraum") or Period.YEAR
    status = body_status(body_id=body, year=year, period=period)
    return render(
        request,
        "goals/catalog.html",
        {
            "visions": visions_of_body(body),
            "policy_fields": goal_catalog(body),
            "product_areas": product_areas(product_catalog(body), status),
            "status": status,
            "filters": form,
            "nav_section": "goals",
        },
    )


def _proposable(request: HttpRequest, cycle: PlanningCycle | None) -> list[Department]:
    """Return the taking-part departments the user may propose goal agreements for."""
    if cycle is None:
        return []
    checker = request_checker(request)
    return [
        d
        for d in departments_of_body(cycle.body_id).filter(takes_part=True).order_by("code")
        if may_propose(request.user, checker, cycle, d)  # type: ignore[arg-type]
    ]


def _detail_page(
    request: HttpRequest,
    goal: OperativeGoal,
    *,
    cycle: PlanningCycle | None,
    form: AgreementProposeForm | None = None,
    status: int = 200,
) -> HttpResponse:
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
    departments = _proposable(request, cycle)
    if form is None and departments:
        form = AgreementProposeForm(departments=departments)
    return render(
        request,
        "goals/operative_detail.html",
        {
            "goal": goal,
            "groups": groups,
            "propose_cycle": cycle,
            "propose_form": form if departments else None,
            "propose_error": " ".join(str(e) for e in form.non_field_errors())
            if form and not departments
            else "",
            "propose_url": reverse("operative_goal_propose", args=[goal.pk]),
            "status": body_status(body_id=goal.body_id, year=reporting_year_default(goal.body_id)),
            "nav_section": "goals",
        },
        status=status,
    )


@member_view
def operative_goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an operative goal with its agreements per cycle."""
    goal = get_object_or_404(operative_goals_of_body(body_id(request)), pk=pk)
    return _detail_page(request, goal, cycle=cycle_current(body_id(request)))


@require_POST
@member_view
def operative_goal_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a goal agreement on the goal for a department in the body's current cycle."""
    body = body_id(request)
    goal = get_object_or_404(operative_goals_of_body(body), pk=pk)
    cycle = cycle_current(body)
    departments = _proposable(request, cycle)
    form = AgreementProposeForm(request.POST, departments=departments)
    if cycle is None or not departments:
        form.is_valid()
        form.add_error(
            None,
            _("Sie dürfen für dieses Ziel zurzeit keine Zielvereinbarung vorschlagen."),
        )
        return _detail_page(request, goal, cycle=cycle, form=form, status=403)
    if not form.is_valid():
        return _detail_page(request, goal, cycle=cycle, form=form, status=400)
    department = next(d for d in departments if d.pk == form.cleaned_data["department"])
    try:
        agreement_propose(
            acting_user=request.user,  # type: ignore[arg-type]
            cycle=cycle,
            operative_goal=goal,
            department=department,
            checker=request_checker(request),
        )
    except ContentError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _detail_page(request, goal, cycle=cycle, form=form, status=exc.status)
    messages.success(
        request,
        _(
            "Die Zielvereinbarung für %(department)s im Planungszyklus %(cycle)s "
            "wurde vorgeschlagen."
        )
        % {"department": department, "cycle": cycle},
    )
    return redirect(f"{reverse('operative_goal_detail', args=[goal.pk])}#vereinbarungen")
