"""The review page's forms on the past cycle: achievement of agreements, corrected actuals."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import sanitize_separators
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import Indicator, Period, User
from planning_cycle.selectors.indicators import department_indicators
from planning_cycle.web import member_view, request_checker
from workflows.models import (
    REPORTED_AGREEMENT_STATES,
    DepartmentReview,
    GoalAgreement,
    ReviewState,
)
from workflows.selectors import state_label, state_of, transition_label
from workflows.services.content import ContentError
from workflows.services.transitions import (
    TransitionError,
    TransitionOption,
    transition_fire,
    transitions_available,
)
from workflows.views.content import content_page
from workflows.web import object_url, workflow_queryset

from .indicators import CORRECT, indicator_actual_correct

# The transitions that report an agreement's achievement (their targets are the outcomes).
REPORT_TRANSITIONS = (
    "report_achieved",
    "report_partly_achieved",
    "report_not_achieved",
    "report_carried_over",
)


@dataclass
class OutcomeInput:
    """What the achievement form of one agreement holds (and why it was refused)."""

    options: list[TransitionOption] = field(default_factory=list)
    chosen: str = ""
    comment: str = ""
    error: str = ""


@dataclass
class CorrectionInput:
    """What the correction form of one locked actual holds (and why it was refused)."""

    value: str = ""
    period: str = Period.YEAR
    reason: str = ""
    comment: str = ""
    source: str = ""
    error: str = ""
    error_field: str = ""


def outcome_input(
    *, user: User, agreement: GoalAgreement, checker: ObjectPermissionChecker
) -> OutcomeInput:
    """Return the achievement reports the user may make on the agreement now (maybe none)."""
    options = [
        option
        for option in transitions_available(user=user, obj=agreement, checker=checker)
        if option.target in REPORTED_AGREEMENT_STATES and option.enabled
    ]
    return OutcomeInput(options=sorted(options, key=lambda o: REPORT_TRANSITIONS.index(o.name)))


def may_correct(*, user: User, review: DepartmentReview, checker: ObjectPermissionChecker) -> bool:
    """Tell whether the user may correct the review's locked actuals (it is accepted)."""
    return review.state == ReviewState.ACCEPTED and user_may(checker, user, CORRECT, review)


def _past_agreement(request: HttpRequest, review: DepartmentReview, pk: int) -> GoalAgreement:
    """Return an agreement of the review's department and past cycle, or 404."""
    return get_object_or_404(
        workflow_queryset(GoalAgreement, request).select_related(
            "operative_goal", "department", "cycle"
        ),
        pk=pk,
        body_id=review.body_id,
        department_id=review.department_id,
        cycle__year=review.cycle.year - 1,
    )


@require_POST
@member_view
def review_agreement_outcome(request: HttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    """Report an agreement's achievement through the transition service."""
    review = get_object_or_404(workflow_queryset(DepartmentReview, request), pk=pk)
    agreement = _past_agreement(request, review, agreement_pk)
    chosen = str(request.POST.get("transition", ""))
    comment = str(request.POST.get("comment", ""))
    try:
        if chosen not in REPORT_TRANSITIONS:
            raise TransitionError(_("Bitte wählen Sie die Zielerreichung aus."))
        result = transition_fire(
            acting_user=request.user,  # type: ignore[arg-type]
            obj=agreement,
            transition=chosen,
            comment=comment,
            expected_state=str(request.POST.get("expected_state", "")) or None,
            checker=request_checker(request),
        )
    except TransitionError as exc:
        current = workflow_queryset(DepartmentReview, request).get(pk=pk)
        refused = (agreement.pk, chosen, comment, exc.message)
        return content_page(request, current, extra={"agreement_input": refused}, status=exc.status)
    done = result.obj
    messages.success(
        request,
        _("„%(action)s“ ausgeführt: %(object)s steht jetzt auf „%(state)s“.")
        % {
            "action": transition_label(GoalAgreement, chosen),
            "object": done,
            "state": state_label(GoalAgreement, state_of(done)),
        },
    )
    return redirect(f"{object_url(review)}#zv-{agreement.pk}")


def _review_indicator(review: DepartmentReview, indicator_pk: int) -> Indicator:
    indicator = (
        department_indicators(body_id=review.body_id, department_id=review.department_id)
        .filter(pk=indicator_pk)
        .first()
    )
    if indicator is None:
        raise Http404
    return indicator


@require_POST
@member_view
def review_indicator_correct(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    """Correct a locked actual of the review's year: a new version with a reason."""
    review = get_object_or_404(workflow_queryset(DepartmentReview, request), pk=pk)
    indicator = _review_indicator(review, indicator_pk)
    data = CorrectionInput(
        **{
            name: str(request.POST.get(name, ""))
            for name in ("value", "period", "reason", "comment", "source")
        }
    )
    data.period = data.period or Period.YEAR
    # The localised decimal separator is accepted (48,5 or 48.5), as in the entry form.
    raw = data.value.strip().replace(" ", "")
    value = str(sanitize_separators(raw)) if raw else ""
    year = review.cycle.year - 1
    try:
        indicator_actual_correct(
            acting_user=request.user,  # type: ignore[arg-type]
            indicator=indicator,
            year=year,
            period=data.period,
            value=value,
            reason=data.reason,
            comment=data.comment,
            source=data.source,
            checker=request_checker(request),
        )
    except ContentError as exc:
        if exc.status == 403:
            # Those who may not correct are not shown the form: nothing to fill in again.
            raise PermissionDenied(exc.message) from None
        data.error, data.error_field = exc.message, exc.field or ""
        return content_page(
            request,
            review,
            extra={"indicator_correction": (indicator.pk, data)},
            status=exc.status,
        )
    messages.success(
        request,
        _("Istwert %(year)s für „%(indicator)s“ korrigiert; die bisherige Fassung bleibt erhalten.")
        % {"year": year, "indicator": indicator.name},
    )
    return redirect(f"{object_url(review)}#kennzahl-{indicator.pk}")
