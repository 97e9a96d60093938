"""The API of committees, meetings, papers and their consultation steps.

Reads go through the council's visibility rules (another body's object, or a non-public
paper the user may not read, is a 404); writes through the council services, transitions
through the transition service, as on the pages.
"""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register committees, meetings and papers (the steps are their workflow's viewset)."""
    from .committees import CommitteeViewSet
    from .meetings import MeetingViewSet
    from .papers import PaperViewSet

    router.register("committees", CommitteeViewSet, basename="committee")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("papers", PaperViewSet, basename="paper")
    return []
