"""Who may do what on an object: permissions checked against the scopes of the object."""

from __future__ import annotations

from django.db import models
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import User
from planning_cycle.scopes import body_id_of, scope_kinds, scopes_of


def permission_checker(user: User) -> ObjectPermissionChecker:
    """Return a checker with the user's permissions on all scope objects of their body."""
    checker = ObjectPermissionChecker(user)
    if user.body_id is not None and not user.is_superuser:
        for kind in scope_kinds():
            checker.prefetch_perms(kind.of_body(user.body_id))
    return checker


def user_may(checker: ObjectPermissionChecker, user: User, perm: str, obj: models.Model) -> bool:
    """Tell whether the user holds a workflow permission for the object.

    Looked for on each scope of the object (`planning_cycle.scopes.scopes_of`): the object
    itself when it is a scope object, its department, its body.
    """
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.body_id is None or user.body_id != body_id_of(obj):
        return False
    # Unsaved stand-ins suffice: the checker keys its cache by content type and pk.
    return any(checker.has_perm(perm, model(pk=pk)) for model, pk in scopes_of(obj))
