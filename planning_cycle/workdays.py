"""Working days of a body: weekdays that are no public holiday of its German state."""

from __future__ import annotations

import datetime as dt
import functools

import holidays


@functools.cache
def holidays_of(state: str, year: int) -> frozenset[dt.date]:
    """Return the public holidays of a German state (nationwide ones for an unknown state)."""
    subdiv = state.upper() if state and state.upper() in holidays.DE.subdivisions else None
    return frozenset(holidays.country_holidays("DE", subdiv=subdiv, years=year).keys())


def is_working_day(day: dt.date, *, state: str) -> bool:
    """Tell whether the day is neither a weekend day nor a public holiday of the state."""
    return day.weekday() < 5 and day not in holidays_of(state, day.year)


def working_days_after(day: dt.date, days: int, *, state: str) -> dt.date:
    """Return the date `days` working days after `day` (weekends and holidays skipped)."""
    found, remaining = day, days
    while remaining > 0:
        found += dt.timedelta(days=1)
        if is_working_day(found, state=state):
            remaining -= 1
    return found
