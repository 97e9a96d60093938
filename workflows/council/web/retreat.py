"""Page: the strategy retreat of a cycle (dates, results per goal) and its goals paper.

Only the strategy unit (agreement_prioritise on the body) opens it; a cycle of another
body is unknown (404). Every form posts to its own address and calls one service; a
refused form shows again with the message at its field and the input kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from planning_cycle.access import user_may
from planning_cycle.models import Department, OperativeGoal, PlanningCycle, StrategicGoal
from planning_cycle.web import member_view, request_checker

from ..models import Paper, Retreat, RetreatResult
from ..services.base import CouncilError
from ..services.retreats import (
    PLACE_MAX,
    PRIORITISE,
    goals_paper_generate,
    retreat_record,
    retreat_result_record,
)
from ..states import CyclePaper, RetreatOutcome
from .common import NAV_PAPERS, form_error, refusal, request_user

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
STRATEGIC, OPERATIVE = "sz", "oz"


class RetreatForm(forms.Form):
    start_date = forms.DateField(
        label=gettext_lazy("erster Tag"), widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    end_date = forms.DateField(
        label=gettext_lazy("letzter Tag"), widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    place = forms.CharField(label=gettext_lazy("Ort"), max_length=PLACE_MAX, required=False)


class GoalResultForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Ergebnis"),
        choices=[("", gettext_lazy("bitte wählen")), *RetreatOutcome.choices],
    )
    changed_title = forms.CharField(
        label=gettext_lazy("geänderte Fassung"),
        required=False,
        max_length=50_000,
        help_text=gettext_lazy("Nur bei „ändern“: der neue Wortlaut."),
    )
    note = forms.CharField(label=gettext_lazy("Anmerkung"), required=False, max_length=50_000)


class GoalsPaperForm(forms.Form):
    lead_department = forms.ModelChoiceField(
        label=gettext_lazy("federführende Einheit"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=gettext_lazy("die eigene Einheit, sonst die Strategiesteuerung"),
    )

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(body_id=body_id).order_by("code")


@dataclass
class GoalRow:
    """One goal of the table with its result and its form."""

    kind: str
    goal: StrategicGoal | OperativeGoal
    result: RetreatResult | None
    form: GoalResultForm | None = None
    priorities: list[GoalRow] = field(default_factory=list)


def _cycle_of(request: HttpRequest, cycle_id: int) -> PlanningCycle:
    """Return the user's body's cycle (else 404) if the user is the strategy unit (else 403)."""
    user = request_user(request)
    cycle = get_object_or_404(
        PlanningCycle.objects.select_related("body"), pk=cycle_id, body_id=user.body_id
    )
    if not user_may(request_checker(request), user, PRIORITISE, cycle.body):
        raise PermissionDenied
    return cycle


def _in_force(queryset: Any, year: int, recorded: set[int]) -> Any:
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=year)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=year)
    )
    return queryset.filter(valid & Q(superseded=False) | Q(pk__in=recorded))


def goal_rows(cycle: PlanningCycle, retreat: Retreat | None) -> list[GoalRow]:
    """Return the cycle's strategic goals with their priorities and recorded results.

    A goal the retreat changed shows once, with its result; its new version is not a
    row of its own, and the priorities moved to the new version stay under it.
    """
    results = list(retreat.results.all()) if retreat is not None else []
    by_strategic = {r.strategic_goal_id: r for r in results if r.strategic_goal_id}
    by_operative = {r.operative_goal_id: r for r in results if r.operative_goal_id}
    changed = RetreatOutcome.CHANGE
    changed_strategic = {pk for pk, r in by_strategic.items() if r.outcome == changed}
    changed_operative = {pk for pk, r in by_operative.items() if r.outcome == changed}
    strategic = list(
        _in_force(
            StrategicGoal.objects.filter(body_id=cycle.body_id), cycle.year, set(by_strategic)
        ).order_by("position", "number", "pk")
    )
    # A new version stands in for its predecessor (its priorities are listed there).
    row_of = {
        goal.pk: (goal.predecessor_id if goal.predecessor_id in changed_strategic else goal.pk)
        for goal in strategic
    }
    rows = {
        goal.pk: GoalRow(STRATEGIC, goal, by_strategic.get(goal.pk))
        for goal in strategic
        if goal.predecessor_id not in changed_strategic
    }
    operative = _in_force(
        OperativeGoal.objects.filter(strategic_goal_id__in=list(row_of)),
        cycle.year,
        set(by_operative),
    ).order_by("position", "number", "pk")
    for goal in operative:
        if goal.predecessor_id in changed_operative:
            continue
        parent = rows.get(row_of.get(goal.strategic_goal_id, 0) or 0)
        if parent is not None:
            parent.priorities.append(GoalRow(OPERATIVE, goal, by_operative.get(goal.pk)))
    return list(rows.values())


def _page(
    request: HttpRequest,
    cycle: PlanningCycle,
    *,
    retreat_form: RetreatForm | None = None,
    bound: GoalResultForm | None = None,
    bound_key: tuple[str, int] | None = None,
    paper_form: GoalsPaperForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    retreat = Retreat.objects.filter(cycle=cycle).first()
    if retreat_form is None:
        initial = {}
        if retreat is not None:
            initial = {
                "start_date": retreat.start_date,
                "end_date": retreat.end_date,
                "place": retreat.place,
            }
        retreat_form = RetreatForm(initial=initial)
    rows = goal_rows(cycle, retreat)
    if retreat is not None:
        for row in rows:
            for item in (row, *row.priorities):
                prefix = f"{item.kind}-{item.goal.pk}"
                if bound is not None and bound_key == (item.kind, item.goal.pk):
                    item.form = bound
                    continue
                initial = {}
                if item.result is not None:
                    initial = {
                        "outcome": item.result.outcome,
                        "changed_title": item.result.changed_title,
                        "note": item.result.note,
                    }
                item.form = GoalResultForm(initial=initial, prefix=prefix)
    paper = (
        Paper.objects.filter(cycle=cycle, cycle_phase=CyclePaper.COUNCIL_RESOLUTION)
        .only("pk", "reference", "title")
        .first()
    )
    context = {
        "cycle": cycle,
        "retreat": retreat,
        "retreat_form": retreat_form,
        "rows": rows,
        "paper": paper,
        "paper_form": paper_form or GoalsPaperForm(body_id=cycle.body_id),
        "error": error,
        "nav_section": NAV_PAPERS,
    }
    return render(request, "council/retreat_detail.html", context, status=status)


@member_view
def retreat_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Show the cycle's retreat: its dates, the results per goal and the goals paper."""
    return _page(request, _cycle_of(request, cycle_id))


@require_POST
@member_view
def retreat_dates(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Record the retreat's dates and place."""
    cycle = _cycle_of(request, cycle_id)
    form = RetreatForm(request.POST)
    if not form.is_valid():
        return _page(request, cycle, retreat_form=form, status=400)
    data = form.cleaned_data
    try:
        retreat_record(
            acting_user=request_user(request),
            cycle=cycle,
            start_date=data["start_date"],
            end_date=data["end_date"],
            place=data["place"],
            checker=request_checker(request),
        )
    except CouncilError as exc:
        return _page(request, cycle, retreat_form=form, status=form_error(form, exc))
    messages.success(request, _("Termin und Ort der Strategieklausur sind gespeichert."))
    return redirect("workflows:retreat_detail", cycle_id=cycle.pk)


@require_POST
@member_view
def retreat_result(request: HttpRequest, cycle_id: int, kind: str, goal_id: int) -> HttpResponse:
    """Record what the retreat decided on one strategic goal or priority."""
    cycle = _cycle_of(request, cycle_id)
    if kind not in (STRATEGIC, OPERATIVE):
        raise Http404
    goal: StrategicGoal | OperativeGoal
    if kind == STRATEGIC:
        goal = get_object_or_404(StrategicGoal, pk=goal_id, body_id=cycle.body_id)
    else:
        goal = get_object_or_404(OperativeGoal, pk=goal_id, body_id=cycle.body_id)
    form = GoalResultForm(request.POST, prefix=f"{kind}-{goal.pk}")
    key = (kind, goal.pk)
    if not form.is_valid():
        return _page(request, cycle, bound=form, bound_key=key, status=400)
    retreat = Retreat.objects.filter(cycle=cycle).first()
    if retreat is None:
        message = _("Bitte erfassen Sie zuerst Termin und Ort der Strategieklausur.")
        return _page(request, cycle, error=message, status=400)
    data = form.cleaned_data
    goals: dict[str, Any] = (
        {"strategic_goal": goal} if kind == STRATEGIC else {"operative_goal": goal}
    )
    try:
        retreat_result_record(
            acting_user=request_user(request),
            retreat=retreat,
            outcome=data["outcome"],
            changed_title=data["changed_title"],
            note=data["note"],
            checker=request_checker(request),
            **goals,
        )
    except CouncilError as exc:
        status = form_error(form, exc)
        return _page(request, cycle, bound=form, bound_key=key, status=status)
    messages.success(
        request,
        _("Das Ergebnis zu „%(goal)s“ ist gespeichert: %(outcome)s.")
        % {"goal": goal.number, "outcome": RetreatOutcome(data["outcome"]).label},
    )
    url = reverse("workflows:retreat_detail", kwargs={"cycle_id": cycle.pk})
    return redirect(f"{url}#{kind}-{goal.pk}")


@require_POST
@member_view
def retreat_paper(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Generate the cycle's goals paper from the retreat's results."""
    cycle = _cycle_of(request, cycle_id)
    form = GoalsPaperForm(request.POST, body_id=cycle.body_id)
    if not form.is_valid():
        return _page(request, cycle, paper_form=form, status=400)
    try:
        paper = goals_paper_generate(
            acting_user=request_user(request),
            cycle=cycle,
            lead_department=form.cleaned_data["lead_department"],
            checker=request_checker(request),
        )
    except CouncilError as exc:
        message, field_name, status = refusal(exc)
        if field_name == "lead_department":
            form.add_error("lead_department", message)
            return _page(request, cycle, paper_form=form, status=status)
        return _page(request, cycle, error=message, status=status)
    messages.success(
        request,
        _("Die Beschlussvorlage %(reference)s ist erzeugt.") % {"reference": paper.reference},
    )
    return redirect("workflows:paper_detail", pk=paper.pk)


urls: list[URLPattern] = [
    path("klausur/<int:cycle_id>/", retreat_detail, name="retreat_detail"),
    path("klausur/<int:cycle_id>/termin/", retreat_dates, name="retreat_dates"),
    path(
        "klausur/<int:cycle_id>/ergebnis/<str:kind>/<int:goal_id>/",
        retreat_result,
        name="retreat_result",
    ),
    path("klausur/<int:cycle_id>/vorlage/", retreat_paper, name="retreat_paper"),
]


def retreat_cycles(request: HttpRequest) -> list[PlanningCycle]:
    """Return the body's cycles whose retreat page the user may open (the strategy unit)."""
    user = request_user(request)
    if user.body is None or not user_may(request_checker(request), user, PRIORITISE, user.body):
        return []
    return list(PlanningCycle.objects.filter(body_id=user.body_id).order_by("-year")[:3])
