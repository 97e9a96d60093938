"""Who reads the workflow API, and which rows of the user's body they see."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request

from planning_cycle.api.auth import IsBodyMember
from planning_cycle.models import (
    BodyUserObjectPermission,
    DepartmentUserObjectPermission,
)
from planning_cycle.selectors.users import is_external_only, user_roles
from planning_cycle.web import body_id as request_body_id
from workflows.registry import workflow_of


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
    """The body's rows of a workflow model the user may see, loaded for display and checks.

    The rule of `workflows.selectors.content_visible`, in SQL so that a list costs one
    query: drafts and returned submissions only for holders of "view_drafts" on their
    department (its own roles) or on the body (management, strategy unit). Roles grant
    their permissions as guardian user object permissions (`role_assign`).
    """
    body = request_body_id(request)
    workflow = workflow_of(model)
    queryset = model._default_manager.filter(body_id=body).select_related(*workflow.display_related)
    unreleased = workflow.draft_states
    if not unreleased:
        return queryset
    app_label, codename = workflow.draft_permission.split(".")
    user_id = request.user.pk or 0
    on_department = DepartmentUserObjectPermission.objects.filter(
        user_id=user_id,
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        content_object_id=OuterRef("department_id"),
    )
    on_body = BodyUserObjectPermission.objects.filter(
        user_id=user_id,
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        content_object_id=body,
    )
    field = workflow.state_field.attname
    return queryset.filter(
        ~Q(**{f"{field}__in": list(unreleased)}) | Exists(on_body) | Exists(on_department)
    )


def body_queryset(model: type[models.Model], request: Request) -> models.QuerySet[Any]:
    """The body's rows of a workflow model, as the web's transition endpoint finds them."""
    return model._default_manager.filter(body_id=request_body_id(request)).select_related(
        *workflow_of(model).display_related
    )
