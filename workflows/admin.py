"""Django admin of the workflows.

States are read-only: they change only through `transition_fire`, which the admin
actions call (one action per transition that needs no comment). The history and the
outbox are read-only. Each workflow package registers its models' admin (imported at the
end, so that Django's autodiscovery finds them).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from planning_cycle.admin import BODY_FILTER, ReadOnlyAdmin
from workflows.models import OutboxMessage, TransitionLog


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


# The workflow packages' admin classes build on WorkflowAdmin above.
from workflows.agreements import admin as _agreements_admin  # noqa: E402, F401
from workflows.submissions import admin as _submissions_admin  # noqa: E402, F401
