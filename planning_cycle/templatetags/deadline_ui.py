"""Template helpers for due dates: whether a date or a due time has passed."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def has_passed(value: dt.date | dt.datetime | None) -> bool:
    """Tell whether a due time has passed, or a due date (due at its end) lies before today."""
    if value is None:
        return False
    if isinstance(value, dt.datetime):
        return value < timezone.now()
    return value < timezone.localdate()
