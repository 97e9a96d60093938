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

from planning_cycle.workdays import is_working_day, working_days_after

from .models import ConsultationStep

RESULT_WORKING_DAYS = 2


def result_due_dates(objects: Sequence[Any]) -> dict[int, dt.date]:
    """Return each scheduled step's due date for its result (one query for all of them)."""
    rows = ConsultationStep.objects.filter(
        pk__in=[obj.pk for obj in objects], agenda_item__isnull=False
    ).values_list("pk", "agenda_item__meeting__start", "body__state")
    return {
        pk: working_days_after(timezone.localdate(start), RESULT_WORKING_DAYS, state=state)
        for pk, start, state in rows
    }


def overdue_cutoff(today: dt.date, *, state: str, days: int = RESULT_WORKING_DAYS) -> dt.date:
    """Return the last meeting day whose result is overdue today (`days` working days on)."""
    day, counted = today, 0
    while True:
        if is_working_day(day, state=state):
            counted += 1
            if counted == days:
                return day - dt.timedelta(days=1)
        day -= dt.timedelta(days=1)
