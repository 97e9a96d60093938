"""Admin of goal agreements: adding one proposes it through the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from workflows.admin_base import WorkflowAdmin
from workflows.models import GoalAgreement
from workflows.services.content import ContentError

from .services import agreement_propose, agreement_update
from .workflow import AGREEMENT_FIELDS


@admin.register(GoalAgreement)
class GoalAgreementAdmin(WorkflowAdmin):
    list_display = ("operative_goal", "department", "cycle", "state", "outcome", "updated_at")
    list_select_related = ("body", "cycle", "department", "operative_goal")
    search_fields = (
        "operative_goal__number",
        "operative_goal__title",
        "department__code",
        "department__name",
    )
    raw_id_fields = ("operative_goal", "carried_over_from")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            # The service derives the body from the cycle; carry-overs come from closing one.
            return ("body", "state", "outcome", "carried_over_from", "updated_at")
        return ("body", "cycle", "operative_goal", "department", "state", "outcome", "updated_at")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form
        # Adding: let the service judge the proposal (dry run) so that a refusal shows at
        # the form with the input kept.
        return type(form.__name__, (_ProposeCheck, form), {"acting_user": request.user})

    def save_model(self, request: HttpRequest, obj: GoalAgreement, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            with transaction.atomic():
                created = _propose(request.user, obj)  # type: ignore[arg-type]
        except ContentError as exc:  # changed since the form was checked
            messages.error(request, exc.message)
            return
        obj.pk, obj.body_id, obj.updated_at = created.pk, created.body_id, created.updated_at

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if obj.pk is None:  # refused in save_model: nothing was added
            return None
        return super().log_addition(request, obj, message)

    def response_add(
        self, request: HttpRequest, obj: GoalAgreement, post_url_continue: str | None = None
    ) -> HttpResponse:
        if obj.pk is None:  # refused in save_model: back to an empty add form
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)


def _propose(user: Any, obj: GoalAgreement) -> GoalAgreement:
    """Propose the admin form's agreement through the service, then store its answers."""
    created = agreement_propose(
        acting_user=user,
        cycle=obj.cycle,
        operative_goal=obj.operative_goal,
        department=obj.department,
    )
    answers = {name: getattr(obj, name) for name in AGREEMENT_FIELDS}
    if any(answers.values()):
        created = agreement_update(acting_user=user, agreement=created, **answers)
    return created


class _DryRun(Exception):
    """Rolls back a proposal made only to see whether the service accepts it."""


class _ProposeCheck(forms.ModelForm):  # type: ignore[type-arg]
    acting_user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or not all(data.get(f) for f in ("cycle", "operative_goal", "department")):
            return data
        trial = GoalAgreement(
            cycle=data["cycle"],
            operative_goal=data["operative_goal"],
            department=data["department"],
            **{name: data.get(name) or "" for name in AGREEMENT_FIELDS},
        )
        try:
            with transaction.atomic():
                _propose(self.acting_user, trial)
                raise _DryRun
        except _DryRun:
            pass
        except ContentError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data
