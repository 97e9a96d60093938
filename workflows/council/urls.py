"""Addresses of the council pages: papers, meetings, results and the public pages."""

from .web import meetings, papers, public, steps

urlpatterns = [
    *papers.urls,
    *steps.urls,
    *meetings.urls,
    *public.urls,
]
