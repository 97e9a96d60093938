"""The navigation entries of the council pages, from the roles the header already read."""

from __future__ import annotations

from typing import Any

from django import template

from planning_cycle.models import Role
from planning_cycle.web import request_roles

register = template.Library()

# Who finds papers and meetings in the navigation (the pages check again what they show).
READERS = frozenset(
    {
        Role.COMMITTEE_SECRETARY.value,
        Role.COMMITTEE_CLERK.value,
        Role.MANAGEMENT.value,
        Role.COUNCIL_MEMBER.value,
        Role.STRATEGY_UNIT.value,
    }
)


@register.simple_tag(takes_context=True)
def council_nav(context: Any) -> bool:
    """Tell whether the user's roles lead to the papers and meetings."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    return bool(request_roles(request) & READERS)
