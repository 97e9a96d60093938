"""Template context of every page: the user's body and roles for the page header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from planning_cycle.models import Role
from planning_cycle.permissions import permissions_of_role
from planning_cycle.selectors.users import is_external_only, role_labels
from planning_cycle.web import request_roles

CONSULTATION_PERMISSIONS = (
    "consultation_view",
    "statement_edit",
    "invitation_respond",
    "disposition_record",
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Expose the roles (read lazily, once per request) to the base template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_roles": SimpleLazyObject(lambda: role_labels(request_roles(request))),
        "nav_external": SimpleLazyObject(lambda: is_external_only(request_roles(request))),
        "nav_lockouts": SimpleLazyObject(lambda: Role.MANAGEMENT.value in request_roles(request)),
        # From the roles already read for the header: the pages check the permission again.
        "nav_manage_roles": SimpleLazyObject(lambda: _roles_grant(request, "role_manage")),
        "nav_create_cycle": SimpleLazyObject(lambda: _roles_grant(request, "cycle_create")),
        # Those who run, answer or weigh consultation rounds (the gate decides which rounds).
        "nav_consultation": SimpleLazyObject(
            lambda: any(_roles_grant(request, c) for c in CONSULTATION_PERMISSIONS)
        ),
    }


def _roles_grant(request: HttpRequest, codename: str) -> bool:
    return any(codename in permissions_of_role(role) for role in request_roles(request))
