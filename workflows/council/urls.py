"""Addresses of the council pages: papers, meetings, results, committees, public pages."""

from .web import committees, meetings, papers, public, steps

urlpatterns = [
    *papers.urls,
    *steps.urls,
    *meetings.urls,
    *committees.urls,
    *public.urls,
]
