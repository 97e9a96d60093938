"""Django admin of the workflows.

States are read-only: they change only through `transition_fire`, which the admin
actions call (one action per transition that needs no comment). The history and the
outbox are read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from planning_cycle.access import permission_checker
from planning_cycle.admin import BODY_FILTER, BodyScopedAdmin, ReadOnlyAdmin
from workflows.access import workflow_visible
from workflows.agreements.services import agreement_propose, agreement_update
from workflows.agreements.workflow import AGREEMENT_FIELDS
from workflows.models import (
    DepartmentPlan,
    DepartmentReview,
    GoalAgreement,
    OutboxMessage,
    TransitionLog,
)
from workflows.registry import workflow_of
from workflows.services.content import ContentError
from workflows.services.transitions import TransitionError, state_field, transition_fire

AdminAction = Callable[[admin.ModelAdmin, HttpRequest, models.QuerySet[Any]], None]


def transition_action(name: str, label: str) -> AdminAction:
    """Return an admin action firing one transition on each selected object."""

    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: models.QuerySet[Any]
    ) -> None:
        checker = permission_checker(request.user)  # type: ignore[arg-type]
        done, failed = 0, []
        for obj in queryset.select_related(*workflow_of(queryset.model).display_related):
            try:
                transition_fire(
                    acting_user=request.user,  # type: ignore[arg-type]
                    obj=obj,
                    transition=name,
                    checker=checker,
                )
            except TransitionError as exc:
                failed.append(f"{obj}: {exc.message}")
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request,
                _("„%(action)s“ für %(count)d Einträge ausgeführt.")
                % {"action": label, "count": done},
                messages.SUCCESS,
            )
        for message in failed:
            modeladmin.message_user(request, message, messages.ERROR)

    action.__name__ = f"fire_{name}"
    return admin.action(description=_("Schritt: %s") % label)(action)  # type: ignore[return-value]


def transition_actions(model: type[models.Model]) -> list[AdminAction]:
    """Admin actions for the model's transitions that need neither comment nor reason."""
    actions = []
    seen: set[str] = set()
    for t in state_field(model).get_all_transitions(model):
        if t.name in seen or t.custom.get("comment_required"):
            continue
        seen.add(t.name)
        actions.append(transition_action(t.name, str(t.custom.get("label", t.name))))
    return actions


class WorkflowAdmin(BodyScopedAdmin):
    """A workflow object: its state is read-only and moves only through admin actions."""

    list_filter = (BODY_FILTER, "cycle__year", "state")
    readonly_fields = ("state", "updated_at")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        if request.user.is_superuser:
            return super().get_queryset(request)
        # Staff of a body see what the access gate lets them see, as on the pages.
        return workflow_visible(self.model, user=request.user)  # type: ignore[arg-type]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        result = super().get_actions(request)
        for action in transition_actions(self.model):
            description = action.short_description  # type: ignore[attr-defined]
            result[action.__name__] = (action, action.__name__, description)  # type: ignore[assignment]
        return result


@admin.register(DepartmentReview)
class DepartmentReviewAdmin(WorkflowAdmin):
    list_display = ("department", "cycle", "state", "updated_at")
    list_select_related = ("body", "cycle", "department")
    search_fields = ("department__code", "department__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created with the cycle (planning_cycle.services.cycles)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("body", "cycle", "department", "state", "updated_at")


@admin.register(DepartmentPlan)
class DepartmentPlanAdmin(DepartmentReviewAdmin):
    pass


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


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    """The append-only history: nothing to add, change or delete."""

    list_display = (
        "created_at",
        "body",
        "content_type",
        "object_id",
        "transition",
        "source_state",
        "target_state",
        "actor",
    )
    list_filter = (BODY_FILTER, "content_type", "transition")
    search_fields = ("comment", "override_reason", "actor__username", "actor__last_name")
    list_select_related = ("body", "content_type", "actor")
    date_hierarchy = "created_at"

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "topic", "body", "processed_at", "attempts")
    list_filter = (BODY_FILTER, "topic", ("processed_at", admin.EmptyFieldListFilter))
    search_fields = ("topic", "last_error")
    list_select_related = ("body",)
    date_hierarchy = "created_at"

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
