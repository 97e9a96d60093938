"""Create planning cycles with their calendar and department submissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from planning_cycle.models import (
    DEFAULT_CALENDAR,
    AuditAction,
    Body,
    Department,
    Phase,
    PhaseDeadline,
    PlanningCycle,
    calendar_date,
)

from .audit import Actor, NotPermitted, actor_require, audit_record


class CycleError(Exception):
    """A cycle could not be created; the message tells why."""


class CycleNotPermitted(CycleError, NotPermitted):
    """The acting user may not create cycles in that body."""


def body_calendar(body: Body) -> dict[str, tuple[int, int, int]]:
    """Return the body's phase calendar, falling back to Kreis Soest's for missing phases."""
    calendar = {str(k): v for k, v in DEFAULT_CALENDAR.items()}
    for entry in body.calendar.all():
        calendar[entry.phase] = (entry.month, entry.day, entry.year_offset)
    return calendar


def cycle_create(
    *,
    acting_user: Actor,
    body: Body,
    year: int,
    title: str = "",
    dates: Mapping[str, dt.date] | None = None,
) -> PlanningCycle:
    """Create a body's cycle for a year with its phase deadlines, reviews and plans.

    `dates` sets the due dates of some phases for this cycle only; the others come from
    the body's calendar. Management of the body (and superusers) may create cycles.
    """
    actor_require(
        acting_user,
        "cycle_create",
        body,
        _("Einen Planungszyklus anlegen"),
        error=CycleNotPermitted,
    )
    unknown = set(dates or ()) - set(Phase.values) | ({Phase.CLOSED} & set(dates or ()))
    if unknown:
        raise CycleError(
            _("Unbekannte Phase: %(phases)s.") % {"phases": ", ".join(sorted(unknown))}
        )
    try:
        with transaction.atomic():
            cycle = PlanningCycle.objects.create(
                body=body, year=year, title=title or _("Planungszyklus %(year)d") % {"year": year}
            )
            _populate(cycle, dates or {})
            audit_record(
                actor=acting_user,
                body=body,
                action=AuditAction.CYCLE_CREATE,
                target=f"{cycle.title} ({year})",
            )
    except IntegrityError as exc:
        raise CycleError(
            _("Für %(body)s gibt es bereits einen Planungszyklus %(year)d.")
            % {"body": body, "year": year}
        ) from exc
    return cycle


def cycle_get_or_create_next(*, cycle: PlanningCycle) -> PlanningCycle:
    """Return the cycle of the following year, creating it when missing."""
    nxt = PlanningCycle.objects.filter(body_id=cycle.body_id, year=cycle.year + 1).first()
    if nxt is None:
        nxt = PlanningCycle.objects.create(
            body_id=cycle.body_id,
            year=cycle.year + 1,
            title=_("Planungszyklus %(year)d") % {"year": cycle.year + 1},
        )
        _populate(nxt)
    return nxt


def _populate(cycle: PlanningCycle, dates: Mapping[str, dt.date] | None = None) -> None:
    body = cycle.body
    dates = dates or {}
    PhaseDeadline.objects.bulk_create(
        PhaseDeadline(
            body=body,
            cycle=cycle,
            phase=phase,
            due_date=dates.get(phase) or calendar_date(cycle.year, month, day, offset),
        )
        for phase, (month, day, offset) in body_calendar(body).items()
    )
    departments = list(body.departments.filter(takes_part=True))
    for listener in _CYCLE_OPENED:
        listener(cycle, departments)


# What other apps create with a new cycle (the workflows: each department's review and
# plan), in the same transaction: they register here, the core does not know them.
CycleOpened = Callable[[PlanningCycle, list[Department]], None]
_CYCLE_OPENED: list[CycleOpened] = []


def on_cycle_opened(listener: CycleOpened) -> CycleOpened:
    """Run `listener` with every new cycle and its taking-part departments (in its transaction)."""
    if listener not in _CYCLE_OPENED:
        _CYCLE_OPENED.append(listener)
    return listener
