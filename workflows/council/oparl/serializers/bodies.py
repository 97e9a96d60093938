"""System, Body, LegislativeTerm and Location."""

from __future__ import annotations

import datetime as dt
from typing import Any

from planning_cycle.models import Body, BodyKind

from ...models import LegislativeTerm, Location
from ..base import (
    SEG_BODY,
    SEG_LOCATION,
    SEG_ORGANIZATION,
    SEG_TERM,
    VERSION,
    JsonObject,
    Urls,
    compact,
    day,
    iso,
    label,
    oparl_type,
)

PRODUCT_NAME = "Planungszyklus: Ratsinformation"


def system(u: Urls, created: dt.datetime, modified: dt.datetime) -> JsonObject:
    """Return the System object, the entry point of the interface."""
    return {
        "id": u.root,
        "type": oparl_type("System"),
        "oparlVersion": VERSION,
        "body": f"{u.root}bodies/",
        "name": PRODUCT_NAME,
        "created": iso(created),
        "modified": iso(modified),
    }


def term(u: Urls, obj: LegislativeTerm, *, embedded: bool = False) -> JsonObject:
    """Return a legislative term (Wahlperiode)."""
    return compact(
        {
            "id": u.obj(SEG_TERM, obj.pk),
            "type": oparl_type("LegislativeTerm"),
            "body": None if embedded else u.obj(SEG_BODY, obj.body_id),
            "name": obj.name,
            "startDate": day(obj.start_date),
            "endDate": day(obj.end_date),
            "created": iso(obj.created_at),
            "modified": iso(obj.updated_at),
        }
    )


def location(u: Urls, obj: Location, *, embedded: bool = False) -> JsonObject:
    """Return a meeting place."""
    return compact(
        {
            "id": u.obj(SEG_LOCATION, obj.pk),
            "type": oparl_type("Location"),
            "description": str(obj),
            "streetAddress": obj.street_address,
            "room": obj.room,
            "postalCode": obj.postal_code,
            "locality": obj.locality,
            "bodies": None if embedded else [u.obj(SEG_BODY, obj.body_id)],
            "created": iso(obj.created_at),
            "modified": iso(obj.updated_at),
        }
    )


def body(u: Urls, obj: Body, *, embedded: bool = False) -> JsonObject:
    """Return a body (Kommune) with the addresses of its lists."""
    own: Any = obj
    data = {
        "id": u.obj(SEG_BODY, obj.pk),
        "type": oparl_type("Body"),
        "system": u.root,
        "name": obj.name,
        "shortName": obj.key,
        "classification": label(BodyKind, obj.kind),
        "organization": u.body_list(obj.pk, "Organization"),
        "person": u.body_list(obj.pk, "Person"),
        "meeting": u.body_list(obj.pk, "Meeting"),
        "paper": u.body_list(obj.pk, "Paper"),
        "legislativeTerm": []
        if u.omit_internal
        else [term(u, t, embedded=True) for t in own.oparl_terms],
        "agendaItem": u.body_list(obj.pk, "AgendaItem"),
        "consultation": u.body_list(obj.pk, "Consultation"),
        "file": u.body_list(obj.pk, "File"),
        "locationList": u.body_list(obj.pk, "Location"),
        "legislativeTermList": u.body_list(obj.pk, "LegislativeTerm"),
        "membership": u.body_list(obj.pk, "Membership"),
        "mainOrganization": u.obj(SEG_ORGANIZATION, own.oparl_council)
        if own.oparl_council
        else None,
        "created": iso(obj.created_at),
        "modified": iso(own.oparl_modified),
    }
    return compact(data, keep=("legislativeTerm",))
