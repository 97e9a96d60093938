"""GET /kalender/<token>.ics: a user's iCalendar feed, reached by its secret token alone.

Calendar clients fetch without a login; the token is looked up by its hash. Nothing is
written on the fetch (no "last used" stamp): GET stays free of side effects.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from planning_cycle.selectors.users import is_external_only, user_roles

from ..ical import calendar_build
from ..selectors import (
    calendar_feed_by_token,
    deadlines_for_user,
    milestones_for_user,
    phase_dates_for_user,
    preference_of,
)
from .common import site_url


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Return the feed's owner's open deadlines and their body's phase dates as iCalendar."""
    feed = calendar_feed_by_token(token)
    if feed is None:
        raise Http404
    user = feed.user
    if is_external_only(user_roles(user)):
        raise Http404
    with translation.override(preference_of(user).language):
        content = calendar_build(
            deadlines=deadlines_for_user(user),
            phase_dates=phase_dates_for_user(user),
            milestones=milestones_for_user(user),
            site_url=site_url(request),
            reader=user,
        )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="planungszyklus.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
