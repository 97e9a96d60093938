"""Addresses of the council pages: papers, meetings, results, committees, retreat, public pages."""

from .web import (
    agenda,
    committees,
    interim,
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
    *interim.urls,
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
