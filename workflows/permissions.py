"""Who may fire what: workflow permissions checked against a user's body and department."""

from __future__ import annotations

from django.db import models
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import Body, Department, User


def permission_checker(user: User) -> ObjectPermissionChecker:
    """Return a checker with the user's permissions on their body and departments prefetched."""
    checker = ObjectPermissionChecker(user)
    if user.body_id is not None and not user.is_superuser:
        checker.prefetch_perms(Body.objects.filter(pk=user.body_id))
        checker.prefetch_perms(Department.objects.filter(body_id=user.body_id))
    return checker


def user_may(checker: ObjectPermissionChecker, user: User, perm: str, obj: models.Model) -> bool:
    """Tell whether the user holds a workflow permission for the object."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.body_id != obj.body_id:  # type: ignore[attr-defined]
        return False
    # Unsaved stand-ins suffice: the checker keys its cache by content type and pk.
    department_id = getattr(obj, "department_id", None)
    if department_id is not None and checker.has_perm(perm, Department(pk=department_id)):
        return True
    return checker.has_perm(perm, Body(pk=obj.body_id))  # type: ignore[attr-defined]
