"""The API of committees, persons, terms, places, meetings, papers and consultation steps.

Reads go through the council's visibility rules (another body's object, or a non-public
paper the user may not read, is a 404); writes through the council services, transitions
through the transition service, as on the pages.
"""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register committees, their people, terms and places, meetings and papers.

    The steps are their workflow's viewset.
    """
    from .committees import CommitteeViewSet
    from .meetings import MeetingViewSet
    from .papers import PaperViewSet
    from .people import LegislativeTermViewSet, LocationViewSet, PersonViewSet

    router.register("committees", CommitteeViewSet, basename="committee")
    router.register("persons", PersonViewSet, basename="person")
    router.register("legislative-terms", LegislativeTermViewSet, basename="legislative-term")
    router.register("locations", LocationViewSet, basename="location")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("papers", PaperViewSet, basename="paper")
    return []
