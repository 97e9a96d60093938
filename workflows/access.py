"""The access gate: which workflow objects a user may know of, written once.

Web pages, the API, admin actions, management commands and exports all find workflow
objects here. Two rules, in this order:

1. body scoping: a user sees only objects of the body they act for (platform
   administrators, who act for none, see none here; they use the admin);
2. visibility: an object in one of its workflow's draft states (still with its
   department) is seen only by holders of the workflow's draft permission on its
   department or its body (`view_drafts`: the department's own roles, management, the
   strategy unit).

What a user may not see does not exist for them: every caller answers 404 for it, for
reading, editing and firing alike. Lists that show every department's object with its
state masked (the cycle overview) use `workflow_scoped` and mask with `content_visible`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.module_loading import import_string

from planning_cycle.models import BodyUserObjectPermission, DepartmentUserObjectPermission, User
from workflows.registry import workflow_of


def workflow_scoped(model: type[models.Model], *, user: User) -> models.QuerySet[Any]:
    """Return the objects of the user's body, loaded for display and permission checks."""
    workflow = workflow_of(model)
    queryset = model._default_manager.select_related(*workflow.display_related)
    body_id = getattr(user, "body_id", None)
    if body_id is None or not user.is_active:
        return queryset.none()
    return queryset.filter(body_id=body_id)


def workflow_visible(model: type[models.Model], *, user: User) -> models.QuerySet[Any]:
    """Return the objects of the user's body that the user may see (one query for a list).

    The rule of `workflows.selectors.content_visible`, in SQL. Roles grant their
    permissions as guardian user object permissions on the department or the body.
    """
    workflow = workflow_of(model)
    queryset = workflow_scoped(model, user=user)
    if workflow.visibility:
        # A workflow whose objects belong to invitees, evaluators, … says who sees what.
        restrict: Any = import_string(workflow.visibility)
        return restrict(queryset, user)  # type: ignore[no-any-return]
    if not workflow.draft_states:
        return queryset
    app_label, codename = workflow.draft_permission.split(".")
    on_body = BodyUserObjectPermission.objects.filter(
        user_id=user.pk or 0,
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        content_object_id=user.body_id,
    )
    released = ~Q(**{f"{workflow.state_field.attname}__in": list(workflow.draft_states)})
    if not any(f.name == "department" for f in model._meta.concrete_fields):
        return queryset.filter(released | Exists(on_body))
    on_department = DepartmentUserObjectPermission.objects.filter(
        user_id=user.pk or 0,
        permission__codename=codename,
        permission__content_type__app_label=app_label,
        content_object_id=OuterRef("department_id"),
    )
    return queryset.filter(released | Exists(on_body) | Exists(on_department))


def workflow_object(model: type[models.Model], *, user: User, pk: object) -> models.Model | None:
    """Return the object if the user may see it, else None (callers answer 404)."""
    obj: models.Model | None = workflow_visible(model, user=user).filter(pk=pk).first()
    return obj
