"""Addresses of the council pages: papers, meetings, results, committees, retreat, public pages."""

from .web import (
    agenda,
    committees,
    locations,
    meetings,
    papers,
    persons,
    public,
    retreat,
    steps,
    terms,
)

urlpatterns = [
    *papers.urls,
    *steps.urls,
    *meetings.urls,
    *agenda.urls,
    *committees.urls,
    *persons.urls,
    *terms.urls,
    *locations.urls,
    *public.urls,
    *retreat.urls,
]
