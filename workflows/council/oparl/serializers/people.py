"""Organization (our committees), Person and Membership."""

from __future__ import annotations

from typing import Any

from planning_cycle.models import Committee, CommitteeKind

from ...models import Membership, Person
from ..base import (
    SEG_BODY,
    SEG_MEMBERSHIP,
    SEG_ORGANIZATION,
    SEG_PERSON,
    JsonObject,
    Urls,
    compact,
    day,
    iso,
    label,
    oparl_type,
)

ORGANIZATION_TYPE = "Gremium"


def organization(u: Urls, obj: Committee, *, embedded: bool = False) -> JsonObject:
    """Return a committee with its memberships and the addresses of its meetings."""
    own: Any = obj
    url = u.obj(SEG_ORGANIZATION, obj.pk)
    return compact(
        {
            "id": url,
            "type": oparl_type("Organization"),
            "body": u.obj(SEG_BODY, obj.body_id),
            "name": obj.name,
            "shortName": obj.short_name,
            "membership": [u.obj(SEG_MEMBERSHIP, m.pk) for m in own.oparl_memberships],
            "meeting": f"{url}meetings/",
            "consultation": f"{url}consultations/",
            "organizationType": ORGANIZATION_TYPE,
            "classification": label(CommitteeKind, obj.kind),
            "startDate": day(obj.start_date),
            "endDate": day(obj.end_date),
            "website": obj.website,
            "created": iso(obj.created_at),
            "modified": iso(own.oparl_modified),
        }
    )


def membership(
    u: Urls, obj: Membership, *, embedded: bool = False, person: Person | None = None
) -> JsonObject:
    """Return a membership; inside its person without the person's address."""
    own: Any = obj
    modified = max(obj.updated_at, person.updated_at) if person is not None else own.oparl_modified
    return compact(
        {
            "id": u.obj(SEG_MEMBERSHIP, obj.pk),
            "type": oparl_type("Membership"),
            "person": None if embedded else u.obj(SEG_PERSON, obj.person_id),
            "organization": u.obj(SEG_ORGANIZATION, obj.committee_id),
            "role": obj.role,
            "votingRight": obj.voting_right,
            "startDate": day(obj.start_date),
            "endDate": day(obj.end_date),
            "created": iso(obj.created_at),
            "modified": iso(modified),
        }
    )


def person(u: Urls, obj: Person, *, embedded: bool = False) -> JsonObject:
    """Return a person who consented to publication, with their memberships."""
    own: Any = obj
    return compact(
        {
            "id": u.obj(SEG_PERSON, obj.pk),
            "type": oparl_type("Person"),
            "body": u.obj(SEG_BODY, obj.body_id),
            "name": str(obj),
            "familyName": obj.family_name,
            "givenName": obj.given_name,
            "formOfAddress": obj.form_of_address,
            "title": [obj.title] if obj.title else None,
            "membership": None
            if u.omit_internal
            else [membership(u, m, embedded=True, person=obj) for m in own.oparl_memberships],
            "created": iso(obj.created_at),
            "modified": iso(own.oparl_modified),
        }
    )
