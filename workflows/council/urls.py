"""Addresses of the council pages: papers, meetings, results, committees, retreat, public pages."""

from .web import agenda, committees, meetings, papers, public, retreat, steps

urlpatterns = [
    *papers.urls,
    *steps.urls,
    *meetings.urls,
    *agenda.urls,
    *committees.urls,
    *public.urls,
    *retreat.urls,
]
