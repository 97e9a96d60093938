"""Which users of a body are locked out of the login (django-axes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from planning_cycle.models import User


@dataclass(frozen=True)
class LockedOutUser:
    """A user name of the body whose logins are refused, and until when."""

    username: str
    failures: int
    until: dt.datetime


def locked_out_users(body_id: int) -> list[LockedOutUser]:
    """Return the body's users locked out by failed logins, by user name."""
    cool_off: dt.timedelta = settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(
            attempt_time__gte=timezone.now() - cool_off,
            username__in=User.objects.filter(body_id=body_id).values("username"),
        )
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )
    return [
        LockedOutUser(
            username=row["username"], failures=row["failures"], until=row["last"] + cool_off
        )
        for row in rows
    ]
