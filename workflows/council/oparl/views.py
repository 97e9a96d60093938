"""The OParl endpoints: the system, objects by id, the lists of a body and an organization."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Min, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import timezone

from planning_cycle.models import Body, Committee

from . import selectors
from .base import (
    SEG_AGENDA_ITEM,
    SEG_BODY,
    SEG_CONSULTATION,
    SEG_FILE,
    SEG_LOCATION,
    SEG_MEETING,
    SEG_MEMBERSHIP,
    SEG_ORGANIZATION,
    SEG_PAPER,
    SEG_PERSON,
    SEG_TERM,
    JsonObject,
    Urls,
    deleted_stub,
    json_response,
    not_found,
    oparl_view,
)
from .pagination import filtered, list_query, page_of
from .serializers import bodies, meetings, papers, people

Serializer = Callable[..., JsonObject]


@dataclass(frozen=True)
class Kind:
    """An OParl object type: its rows, its serializer and its address."""

    name: str
    segment: str
    rows: Callable[[], QuerySet[Any]]
    serialize: Serializer


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("Body", SEG_BODY, selectors.bodies, bodies.body),
        Kind("Organization", SEG_ORGANIZATION, selectors.organizations, people.organization),
        Kind("Person", SEG_PERSON, selectors.persons, people.person),
        Kind("Membership", SEG_MEMBERSHIP, selectors.memberships, people.membership),
        Kind("Meeting", SEG_MEETING, selectors.meetings, meetings.meeting),
        Kind("AgendaItem", SEG_AGENDA_ITEM, selectors.agenda_items, meetings.agenda_item),
        Kind("Paper", SEG_PAPER, selectors.papers, papers.paper),
        Kind("Consultation", SEG_CONSULTATION, selectors.consultations, papers.consultation),
        Kind("File", SEG_FILE, selectors.files, papers.file),
        Kind("LegislativeTerm", SEG_TERM, selectors.terms, bodies.term),
        Kind("Location", SEG_LOCATION, selectors.locations, bodies.location),
    )
}


def publish(u: Urls, kind: Kind, obj: Any) -> JsonObject:
    """Return the object's JSON, or its deleted stub when the public may not see it."""
    if obj.oparl_present:
        return kind.serialize(u, obj)
    return deleted_stub(u.obj(kind.segment, obj.pk), kind.name, obj.created_at, obj.oparl_modified)


@oparl_view
def system(request: HttpRequest) -> HttpResponseBase:
    """Return the System object, where every client starts."""
    span = Body.objects.aggregate(first=Min("created_at"), last=Max("updated_at"))
    now = timezone.now()
    return json_response(bodies.system(Urls.of(request), span["first"] or now, span["last"] or now))


def _list(request: HttpRequest, kind: Kind, scope: Q) -> HttpResponse:
    query = list_query(request)
    u = Urls.of(request, query.omit_internal)
    page = page_of(request, filtered(kind.rows().filter(scope), query), query)
    return json_response(
        {
            "data": [publish(u, kind, obj) for obj in page.rows],
            "pagination": page.pagination,
            "links": page.links,
        }
    )


@oparl_view
def body_list(request: HttpRequest) -> HttpResponseBase:
    """Return the list of bodies."""
    return _list(request, KINDS["Body"], Q())


@oparl_view
def body_objects(request: HttpRequest, pk: int, kind_name: str) -> HttpResponseBase:
    """Return one of a body's lists (papers, meetings, persons, …)."""
    if not Body.objects.filter(pk=pk).exists():
        raise not_found(f"body {pk}")
    return _list(request, KINDS[kind_name], Q(body_id=pk))


@oparl_view
def organization_objects(request: HttpRequest, pk: int, kind_name: str) -> HttpResponseBase:
    """Return an organization's list of meetings or consultations."""
    if not Committee.objects.filter(pk=pk).exists():
        raise not_found(f"organization {pk}")
    return _list(request, KINDS[kind_name], Q(committee_id=pk))


@oparl_view
def detail(request: HttpRequest, pk: int, kind_name: str) -> HttpResponseBase:
    """Return one object under its canonical URL (withheld ones as deleted, spec 2.8)."""
    kind = KINDS[kind_name]
    obj = kind.rows().filter(pk=pk).first()
    if obj is None:
        raise not_found(f"{kind.name} {pk}")
    return json_response(publish(Urls.of(request), kind, obj))


@oparl_view
def unknown(request: HttpRequest, rest: str = "") -> HttpResponseBase:
    """Answer an unknown address with the error object; a missing final slash redirects."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "unknown":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    raise not_found(request.path)
