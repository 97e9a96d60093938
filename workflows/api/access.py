"""Who reads the workflow API, and which rows of the user's body they see."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request

from planning_cycle.api.auth import IsBodyMember
from planning_cycle.selectors.users import is_external_only, user_roles
from workflows.access import workflow_scoped, workflow_visible


class IsWorkflowReader(IsBodyMember):
    """A member of a body who is not only an external stakeholder (they see a notice only)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if is_external_only(user_roles(request.user)):  # type: ignore[arg-type]
            raise exceptions.PermissionDenied(
                _("Externe Beteiligte sehen die Planung erst mit den Beteiligungsrunden.")
            )
        return True


def visible_queryset(model: type[models.Model], request: Request) -> models.QuerySet[Any]:
    """The objects the user may see, through the access gate (as the web finds them)."""
    return workflow_visible(model, user=request.user)  # type: ignore[arg-type]


def body_queryset(model: type[models.Model], request: Request) -> models.QuerySet[Any]:
    """The objects of the user's body, through the access gate (for reading back a write)."""
    return workflow_scoped(model, user=request.user)  # type: ignore[arg-type]
