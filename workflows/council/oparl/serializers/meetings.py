"""Meeting and AgendaItem."""

from __future__ import annotations

from typing import Any

from ...models import AgendaItem, Meeting
from ...states import MeetingState, StepResult
from ..base import (
    SEG_AGENDA_ITEM,
    SEG_CONSULTATION,
    SEG_MEETING,
    SEG_ORGANIZATION,
    JsonObject,
    Urls,
    compact,
    iso,
    label,
    oparl_type,
)
from .bodies import location


def agenda_item(u: Urls, obj: AgendaItem, *, embedded: bool = False) -> JsonObject:
    """Return a public agenda item; its consultation only when that is public too."""
    own: Any = obj
    step = obj.step
    consultation = (
        u.obj(SEG_CONSULTATION, step.pk) if step is not None and not step.deleted else None
    )
    return compact(
        {
            "id": u.obj(SEG_AGENDA_ITEM, obj.pk),
            "type": oparl_type("AgendaItem"),
            "meeting": None if embedded else u.obj(SEG_MEETING, obj.meeting_id),
            "number": obj.number,
            "order": max(obj.position - 1, 0),
            "name": obj.name,
            "public": obj.public,
            "consultation": consultation,
            "result": label(StepResult, obj.result) if obj.result else None,
            "resolutionText": obj.resolution_text,
            "created": iso(obj.created_at),
            "modified": iso(own.oparl_modified),
        }
    )


def meeting(u: Urls, obj: Meeting, *, embedded: bool = False) -> JsonObject:
    """Return a meeting with its place and its public agenda."""
    own: Any = obj
    return compact(
        {
            "id": u.obj(SEG_MEETING, obj.pk),
            "type": oparl_type("Meeting"),
            "name": obj.name,
            "meetingState": label(MeetingState, obj.state),
            "cancelled": obj.state == MeetingState.CANCELLED,
            "start": iso(obj.start),
            "end": iso(obj.end) if obj.end is not None else None,
            "location": location(u, obj.location, embedded=True)
            if obj.location is not None
            else None,
            "organization": [u.obj(SEG_ORGANIZATION, obj.committee_id)],
            "agendaItem": None
            if u.omit_internal
            else [agenda_item(u, i, embedded=True) for i in own.oparl_items],
            "created": iso(obj.created_at),
            "modified": iso(own.oparl_modified),
        }
    )
