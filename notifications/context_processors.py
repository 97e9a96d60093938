"""Template context of every page: the header's inbox badge and links of the notifications."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from planning_cycle.models import Role, User
from planning_cycle.web import request_roles

from .selectors import unread_count

# Roles whose permissions (deadline_extend, delivery_monitor) open the deadlines page.
OVERSIGHT_ROLES = frozenset({Role.MANAGEMENT.value, Role.STRATEGY_UNIT.value})


class InboxBadge:
    """The user's unread count, counted (one query) only when a template shows it."""

    def __init__(self, user: User) -> None:
        self._user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self._user)


def inbox(request: HttpRequest) -> dict[str, Any]:
    """Expose the inbox badge to members of a body; nothing (no query) for anyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "body_id", None) is None:
        return {}
    return {
        "inbox_badge": InboxBadge(user),  # type: ignore[arg-type]
        # The roles are read once per request and shared with the navigation.
        "nav_oversight": SimpleLazyObject(lambda: bool(request_roles(request) & OVERSIGHT_ROLES)),
    }
