"""Template tags of the controlling pages."""

from __future__ import annotations

from typing import Any

from django import template

from planning_cycle.controlling.consistency import catalog_check_allowed
from planning_cycle.web import request_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def may_check_catalog(context: Any) -> bool:
    """Tell whether the user's roles lead to the catalog's consistency check."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    return catalog_check_allowed(request_roles(request))
