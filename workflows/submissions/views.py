"""The pages of a department's goal review and plan: text, submit and indicator actuals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planning_cycle.controlling.rollup import RollUp
from planning_cycle.controlling.selectors import IndicatorState, body_status
from planning_cycle.models import IndicatorValue, Period, ValueKind, periods_of_body
from planning_cycle.selectors.indicators import (
    IndicatorRow,
    department_indicator_rows,
    department_indicators,
)
from planning_cycle.web import member_view, request_checker
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement
from workflows.services.content import ContentError
from workflows.views.content import content_detail, content_edit, content_page
from workflows.web import object_url, workflow_queryset

from .forms import IndicatorActualForm
from .indicators import indicator_actual_record, indicator_actual_set
from .review_actions import CorrectionInput, OutcomeInput, may_correct, outcome_input


@dataclass
class IndicatorEntry:
    """A row of the review's indicator table with its input (and error, after a refusal)."""

    row: IndicatorRow
    value: str
    error: str = ""
    state: IndicatorState | None = None
    history: list[IndicatorValue] = field(default_factory=list)
    correction: CorrectionInput | None = None

    @property
    def versions(self) -> list[IndicatorValue]:
        """Return every version once an actual was entered by period or corrected, else none."""
        if any(v.period != Period.YEAR or v.version > 1 for v in self.history):
            return self.history
        return []


@dataclass
class AgreementEntry:
    """A goal agreement of the past cycle with its status and its indicators' rows."""

    agreement: GoalAgreement
    status: RollUp | None
    entries: list[IndicatorEntry]
    outcome: OutcomeInput


def input_value(value: Decimal | None) -> str:
    """Format a stored value for an input field: no exponent, no trailing zeros."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


def _summary_label(submission: DepartmentReview | DepartmentPlan) -> str:
    return str(type(submission)._meta.get_field("summary").verbose_name)


def review_page_context(
    request: HttpRequest,
    review: DepartmentReview,
    *,
    visible: bool,
    editable: bool,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """Add the text's heading and the department's indicators with last year's actuals."""
    if not visible:
        return {"summary_label": _summary_label(review)}
    year = review.cycle.year - 1
    rows = department_indicator_rows(
        body_id=review.body_id, department_id=review.department_id, year=year
    )
    status = body_status(body_id=review.body_id, year=year)
    history: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in (
        IndicatorValue.versions.filter(
            indicator_id__in=[row.indicator.pk for row in rows], year=year, kind=ValueKind.ACTUAL
        )
        .select_related("recorded_by")
        .order_by("period", "-version")
    ):
        history[value.indicator_id].append(value)
    entries = [
        IndicatorEntry(
            row=row,
            value=input_value(row.actual),
            state=status.indicators.get(row.indicator.pk),
            history=history[row.indicator.pk],
        )
        for row in rows
    ]
    refused = extra.get("indicator_input")
    if refused is not None:
        pk, raw, message = refused
        for entry in entries:
            if entry.row.indicator.pk == pk:
                entry.value, entry.error = raw, message
    user, checker = request.user, request_checker(request)
    if may_correct(user=user, review=review, checker=checker):  # type: ignore[arg-type]
        corrected = extra.get("indicator_correction")
        for entry in entries:
            if corrected is not None and corrected[0] == entry.row.indicator.pk:
                entry.correction = corrected[1]
            elif entry.row.actual is not None:
                entry.correction = CorrectionInput(value=input_value(entry.row.actual))
    by_goal: dict[int, list[IndicatorEntry]] = defaultdict(list)
    for entry in entries:
        if entry.row.indicator.operative_goal_id is not None:
            by_goal[entry.row.indicator.operative_goal_id].append(entry)
    agreements = [
        AgreementEntry(
            agreement=agreement,
            status=status.operative_goals.get(agreement.operative_goal_id),
            entries=by_goal[agreement.operative_goal_id],
            outcome=outcome_input(user=user, agreement=agreement, checker=checker),  # type: ignore[arg-type]
        )
        for agreement in GoalAgreement.objects.filter(
            body_id=review.body_id, cycle__year=year, department_id=review.department_id
        )
        .select_related("operative_goal", "department", "cycle")
        .order_by("operative_goal__position", "operative_goal__number")
    ]
    reported = extra.get("agreement_input")
    if reported is not None:
        pk, chosen, comment, message = reported
        for item in agreements:
            if item.agreement.pk == pk:
                item.outcome.chosen, item.outcome.comment = chosen, comment
                item.outcome.error = message
    periods = [(p, Period(p).label) for p in periods_of_body(review.body)]
    return {
        "summary_label": _summary_label(review),
        "show_indicators": True,
        "indicator_year": year,
        "indicator_entries": entries,
        "indicators_editable": editable,
        "indicator_status": status,
        "review_agreements": agreements,
        "indicator_periods": periods if len(periods) > 1 else [],
    }


def plan_page_context(
    request: HttpRequest,
    plan: DepartmentPlan,
    *,
    visible: bool,
    editable: bool,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """Add the text's heading and the budget panel (planned budget, ceiling, savings)."""
    from .budget_views import budget_context

    context: dict[str, Any] = {"summary_label": _summary_label(plan)}
    if visible:
        context.update(budget_context(plan, editable=editable, extra=extra))
    return context


@member_view
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a department's goal review (and its edit form to those who may edit it now)."""
    return content_detail(request, DepartmentReview, pk)


@member_view
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a department's goal and budget plan."""
    return content_detail(request, DepartmentPlan, pk)


@require_POST
@member_view
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a goal review's text (and submit it, with "Speichern und einreichen")."""
    return content_edit(request, DepartmentReview, pk)


@require_POST
@member_view
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a plan's text (and submit it)."""
    return content_edit(request, DepartmentPlan, pk)


@require_POST
@member_view
def review_indicator_actual(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    """Save the actual value of one of the review department's indicators for the past year."""
    review = get_object_or_404(workflow_queryset(DepartmentReview, request), pk=pk)
    indicator = (
        department_indicators(body_id=review.body_id, department_id=review.department_id)
        .filter(pk=indicator_pk)
        .first()
    )
    if indicator is None:
        raise Http404
    form = IndicatorActualForm(request.POST)
    raw = str(request.POST.get("value", ""))
    if not form.is_valid():
        message = " ".join(str(e) for e in form.errors.get("value", []))
        return content_page(
            request, review, extra={"indicator_input": (indicator.pk, raw, message)}, status=400
        )
    year = review.cycle.year - 1
    period = form.cleaned_data["period"] or Period.YEAR
    try:
        if form.cleaned_data["value"] == "" and period == Period.YEAR:
            stored = indicator_actual_set(
                acting_user=request.user,  # type: ignore[arg-type]
                indicator=indicator,
                year=year,
                value="",
                checker=request_checker(request),
            )
        else:
            stored = indicator_actual_record(
                acting_user=request.user,  # type: ignore[arg-type]
                indicator=indicator,
                year=year,
                period=period,
                value=form.cleaned_data["value"],
                comment=form.cleaned_data["comment"],
                source=form.cleaned_data["source"],
                checker=request_checker(request),
            )
    except ContentError as exc:
        current = workflow_queryset(DepartmentReview, request).get(pk=pk)
        return content_page(
            request,
            current,
            extra={"indicator_input": (indicator.pk, raw, exc.message)},
            status=exc.status,
        )
    if stored is None:
        text = _("Istwert %(year)s für „%(indicator)s“ entfernt.")
    else:
        text = _("Istwert %(year)s für „%(indicator)s“ gespeichert.")
    messages.success(request, text % {"year": year, "indicator": indicator.name})
    return redirect(f"{object_url(review)}#kennzahlen")
