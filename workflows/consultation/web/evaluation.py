"""Pages: the evaluation (Abwägung), the weighing table with its exports, the final notice.

Every object is found through the access gate; what a user may not see is a 404. Writing
goes through the evaluation services and the transition service.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from planning_cycle.models import Department, User
from planning_cycle.web import request_checker
from workflows.panels import panel_for
from workflows.services.content import may_edit
from workflows.services.transitions import TransitionError
from workflows.web import object_url, workflow_queryset

from ..exports import XLSX_TYPE, export_filename, weighing_pdf, weighing_xlsx
from ..models import ConsultationRound, Evaluation, Invitation, Statement
from ..selectors.evaluation import (
    TableAccess,
    WeighingRow,
    conflict_rows,
    final_notice_context,
    may_manage,
    may_view_all,
    weighing_access,
    weighing_rows,
)
from ..services.evaluation import (
    WEIGHING_STATES,
    EvaluationError,
    evaluation_assign,
    evaluation_record,
    evaluation_update,
)
from ..states import EvaluationState, RoundState
from .common import participant_view
from .evaluation_forms import AssignForm, EvaluationForm, WeighingFilterForm

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _round(request: HttpRequest, pk: int) -> ConsultationRound:
    found: ConsultationRound = get_object_or_404(
        workflow_queryset(ConsultationRound, request), pk=pk
    )
    return found


def _managed_round(request: HttpRequest, pk: int) -> ConsultationRound:
    """Return the round if the user runs it; else 404 (others do not learn of the page)."""
    round_ = _round(request, pk)
    if not may_manage(_user(request), request_checker(request), round_):
        raise Http404
    return round_


# --- one evaluation ------------------------------------------------------------------------


def _evaluation(request: HttpRequest, pk: int) -> Evaluation:
    queryset = workflow_queryset(Evaluation, request).select_related(
        "statement__section", "statement__department", "statement__organisation", "round__body"
    )
    found: Evaluation = get_object_or_404(queryset, pk=pk)
    return found


def _editable(request: HttpRequest, evaluation: Evaluation) -> bool:
    return (
        evaluation.state == EvaluationState.ASSIGNED
        and evaluation.round.state in WEIGHING_STATES
        and may_edit(_user(request), request_checker(request), evaluation)
    )


def _detail_page(
    request: HttpRequest,
    evaluation: Evaluation,
    *,
    form: EvaluationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    editable = _editable(request, evaluation)
    if form is None and editable:
        form = EvaluationForm(
            initial={
                "disposition": evaluation.disposition,
                "reason": evaluation.reason,
                "expected_updated_at": evaluation.updated_at.isoformat(),
            }
        )
    statement: Statement = evaluation.statement
    context = {
        "object": evaluation,
        "evaluation": evaluation,
        "statement": statement,
        "round": evaluation.round,
        "panel": panel_for(request, evaluation, next_url=object_url(evaluation)),
        "form": form if editable else None,
        "may_manage": may_manage(_user(request), request_checker(request), evaluation.round),
        "nav_section": "consultation",
    }
    return render(request, "consultation/evaluation_detail.html", context, status=status)


@require_GET
@participant_view
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a statement with its evaluation and, for its evaluator, the form to weigh it."""
    return _detail_page(request, _evaluation(request, pk))


@require_POST
@participant_view
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the disposition and reason; with "festhalten" also record them, both or neither."""
    evaluation = _evaluation(request, pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, evaluation, form=form, status=400)
    values = {
        "disposition": form.cleaned_data["disposition"],
        "reason": form.cleaned_data["reason"],
        "expected_updated_at": form.expected(),
    }
    recording = request.POST.get("action") == "record"
    try:
        with transaction.atomic():
            if recording:
                evaluation_record(
                    acting_user=_user(request),
                    evaluation=evaluation,
                    checker=request_checker(request),
                    **values,
                )
            else:
                evaluation_update(
                    acting_user=_user(request),
                    evaluation=evaluation,
                    checker=request_checker(request),
                    **values,
                )
    except EvaluationError as exc:
        current = _evaluation(request, pk)
        if exc.status == 409 and _editable(request, current):
            # Changed meanwhile: keep the input; a second, deliberate save overwrites.
            data = request.POST.copy()
            data["expected_updated_at"] = current.updated_at.isoformat()
            form = EvaluationForm(data)
            form.is_valid()
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _detail_page(request, current, form=form, status=exc.status)
    except TransitionError as exc:
        form.add_error(
            None,
            _("Nicht festgehalten und nicht gespeichert: %(reason)s") % {"reason": exc.message},
        )
        return _detail_page(request, _evaluation(request, pk), form=form, status=exc.status)
    if recording:
        messages.success(request, _("Die Abwägung wurde festgehalten."))
    else:
        messages.success(request, _("Die Abwägung wurde gespeichert."))
    return redirect(object_url(evaluation))


# --- assigning ------------------------------------------------------------------------------


def _departments(round_: ConsultationRound) -> list[Department]:
    return list(Department.objects.filter(body_id=round_.body_id).order_by("code"))


def _assign_page(
    request: HttpRequest,
    round_: ConsultationRound,
    *,
    form: AssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = [r for r in weighing_rows(round_) if not r.recorded]
    departments = _departments(round_)
    if form is None:
        form = AssignForm(statement_ids=[r.statement_id for r in rows], departments=departments)
    checked = {str(v) for v in (form["statements"].value() or [])}
    context = {
        "round": round_,
        "rows": rows,
        "form": form,
        "checked": checked,
        "weighable": round_.state in WEIGHING_STATES,
        "nav_section": "consultation",
    }
    return render(request, "consultation/evaluation_assign.html", context, status=status)


@require_http_methods(["GET", "POST"])
@participant_view
def evaluation_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """List the statements not yet weighed; assign the chosen ones to an evaluator."""
    round_ = _managed_round(request, pk)
    if request.method == "GET":
        return _assign_page(request, round_)
    ids = [r.statement_id for r in weighing_rows(round_) if not r.recorded]
    form = AssignForm(request.POST, statement_ids=ids, departments=_departments(round_))
    if not form.is_valid():
        return _assign_page(request, round_, form=form, status=400)
    chosen = form.cleaned_data["department"]
    department = (
        Department.objects.filter(body_id=round_.body_id, pk=int(chosen)).first()
        if chosen
        else None
    )
    try:
        done = evaluation_assign(
            acting_user=_user(request),
            round_=round_,
            statement_ids=form.cleaned_data["statements"],
            department=department,
            checker=request_checker(request),
        )
    except EvaluationError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _assign_page(request, _round(request, pk), form=form, status=exc.status)
    evaluator = (
        f"{department.code} {department.name}" if department else _("Strategische Steuerung")
    )
    messages.success(
        request,
        _("%(n)d Stellungnahme(n) zur Abwägung zugewiesen: %(evaluator)s.")
        % {"n": len(done), "evaluator": evaluator},
    )
    return redirect(reverse("workflows:evaluation_assign", args=[round_.pk]))


# --- conflicts and the weighing table --------------------------------------------------------


@require_GET
@participant_view
def round_conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    """List the statements still needing a decision, each with why."""
    round_ = _round(request, pk)
    if not may_view_all(_user(request), request_checker(request), round_):
        raise Http404
    context = {
        "round": round_,
        "rows": conflict_rows(round_),
        "may_manage": may_manage(_user(request), request_checker(request), round_),
        "nav_section": "consultation",
    }
    return render(request, "consultation/evaluation_conflicts.html", context)


def _table(
    request: HttpRequest, pk: int
) -> tuple[ConsultationRound, TableAccess, WeighingFilterForm, list[WeighingRow], bool]:
    """Find the round, the user's view of its table, the filters and the rows (else 404)."""
    round_ = _round(request, pk)
    access = weighing_access(_user(request), request_checker(request), round_)
    if access is None:
        raise Http404
    departments = _departments(round_)
    if access.departments is not None:
        departments = [d for d in departments if d.pk in access.departments]
    form = WeighingFilterForm(
        request.GET, departments=departments, sections=round_.sections.order_by("position", "id")
    )
    anonymous = access.anonymous_only or request.GET.get("anonym") == "1"
    rows = weighing_rows(
        round_, filters=form.filters(), anonymous=anonymous, departments=access.departments
    )
    return round_, access, form, rows, anonymous


@require_GET
@participant_view
def weighing_table(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the weighing table, filtered by position, disposition, evaluator and section."""
    round_, access, form, rows, anonymous = _table(request, pk)
    query = request.GET.copy()
    query.pop("anonym", None)
    context = {
        "round": round_,
        "rows": rows,
        "filters": form,
        "filtered": form.filters().active,
        "anonymous": anonymous,
        "access": access,
        "query": query.urlencode(),
        "published": round_.state == RoundState.CONCLUDED,
        "may_manage": may_manage(_user(request), request_checker(request), round_),
        "nav_section": "consultation",
    }
    return render(request, "consultation/weighing_table.html", context)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@participant_view
def weighing_table_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the (filtered) weighing table as XLSX; ?anonym=1 without personal data."""
    round_, _access, _form, rows, anonymous = _table(request, pk)
    content = weighing_xlsx(round_, rows, anonymous=anonymous)
    return _download(content, XLSX_TYPE, export_filename(round_, "xlsx"))


@require_GET
@participant_view
def weighing_table_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the (filtered) weighing table as PDF; ?anonym=1 without personal data."""
    round_, _access, _form, rows, anonymous = _table(request, pk)
    content = weighing_pdf(round_, rows, anonymous=anonymous)
    return _download(content, "application/pdf", export_filename(round_, "pdf"))


# --- the final notice -----------------------------------------------------------------------


@require_GET
@participant_view
def final_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an invitee the final notice: how each of its statements was weighed."""
    invitation: Invitation = get_object_or_404(
        workflow_queryset(Invitation, request).select_related("round__body"), pk=pk
    )
    if invitation.round.state != RoundState.CONCLUDED:
        raise Http404
    context = {
        "invitation": invitation,
        "round": invitation.round,
        "notice": final_notice_context(invitation),
        "nav_section": "consultation",
    }
    return render(request, "consultation/evaluation_final_notice.html", context)


urls: list[URLPattern] = [
    path("abwaegung/<int:pk>/", evaluation_detail, name="evaluation_detail"),
    path("abwaegung/<int:pk>/bearbeiten/", evaluation_edit, name="evaluation_edit"),
    path("<int:pk>/abwaegung/zuweisen/", evaluation_assign_view, name="evaluation_assign"),
    path("<int:pk>/konflikte/", round_conflicts, name="round_conflicts"),
    path("<int:pk>/abwaegungstabelle/", weighing_table, name="weighing_table"),
    path("<int:pk>/abwaegungstabelle.xlsx", weighing_table_xlsx, name="weighing_table_xlsx"),
    path("<int:pk>/abwaegungstabelle.pdf", weighing_table_pdf, name="weighing_table_pdf"),
    path("einladung/<int:pk>/schlussmitteilung/", final_notice, name="final_notice"),
]
