"""Addresses of the council pages: papers, meetings, results, retreat, the public pages."""

from .web import meetings, papers, public, retreat, steps

urlpatterns = [
    *papers.urls,
    *steps.urls,
    *meetings.urls,
    *public.urls,
    *retreat.urls,
]
