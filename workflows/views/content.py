"""The content page of a workflow object and its edit: the text, the submit, the panel.

A workflow that declares content fields, an edit form and a template gets this page; what
only it shows (a review's indicators, an agreement's questions) comes from its declared
`page_context`. Writing goes through `content_update` and `transition_fire`; a refused edit
re-renders the page with the message at the field and the user's input kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from planning_cycle.web import request_checker
from workflows.conditions import RequiredAnswers
from workflows.forms import ContentForm, SubmitForm
from workflows.panels import SUBMIT, Panel, panel_for
from workflows.registry import state_label, state_of, workflow_of
from workflows.services.content import (
    ContentError,
    content_update,
    may_edit,
    not_editable_reason,
)
from workflows.services.transitions import (
    TransitionBlocked,
    TransitionError,
    TransitionOption,
    state_field,
    transition_fire,
    transition_warnings,
)
from workflows.web import object_url, workflow_queryset


def _form_class(model: type[models.Model]) -> type[ContentForm]:
    form_class: type[ContentForm] = import_string(workflow_of(model).edit_form)
    return form_class


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


def _edit_form(obj: models.Model) -> ContentForm:
    form_class = _form_class(type(obj))
    initial = {name: getattr(obj, name) for name in form_class.base_fields if hasattr(obj, name)}
    initial["expected_updated_at"] = obj.updated_at.isoformat()  # type: ignore[attr-defined]
    return form_class(initial=initial)


def content_page(
    request: HttpRequest,
    obj: models.Model,
    *,
    form: ContentForm | None = None,
    stored_changed: bool = False,
    submit_form: SubmitForm | None = None,
    status: int = 200,
    extra: Mapping[str, Any] | None = None,
    confirm_error: str = "",
) -> HttpResponse:
    """Render an object's page; `form`, `submit_form` and `extra` carry a refusal back.

    `extra` goes to the workflow's `page_context`, which adds what only it shows.
    """
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
        "object_label": obj._meta.verbose_name,
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
        # What submitting warns of: the form asks to confirm it (it does not block).
        "submit_warnings": transition_warnings(obj, SUBMIT) if submit else (),
        "confirm_error": confirm_error,
    }
    if form is not None and form.errors and not panel.item.content_visible:
        # The form is not shown (the user may not see the draft): say why nothing was saved.
        context["page_error"] = " ".join(str(e) for errors in form.errors.values() for e in errors)
    workflow = workflow_of(obj)
    if workflow.page_context:
        add = import_string(workflow.page_context)
        context.update(
            add(
                request,
                obj,
                visible=panel.item.content_visible,
                editable=editor and not locked_reason,
                extra=extra or {},
            )
        )
    return render(request, workflow_of(obj).template, context, status=status)


def _edit_url(obj: models.Model) -> str:
    return reverse(workflow_of(obj).edit_url_name, args=[obj.pk])


def content_detail(request: HttpRequest, model: type[models.Model], pk: int) -> HttpResponse:
    """Show an object's page (404 for what the access gate hides)."""
    obj = get_object_or_404(workflow_queryset(model, request), pk=pk)
    return content_page(request, obj)


def _save(request: HttpRequest, obj: models.Model, form: ContentForm) -> None:
    """Write the form's content fields through the content service."""
    content_update(
        acting_user=request.user,  # type: ignore[arg-type]
        obj=obj,
        values={name: form.cleaned_data[name] for name in workflow_of(obj).content_fields},
        expected_updated_at=form.expected(),
        checker=request_checker(request),
    )


def content_edit(request: HttpRequest, model: type[models.Model], pk: int) -> HttpResponse:
    """Save the text; with "Speichern und einreichen" also submit, both or neither."""
    queryset = workflow_queryset(model, request)
    obj = get_object_or_404(queryset, pk=pk)
    form = _form_class(model)(request.POST)
    submitting = request.POST.get("action") == SUBMIT
    submit_form = SubmitForm(request.POST) if submitting else None
    if not form.is_valid() or (submit_form is not None and not submit_form.is_valid()):
        return content_page(request, obj, form=form, submit_form=submit_form, status=400)
    warnings = transition_warnings(obj, SUBMIT) if submit_form is not None else ()
    if warnings and not submit_form.cleaned_data["confirm_warnings"]:  # type: ignore[union-attr]
        # The confirmation step: nothing is saved until the user confirms the warning.
        return content_page(
            request,
            obj,
            form=form,
            submit_form=submit_form,
            status=400,
            confirm_error=_(
                "Nicht eingereicht und nicht gespeichert: bitte bestätigen Sie, dass Sie "
                "trotz des Hinweises einreichen möchten."
            ),
        )
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
        return content_page(
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
        return content_page(request, current, form=form, submit_form=submit_form, status=exc.status)
    if submit_form is None:
        messages.success(request, str(workflow_of(model).saved_message))
    else:
        messages.success(
            request,
            _("Gespeichert und eingereicht: %(object)s steht jetzt auf „%(state)s“.")
            % {"object": result.obj, "state": state_label(model, state_of(result.obj))},
        )
        for warning in result.extra.get("warnings", ()):
            messages.warning(request, warning)
    return redirect(object_url(obj))


def _rebind(form: ContentForm, **changes: str) -> ContentForm:
    data = form.data.copy()  # type: ignore[attr-defined]
    for key, value in changes.items():
        data[key] = value
    rebound = type(form)(data)
    rebound.is_valid()
    return rebound
