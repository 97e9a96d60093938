"""Addresses of the council pages: papers, meetings, results, committees, retreat, public pages."""

from .web import committees, meetings, papers, public, retreat, steps

urlpatterns = [
    *papers.urls,
    *steps.urls,
    *meetings.urls,
    *committees.urls,
    *public.urls,
    *retreat.urls,
]
