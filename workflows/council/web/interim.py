"""Page: draft the interim report to the council (Zielbilanz of a period) as a paper.

Reached from a milestone of kind interim report on the cycle's page (`?termin=<id>`) or
from the controlling overview (`?jahr=&zeitraum=`); only who manages papers may use it
(403), a milestone of another body is unknown (404). Posting twice gives the same paper.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from planning_cycle.models import Body, CycleMilestone, Department, Period, periods_of_body
from planning_cycle.web import member_view, request_checker

from ..services.base import CouncilError
from ..services.interim import (
    interim_paper_create,
    interim_paper_of,
    interim_period_default,
    period_label,
)
from .common import NAV_PAPERS, form_error, request_user, require_manage


class InterimPaperForm(forms.Form):
    """The reporting period of the goal review and the paper's lead unit."""

    jahr = forms.IntegerField(label=gettext_lazy("Berichtsjahr"), min_value=2000, max_value=2200)
    zeitraum = forms.ChoiceField(label=gettext_lazy("Zeitraum"))
    lead_department = forms.ModelChoiceField(
        label=gettext_lazy("federführende Einheit"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=gettext_lazy("die eigene Einheit, sonst die Strategiesteuerung"),
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period = self.fields["zeitraum"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = [(p, Period(p).label) for p in periods_of_body(body)]
        lead = self.fields["lead_department"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = Department.objects.filter(body_id=body.pk).order_by("code")


@require_http_methods(["GET", "POST"])
@member_view
def interim_paper_new(request: HttpRequest) -> HttpResponse:
    """Offer, and on POST create, the interim report paper of a period."""
    require_manage(request)
    user = request_user(request)
    body = Body.objects.get(pk=user.body_id or 0)
    milestone = _milestone(request, body)
    if request.method != "POST":
        if milestone is not None:
            year, period = interim_period_default(body, milestone.due_date)
        else:
            year, period = interim_period_default(body, timezone.localdate())
        initial = {"jahr": request.GET.get("jahr") or year, "zeitraum": period}
        if request.GET.get("zeitraum") in periods_of_body(body):
            initial["zeitraum"] = request.GET["zeitraum"]
        form = InterimPaperForm(initial=initial, body=body)
        return _page(request, form, milestone)
    form = InterimPaperForm(request.POST, body=body)
    if not form.is_valid():
        return _page(request, form, milestone, status=400)
    data = form.cleaned_data
    try:
        paper, created = interim_paper_create(
            acting_user=user,
            year=data["jahr"],
            period=data["zeitraum"],
            milestone=milestone,
            lead_department=data["lead_department"],
            checker=request_checker(request),
        )
    except CouncilError as exc:
        status = form_error(form, exc)
        return _page(request, form, milestone, status=status)
    if created:
        messages.success(
            request,
            _("Die Vorlage %(reference)s ist als Entwurf angelegt, mit der Zielbilanz als PDF.")
            % {"reference": paper.reference},
        )
    else:
        messages.info(
            request,
            _("Für diesen Zeitraum gibt es schon die Vorlage %(reference)s.")
            % {"reference": paper.reference},
        )
    return redirect("workflows:paper_detail", pk=paper.pk)


def _milestone(request: HttpRequest, body: Body) -> CycleMilestone | None:
    raw = request.POST.get("termin") or request.GET.get("termin")
    if not raw:
        return None
    if not str(raw).isdigit():
        raise Http404
    return get_object_or_404(
        CycleMilestone.objects.select_related("cycle"), pk=int(raw), body_id=body.pk
    )


def _page(
    request: HttpRequest,
    form: InterimPaperForm,
    milestone: CycleMilestone | None,
    status: int = 200,
) -> HttpResponse:
    existing = None
    if form.is_bound and form.is_valid():
        year, period = form.cleaned_data["jahr"], form.cleaned_data["zeitraum"]
    else:
        year, period = form.initial.get("jahr"), form.initial.get("zeitraum")
    if year and period and str(year).isdigit():
        existing = interim_paper_of(request_user(request).body_id or 0, int(year), str(period))
    return render(
        request,
        "council/interim_paper_form.html",
        {
            "form": form,
            "milestone": milestone,
            "existing": existing,
            "period_label": period_label(int(year), str(period))
            if year and period and str(year).isdigit()
            else "",
            "nav_section": NAV_PAPERS,
        },
        status=status,
    )


urls: list[URLPattern] = [
    path("vorlagen/zwischenbericht/", interim_paper_new, name="interim_paper_new"),
]
