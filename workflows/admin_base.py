"""What every workflow model's admin shares: read-only states, transitions as actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from planning_cycle.access import permission_checker
from planning_cycle.admin import BODY_FILTER, BodyScopedAdmin
from workflows.access import workflow_visible
from workflows.registry import workflow_of
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
        # A cycle's step past switched-off phases is the same action as its usual one.
        if t.name in seen or t.custom.get("comment_required") or t.custom.get("skips"):
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
