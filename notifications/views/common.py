"""What the notification pages share: body-wide permission checks and the site's address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.http import HttpRequest

from planning_cycle.models import Body
from planning_cycle.web import body_id, request_checker

EXTEND_PERMISSION = "planning_cycle.deadline_extend"
MONITOR_PERMISSION = "planning_cycle.delivery_monitor"
PAGE_PARAMETER = "seite"


def body_may(request: HttpRequest, perm: str) -> bool:
    """Tell whether the request's user holds a body-wide permission on their body."""
    user = request.user
    if not user.is_active:
        return False
    # An unsaved stand-in suffices: the checker keys its cache by content type and pk.
    return request_checker(request).has_perm(perm, Body(pk=body_id(request)))


def site_url(request: HttpRequest) -> str:
    """Return the address the site is reached at (settings.SITE_URL, else this request's)."""
    configured = str(getattr(settings, "SITE_URL", "") or "")
    return (configured or request.build_absolute_uri("/")).rstrip("/")


def page_links(request: HttpRequest, page: Page[Any]) -> dict[str, str]:
    """Return the addresses of the previous and next page, keeping the other parameters."""
    links = {}
    for name, has, number in (
        ("previous", page.has_previous, page.previous_page_number),
        ("next", page.has_next, page.next_page_number),
    ):
        if has():
            query = request.GET.copy()
            query[PAGE_PARAMETER] = str(number())
            links[name] = f"?{query.urlencode()}"
    return links
