"""POST /uebergang/<model>/<id>/: fire a transition through the transition service."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from planning_cycle.web import member_view, request_checker, safe_next
from workflows.panels import HEADING_LEVELS, panel_for
from workflows.registry import UnknownWorkflow, workflow_by_slug
from workflows.selectors import state_label, state_of, transition_label
from workflows.services.transitions import TransitionError, transition_fire
from workflows.web import object_url, workflow_queryset


class TransitionForm(forms.Form):
    transition = forms.CharField(label=gettext_lazy("Schritt"), max_length=60)
    comment = forms.CharField(label=gettext_lazy("Kommentar"), required=False, max_length=10_000)
    override_reason = forms.CharField(
        label=gettext_lazy("Begründung"), required=False, max_length=10_000
    )
    expected_state = forms.CharField(
        label=gettext_lazy("angezeigter Status"), required=False, max_length=30
    )
    heading_level = forms.TypedChoiceField(
        required=False, coerce=int, choices=[(n, n) for n in HEADING_LEVELS], empty_value=None
    )
    # The page's edit form offers "Einreichen" (see Panel.submit_in_form): keep it there.
    submit_in_form = forms.BooleanField(required=False)

    def problems(self) -> str:
        """Name each invalid field with what is wrong with it."""
        return " ".join(
            f"{self.fields[name].label or name}: {' '.join(str(e) for e in errors)}"
            for name, errors in self.errors.items()
        )


@require_POST
@member_view
def transition(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    """Fire a transition; answer htmx with the object's panel, others with a redirect."""
    try:
        workflow = workflow_by_slug(model)
    except UnknownWorkflow:
        raise Http404 from None
    model_cls = workflow.model
    queryset = workflow_queryset(model_cls, request)
    # The access gate: a draft the user may not see is as unknown as another body's object.
    obj = get_object_or_404(queryset, pk=pk)
    next_url = safe_next(request, request.POST.get("next"), object_url(obj))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            queryset,
            pk,
            next_url,
            form,
            form.problems(),
            status=400,
        )
    data = form.cleaned_data
    try:
        result = transition_fire(
            acting_user=request.user,  # type: ignore[arg-type]
            obj=obj,
            transition=data["transition"],
            comment=data["comment"],
            override_reason=data["override_reason"],
            expected_state=data["expected_state"] or None,
            checker=request_checker(request),
        )
    except TransitionError as exc:
        return _refused(request, queryset, pk, next_url, form, exc.message, status=exc.status)

    done = result.obj
    message = _("„%(action)s“ ausgeführt: %(object)s steht jetzt auf „%(state)s“.") % {
        "action": transition_label(model_cls, data["transition"]),
        "object": done,
        "state": state_label(model_cls, state_of(done)),
    }
    if request.htmx and not workflow.reload_after_transition:  # type: ignore[attr-defined]
        panel = panel_for(
            request, done, next_url=next_url, heading_level=data["heading_level"] or 2
        )
        panel.message, panel.level = message, "success"
        panel.submit_in_form = data["submit_in_form"]
        return render(request, "workflows/_panel.html", {"panel": panel})
    messages.success(request, message)
    if request.htmx:  # type: ignore[attr-defined]
        # A new phase changes the whole overview: reload it.
        return HttpResponseClientRedirect(next_url)
    return HttpResponseRedirect(next_url)


def _refused(
    request: HttpRequest,
    queryset: object,
    pk: int,
    next_url: str,
    form: TransitionForm,
    message: str,
    *,
    status: int,
) -> HttpResponse:
    """Show why nothing changed: in the panel (htmx, with the error's status) or as a message."""
    if not request.htmx:  # type: ignore[attr-defined]
        messages.error(request, message)
        return HttpResponseRedirect(next_url)
    current = queryset.get(pk=pk)  # type: ignore[attr-defined]
    level = form.cleaned_data.get("heading_level", 2) if hasattr(form, "cleaned_data") else 2
    panel = panel_for(request, current, next_url=next_url, heading_level=level or 2)
    panel.message, panel.level = message, "danger"
    panel.comment = request.POST.get("comment", "")
    panel.submit_in_form = bool(getattr(form, "cleaned_data", {}).get("submit_in_form"))
    panel.override_reason = request.POST.get("override_reason", "")
    return render(request, "workflows/_panel.html", {"panel": panel}, status=status)
