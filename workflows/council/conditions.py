"""Pure transition conditions of meetings and consultation steps; each says why it fails.

What they read beyond the row is loaded with the lock (the workflow's lock annotations);
outside a transition (a page offering the buttons) they fall back to the relations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workflows.conditions import Condition

from .states import MeetingState, StepResult


def _meeting_start(obj: Any) -> dt.datetime | None:
    """Return the start of the meeting (a meeting's own; a step's agenda item's meeting)."""
    start = obj.__dict__.get("locked_meeting_start")
    if isinstance(start, str):
        # SQLite hands the lock's raw annotation back as text (UTC).
        parsed = parse_datetime(start)
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, dt.UTC)
        return parsed
    if start is not None:
        return start if isinstance(start, dt.datetime) else None
    if hasattr(obj, "start"):
        return obj.start
    item = getattr(obj, "agenda_item", None)
    return item.meeting.start if item is not None else None


def _day_reached(obj: Any) -> bool:
    start = _meeting_start(obj)
    return start is not None and timezone.localdate(start) <= timezone.localdate()


def _day_message(obj: Any) -> str:
    start = _meeting_start(obj)
    if start is None:
        return _("Die Vorlage steht auf keiner Tagesordnung.")
    return _("Die Sitzung am %(date)s hat noch nicht stattgefunden.") % {
        "date": date_format(timezone.localdate(start), "SHORT_DATE_FORMAT")
    }


MEETING_DAY_REACHED = Condition(_day_reached, _day_message)
MEETING_DAY_REACHED.__name__ = "meeting_day_reached"

HAS_AGENDA_ITEM = Condition(
    lambda s: s.agenda_item_id is not None,
    lambda s: _("Wählen Sie die Sitzung, auf deren Tagesordnung die Vorlage kommt."),
)
HAS_AGENDA_ITEM.__name__ = "has_agenda_item"

RESULT_FINAL = Condition(
    lambda s: bool(s.result) and s.result != StepResult.DEFERRED and s.result_date is not None,
    lambda s: _("Wählen Sie das Ergebnis der Beratung."),
)
RESULT_FINAL.__name__ = "result_final"


def _meeting_state(step: Any) -> str | None:
    state = step.__dict__.get("locked_meeting_state")
    if state is not None:
        return str(state)
    item = getattr(step, "agenda_item", None)
    return item.meeting.state if item is not None else None


MEETING_NOT_CANCELLED = Condition(
    lambda s: _meeting_state(s) != MeetingState.CANCELLED,
    lambda s: _("Die Sitzung wurde abgesagt; setzen Sie die Vorlage auf eine andere Sitzung."),
)
MEETING_NOT_CANCELLED.__name__ = "meeting_not_cancelled"
