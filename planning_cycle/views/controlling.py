"""The controlling overview, the reports as downloads and the page of an indicator.

The overview and the goal review report are for management and the strategy unit (the
roles that read the consistency check); department users get 403. The catalog PDF and
the indicator pages are for every member, like the catalog page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from planning_cycle.controlling.consistency import catalog_check_allowed
from planning_cycle.controlling.overview import controlling_overview
from planning_cycle.controlling.reports.data import field_chart, goal_review
from planning_cycle.controlling.reports.pdf import catalog_pdf, goal_review_pdf
from planning_cycle.controlling.reports.xlsx import goal_review_xlsx
from planning_cycle.controlling.selectors import reporting_year_default, reporting_years
from planning_cycle.controlling.trend import indicator_trend, indicators_of_body
from planning_cycle.models import Body, Period
from planning_cycle.views.goals import ReportingPeriodForm
from planning_cycle.web import body_id, member_view, request_roles

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_controlling(request: HttpRequest) -> None:
    if not catalog_check_allowed(request_roles(request)):
        raise PermissionDenied


def _period(request: HttpRequest, body: int) -> tuple[ReportingPeriodForm, int, str]:
    """Return the period form and the chosen (else default) year and period."""
    default_year = reporting_year_default(body)
    years = sorted({default_year, *reporting_years(body)}, reverse=True)
    form = ReportingPeriodForm(
        request.GET or {"jahr": default_year, "zeitraum": Period.YEAR}, years=years
    )
    form.is_valid()
    year = form.cleaned_data.get("jahr") or default_year
    return form, year, form.cleaned_data.get("zeitraum") or Period.YEAR


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
@member_view
def overview(request: HttpRequest) -> HttpResponse:
    """Show per policy field the rolled-up status, counts and worst child, expandable."""
    _require_controlling(request)
    body = body_id(request)
    form, year, period = _period(request, body)
    data = controlling_overview(body_id=body, year=year, period=period)
    rows = [
        (row, field_chart(row.status.leaves, row.policy_field.name, row.policy_field.pk))
        for row in data.fields
    ]
    return render(
        request,
        "controlling/overview.html",
        {
            "overview": data,
            "status": data.status,
            "rows": rows,
            "filters": form,
            "query": f"jahr={year}&zeitraum={period}",
            "nav_section": "goals",
        },
    )


def _file_period(year: int, period: str) -> str:
    return str(year) if period == Period.YEAR else f"{year}_{period.upper()}"


@require_GET
@member_view
def goal_review_download_pdf(request: HttpRequest) -> HttpResponse:
    """Download the goal review report (Zielbilanz) of the period as PDF."""
    _require_controlling(request)
    body = get_object_or_404(Body, pk=body_id(request))
    _form, year, period = _period(request, body.pk)
    review = goal_review(body=body, year=year, period=period)
    name = _("Zielbilanz_%(period)s.pdf") % {"period": _file_period(year, period)}
    return _download(goal_review_pdf(review), "application/pdf", name)


@require_GET
@member_view
def goal_review_download_xlsx(request: HttpRequest) -> HttpResponse:
    """Download the goal review report (Zielbilanz) of the period as XLSX."""
    _require_controlling(request)
    body = get_object_or_404(Body, pk=body_id(request))
    _form, year, period = _period(request, body.pk)
    review = goal_review(body=body, year=year, period=period)
    name = _("Zielbilanz_%(period)s.xlsx") % {"period": _file_period(year, period)}
    return _download(goal_review_xlsx(review), XLSX, name)


@require_GET
@member_view
def catalog_download_pdf(request: HttpRequest) -> HttpResponse:
    """Download the body's goal catalog for the council as PDF."""
    body = get_object_or_404(Body, pk=body_id(request))
    return _download(catalog_pdf(body), "application/pdf", _("Zielkatalog.pdf"))


@require_GET
@member_view
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an indicator with the trend of its targets and actuals and the data table."""
    indicator = get_object_or_404(indicators_of_body(body_id(request)), pk=pk)
    rows, chart = indicator_trend(indicator)
    return render(
        request,
        "controlling/indicator.html",
        {"indicator": indicator, "rows": rows, "chart": chart, "nav_section": "goals"},
    )
