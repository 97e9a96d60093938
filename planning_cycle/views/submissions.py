"""The pages of a department review, a department plan and a goal agreement, and their edits.

Reading goes through selectors, writing through the content services
(`workflows.services.content`, `planning_cycle.services.indicators`); a refused edit
re-renders the page with the message at the field and the user's input kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planning_cycle.forms import ContentForm, IndicatorActualForm
from planning_cycle.selectors.indicators import (
    IndicatorRow,
    department_indicator_rows,
    department_indicators,
)
from planning_cycle.web import member_view, request_checker
from workflows.agreements.services import agreement_update
from workflows.agreements.workflow import AGREEMENT_FIELDS
from workflows.conditions import RequiredAnswers
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement
from workflows.registry import state_label, state_of, workflow_of
from workflows.services.content import ContentError, may_edit, not_editable_reason
from workflows.services.transitions import (
    TransitionBlocked,
    TransitionError,
    TransitionOption,
    state_field,
    transition_fire,
)
from workflows.submissions.indicators import indicator_actual_set
from workflows.submissions.services import plan_update, review_update
from workflows.web import object_url, workflow_queryset

from .panels import SUBMIT, Panel, panel_for

AGREEMENT_QUESTIONS = AGREEMENT_FIELDS


def _form_class(model: type[models.Model]) -> type[ContentForm]:
    form_class: type[ContentForm] = import_string(workflow_of(model).edit_form)
    return form_class


class SubmitForm(forms.Form):
    """What the edit form sends besides the text when it saves and submits at once."""

    comment = forms.CharField(required=False, strip=False)
    expected_state = forms.CharField(required=False, max_length=30)


def _required_answers(model: type[models.Model]) -> tuple[str, ...]:
    """Return the fields the model's submit transition requires an answer in."""
    # django-fsm lists a transition once per source state: keep each field once.
    names = (
        name
        for t in state_field(model).get_all_transitions(model)
        if t.name == SUBMIT
        for condition in t.conditions
        if isinstance(condition, RequiredAnswers)
        for name in condition.fields
    )
    return tuple(dict.fromkeys(names))


def _submit_in_form(obj: models.Model, panel: Panel) -> TransitionOption | None:
    """Return the submit the edit form offers: the user's, unless more than answers block it.

    The answers still missing in the stored version may be in the form: only what the form
    cannot change (such as the cycle's phase) keeps the button away.
    """
    option = next((o for o in panel.item.options if o.name == SUBMIT), None)
    if option is None or option.enabled:
        return option
    state = state_of(obj)
    for t in state_field(type(obj)).get_all_transitions(type(obj)):
        if t.name == SUBMIT and t.source == state:
            beyond = [c for c in t.conditions if not isinstance(c, RequiredAnswers)]
            if all(c(obj) for c in beyond):
                return option
    return None


@dataclass
class IndicatorEntry:
    """A row of the review's indicator table with its input (and error, after a refusal)."""

    row: IndicatorRow
    value: str
    error: str = ""


def input_value(value: Decimal | None) -> str:
    """Format a stored value for an input field: no exponent, no trailing zeros."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


def _edit_form(obj: models.Model) -> ContentForm:
    form_class = _form_class(type(obj))
    initial = {name: getattr(obj, name) for name in form_class.base_fields if hasattr(obj, name)}
    initial["expected_updated_at"] = obj.updated_at.isoformat()  # type: ignore[attr-defined]
    return form_class(initial=initial)


def _page(
    request: HttpRequest,
    obj: models.Model,
    *,
    form: ContentForm | None = None,
    stored_changed: bool = False,
    indicator_input: tuple[int, str, str] | None = None,
    submit_form: SubmitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render an object's page; `form`, `submit_form`, `indicator_input` carry a refusal back."""
    user = request.user
    checker = request_checker(request)
    panel = panel_for(request, obj, next_url=object_url(obj))
    editor = may_edit(user, checker, obj)  # type: ignore[arg-type]
    locked_reason = not_editable_reason(obj) if editor else ""
    if form is None and editor and not locked_reason:
        form = _edit_form(obj)
    edit_form = form if panel.item.content_visible else None
    # Submitting goes with the edit form, so that it saves what the form holds.
    submit = _submit_in_form(obj, panel) if edit_form is not None and not locked_reason else None
    panel.submit_in_form = submit is not None
    context: dict[str, Any] = {
        "object": obj,
        "panel": panel,
        "nav_section": "cycles",
        "edit_form": edit_form,
        "edit_url": _edit_url(obj),
        "edit_note": locked_reason,
        "stored_changed": stored_changed,
        "submit": submit,
        "submit_comment": submit_form.data.get("comment", "") if submit_form else "",
        # What blocks submitting the stored version; after a refusal the form says it.
        "submit_hint": submit.blocked_by if submit and not (form and form.is_bound) else (),
        # An editor without the submit permission prepares what the head submits.
        "submit_by_head": edit_form is not None
        and not locked_reason
        and not any(o.name == SUBMIT for o in panel.item.options),
        "required_for_submit": _required_answers(type(obj)),
    }
    if form is not None and form.errors and not panel.item.content_visible:
        # The form is not shown (the user may not see the draft): say why nothing was saved.
        context["page_error"] = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if isinstance(obj, GoalAgreement):
        # The five questions of a goal agreement; the field labels are the questions.
        context["questions"] = [
            (GoalAgreement._meta.get_field(name).verbose_name, getattr(obj, name))
            for name in AGREEMENT_QUESTIONS
        ]
    if isinstance(obj, DepartmentReview) and panel.item.content_visible:
        year = obj.cycle.year - 1
        rows = department_indicator_rows(
            body_id=obj.body_id, department_id=obj.department_id, year=year
        )
        entries = [IndicatorEntry(row=row, value=input_value(row.actual)) for row in rows]
        if indicator_input is not None:
            pk, raw, message = indicator_input
            for entry in entries:
                if entry.row.indicator.pk == pk:
                    entry.value, entry.error = raw, message
        context["indicator_year"] = year
        context["indicator_entries"] = entries
        context["indicators_editable"] = editor and not locked_reason
    return render(request, workflow_of(obj).template, context, status=status)


def _edit_url(obj: models.Model) -> str:
    return reverse(workflow_of(obj).edit_url_name, args=[obj.pk])


def _detail(request: HttpRequest, model: type[models.Model], pk: int) -> HttpResponse:
    obj = get_object_or_404(workflow_queryset(model, request), pk=pk)
    return _page(request, obj)


@member_view
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a department's goal review (and its edit form to those who may edit it now)."""
    return _detail(request, DepartmentReview, pk)


@member_view
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a department's goal and budget plan."""
    return _detail(request, DepartmentPlan, pk)


@member_view
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a goal agreement with its five questions."""
    return _detail(request, GoalAgreement, pk)


def _save(request: HttpRequest, obj: models.Model, form: ContentForm) -> None:
    """Write the form's text through the content service of the object's model."""
    data = form.cleaned_data
    common = {
        "acting_user": request.user,
        "expected_updated_at": form.expected(),
        "checker": request_checker(request),
    }
    if isinstance(obj, DepartmentReview):
        review_update(review=obj, summary=data["summary"], **common)  # type: ignore[arg-type]
    elif isinstance(obj, DepartmentPlan):
        plan_update(plan=obj, summary=data["summary"], **common)  # type: ignore[arg-type]
    else:
        agreement_update(
            agreement=obj,  # type: ignore[arg-type]
            **{name: data[name] for name in AGREEMENT_FIELDS},
            **common,  # type: ignore[arg-type]
        )


def _edit(request: HttpRequest, model: type[models.Model], pk: int) -> HttpResponse:
    """Save the text; with "Speichern und einreichen" also submit, both or neither."""
    queryset = workflow_queryset(model, request)
    obj = get_object_or_404(queryset, pk=pk)
    form = _form_class(model)(request.POST)
    submitting = request.POST.get("action") == SUBMIT
    submit_form = SubmitForm(request.POST) if submitting else None
    if not form.is_valid() or (submit_form is not None and not submit_form.is_valid()):
        return _page(request, obj, form=form, submit_form=submit_form, status=400)
    try:
        with transaction.atomic():
            _save(request, obj, form)
            if submit_form is not None:
                result = transition_fire(
                    acting_user=request.user,  # type: ignore[arg-type]
                    obj=obj,
                    transition=SUBMIT,
                    comment=submit_form.cleaned_data["comment"],
                    expected_state=submit_form.cleaned_data["expected_state"] or None,
                    checker=request_checker(request),
                )
    except ContentError as exc:
        current = queryset.get(pk=pk)
        stored_changed = False
        if exc.status == 409 and not not_editable_reason(current):
            # Changed meanwhile: keep the user's input, show the stored version beside it
            # and let a second, deliberate save overwrite it.
            stored_changed = True
            form = _rebind(form, expected_updated_at=current.updated_at.isoformat())
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _page(
            request,
            current,
            form=form,
            stored_changed=stored_changed,
            submit_form=submit_form,
            status=exc.status,
        )
    except TransitionError as exc:
        # Nothing was saved (one transaction): the input stays in the form, with the reason.
        current = queryset.get(pk=pk)
        form.add_error(
            None, _("Nicht eingereicht und nicht gespeichert: %(reason)s") % {"reason": exc.message}
        )
        if isinstance(exc, TransitionBlocked):
            for name in _required_answers(model):
                if not form.cleaned_data.get(name, "").strip():
                    form.add_error(name, _("Zum Einreichen erforderlich."))
        return _page(request, current, form=form, submit_form=submit_form, status=exc.status)
    if submit_form is None:
        messages.success(request, str(workflow_of(model).saved_message))
    else:
        messages.success(
            request,
            _("Gespeichert und eingereicht: %(object)s steht jetzt auf „%(state)s“.")
            % {"object": result.obj, "state": state_label(model, state_of(result.obj))},
        )
    return redirect(object_url(obj))


def _rebind(form: ContentForm, **changes: str) -> ContentForm:
    data = form.data.copy()  # type: ignore[attr-defined]
    for key, value in changes.items():
        data[key] = value
    rebound = type(form)(data)
    rebound.is_valid()
    return rebound


@require_POST
@member_view
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a goal review's text."""
    return _edit(request, DepartmentReview, pk)


@require_POST
@member_view
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a plan's text."""
    return _edit(request, DepartmentPlan, pk)


@require_POST
@member_view
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a goal agreement's five answers."""
    return _edit(request, GoalAgreement, pk)


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
        return _page(request, review, indicator_input=(indicator.pk, raw, message), status=400)
    year = review.cycle.year - 1
    try:
        stored = indicator_actual_set(
            acting_user=request.user,  # type: ignore[arg-type]
            indicator=indicator,
            year=year,
            value=form.cleaned_data["value"],
            checker=request_checker(request),
        )
    except ContentError as exc:
        current = workflow_queryset(DepartmentReview, request).get(pk=pk)
        return _page(
            request, current, indicator_input=(indicator.pk, raw, exc.message), status=exc.status
        )
    if stored is None:
        text = _("Istwert %(year)s für „%(indicator)s“ entfernt.")
    else:
        text = _("Istwert %(year)s für „%(indicator)s“ gespeichert.")
    messages.success(request, text % {"year": year, "indicator": indicator.name})
    return redirect(f"{object_url(review)}#kennzahlen")
