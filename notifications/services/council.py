"""When a committee's result of a paper is due: two working days after its meeting.

The consultation step's task "Beratungsergebnis erfassen" (declared with the step's
workflow) names this hook as its `due`: the deadline opens when the step is put on an
agenda and is due at the end of the second working day after the meeting (weekends and
the public holidays of the body's state skipped), so that the committee's secretaries are
reminded and, past it, management hears of it like of any other overdue task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from workflows.council.models import ConsultationStep

from ..schedule import is_working_day

RESULT_WORKING_DAYS = 2


def working_days_after(day: dt.date, days: int, *, state: str) -> dt.date:
    """Return the date `days` working days after `day` (weekends and holidays skipped)."""
    found = day
    remaining = days
    while remaining > 0:
        found += dt.timedelta(days=1)
        if is_working_day(found, state=state):
            remaining -= 1
    return found


def result_due_dates(objects: Sequence[Any]) -> dict[int, dt.date]:
    """Return each scheduled step's due date for its result (one query for all of them)."""
    rows = ConsultationStep.objects.filter(
        pk__in=[obj.pk for obj in objects], agenda_item__isnull=False
    ).values_list("pk", "agenda_item__meeting__start", "body__state")
    return {
        pk: working_days_after(timezone.localdate(start), RESULT_WORKING_DAYS, state=state)
        for pk, start, state in rows
    }
