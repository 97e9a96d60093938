"""Create planning cycles with their calendar and department submissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from planning_cycle.models import (
    PHASE_ORDER,
    AuditAction,
    Body,
    CycleMilestone,
    Department,
    Phase,
    PhaseDeadline,
    PlanningCycle,
)

from .audit import Actor, NotPermitted, actor_require, audit_record
from .calendar import (  # noqa: F401  (CalendarError and CycleError are this module's errors too)
    CalendarError,
    CalendarSpec,
    CycleError,
    ResolvedCalendar,
    body_phase_calendar,
    calendar_resolve,
)


def body_calendar(body: Body) -> dict[str, tuple[int, int, int]]:
    """Return the body's phase calendar, falling back to Kreis Soest's for missing phases."""
    return body_phase_calendar(body)[0]


class CycleNotPermitted(CycleError, NotPermitted):
    """The acting user may not create cycles in that body."""


def cycle_create(
    *,
    acting_user: Actor,
    body: Body,
    year: int,
    title: str = "",
    dates: Mapping[str, dt.date] | None = None,
    calendar: CalendarSpec | None = None,
) -> PlanningCycle:
    """Create a body's cycle for a year with its calendar, reviews, plans and deadlines.

    `calendar` (or only `dates`) sets the due dates of phases, the switched-off phases and
    the milestones of this cycle; what it leaves out comes from the body's calendar. All
    or nothing: a wrong calendar (`CalendarError`) or a taken year writes nothing.
    Management of the body (and superusers) may create cycles.
    """
    actor_require(
        acting_user,
        "cycle_create",
        body,
        _("Einen Planungszyklus anlegen"),
        error=CycleNotPermitted,
    )
    if calendar is None:
        calendar = CalendarSpec(dates=dict(dates or {}))
    resolved = calendar_resolve(body, year, calendar)
    try:
        with transaction.atomic():
            cycle = PlanningCycle.objects.create(
                body=body, year=year, title=title or _("Planungszyklus %(year)d") % {"year": year}
            )
            _populate(cycle, resolved)
            audit_record(
                actor=acting_user,
                body=body,
                action=AuditAction.CYCLE_CREATE,
                target=f"{cycle.title} ({year})",
            )
    except IntegrityError as exc:
        raise _year_taken(body, year) from exc
    return cycle


def _year_taken(body: Body, year: int) -> CycleError:
    return CycleError(
        _("Für %(body)s gibt es bereits einen Planungszyklus %(year)d.")
        % {"body": body, "year": year}
    )


def cycle_get_or_create_next(*, cycle: PlanningCycle) -> PlanningCycle:
    """Return the cycle of the following year, creating it when missing (body's calendar)."""
    nxt = PlanningCycle.objects.filter(body_id=cycle.body_id, year=cycle.year + 1).first()
    if nxt is None:
        nxt = PlanningCycle.objects.create(
            body_id=cycle.body_id,
            year=cycle.year + 1,
            title=_("Planungszyklus %(year)d") % {"year": cycle.year + 1},
        )
        _populate(nxt, calendar_resolve(nxt.body, nxt.year, None))
    return nxt


def _populate(cycle: PlanningCycle, calendar: ResolvedCalendar) -> None:
    body = cycle.body
    PhaseDeadline.objects.bulk_create(
        PhaseDeadline(
            body=body,
            cycle=cycle,
            phase=phase,
            due_date=calendar.dates.get(phase),
            switched_off=phase in calendar.switched_off,
        )
        for phase in PHASE_ORDER
        if phase != Phase.CLOSED
    )
    CycleMilestone.objects.bulk_create(
        CycleMilestone(
            body=body,
            cycle=cycle,
            title=m.title,
            kind=m.kind,
            due_date=m.due_date,
            audience=m.audience,
            phase=m.phase,
        )
        for m in calendar.milestones
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
