"""Paper, Consultation (our consultation steps) and File (the papers' files)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ...models import ConsultationStep, Paper, PaperFile
from ...states import FileRole, PaperType, StepRole
from ..base import (
    SEG_AGENDA_ITEM,
    SEG_BODY,
    SEG_CONSULTATION,
    SEG_FILE,
    SEG_MEETING,
    SEG_ORGANIZATION,
    SEG_PAPER,
    JsonObject,
    Urls,
    compact,
    iso,
    label,
    oparl_type,
)


def file(
    u: Urls, obj: PaperFile, *, embedded: bool = False, modified: dt.datetime | None = None
) -> JsonObject:
    """Return a public file of a public paper with the addresses that hand it out."""
    own: Any = obj
    url = u.obj(SEG_FILE, obj.pk)
    return compact(
        {
            "id": url,
            "type": oparl_type("File"),
            "name": obj.name,
            "fileName": obj.name,
            "mimeType": obj.media_type,
            "date": timezone.localdate(obj.created_at).isoformat(),
            "size": obj.size,
            "accessUrl": f"{url}access/",
            "downloadUrl": f"{url}download/",
            "paper": None if embedded else [u.obj(SEG_PAPER, obj.paper_id)],
            "created": iso(obj.created_at),
            "modified": iso(modified if modified is not None else own.oparl_modified),
        }
    )


def consultation(
    u: Urls, obj: ConsultationStep, *, embedded: bool = False, modified: dt.datetime | None = None
) -> JsonObject:
    """Return a step of a public paper; its agenda item only when that is public."""
    own: Any = obj
    item = obj.agenda_item
    shown = item is not None and item.public and not item.deleted
    role = label(StepRole, obj.role)
    return compact(
        {
            "id": u.obj(SEG_CONSULTATION, obj.pk),
            "type": oparl_type("Consultation"),
            "paper": None if embedded else u.obj(SEG_PAPER, obj.paper_id),
            "agendaItem": u.obj(SEG_AGENDA_ITEM, item.pk) if shown and item else None,
            "meeting": u.obj(SEG_MEETING, item.meeting_id) if shown and item else None,
            "organization": [u.obj(SEG_ORGANIZATION, obj.committee_id)],
            "authoritative": obj.role == StepRole.DECISION,
            "role": f"{role} ({obj.part})" if obj.part else role,
            "created": iso(obj.created_at),
            "modified": iso(modified if modified is not None else own.oparl_modified),
        }
    )


def paper(u: Urls, obj: Paper, *, embedded: bool = False) -> JsonObject:
    """Return a public paper with its public files and its consultation sequence."""
    own: Any = obj
    files = own.oparl_files
    main = next((f for f in files if f.role == FileRole.MAIN), None)
    data: JsonObject = {
        "id": u.obj(SEG_PAPER, obj.pk),
        "type": oparl_type("Paper"),
        "body": u.obj(SEG_BODY, obj.body_id),
        "name": obj.title,
        "reference": obj.reference,
        "date": obj.date.isoformat(),
        "paperType": label(PaperType, obj.paper_type),
        "mainFile": file(u, main, embedded=True, modified=max(main.updated_at, obj.updated_at))
        if main is not None
        else None,
        "auxiliaryFile": None
        if u.omit_internal
        else [
            file(u, f, embedded=True, modified=max(f.updated_at, obj.updated_at))
            for f in files
            if f is not main
        ],
        "consultation": [
            consultation(u, s, embedded=True, modified=max(s.updated_at, obj.updated_at))
            for s in own.oparl_steps
        ],
        "web": obj.external_url,
        "created": iso(obj.created_at),
        "modified": iso(own.oparl_modified),
    }
    return compact(data)
