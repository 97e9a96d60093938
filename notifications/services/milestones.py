"""A cycle's milestones and their tasks: opened with the cycle, reminded and escalated like any.

A milestone (`CycleMilestone`) opens one deadline when its cycle is created (or when
management adds it later), due at the end of its date, for its audience (every
department's people, management, the strategy unit or the council office). The sweep
reminds and escalates it as any other deadline; marking the milestone done closes it,
removing it cancels it, and closing the cycle cancels it with the cycle's other tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from planning_cycle.models import CycleMilestone, Department, Phase, PlanningCycle
from planning_cycle.services.audit import Actor, NotPermitted, actor_require
from planning_cycle.services.calendar import CalendarError, MilestoneSpec, milestone_check

from ..models import Deadline, DeadlineState, TaskKind
from .deadlines import end_of_day

MILESTONE_TASK_KINDS = {
    "preparation": TaskKind.MILESTONE_PREPARATION,
    "interim_report": TaskKind.MILESTONE_INTERIM_REPORT,
    "other": TaskKind.MILESTONE_OTHER,
}


def milestone_deadlines_open(cycle: PlanningCycle, _departments: list[Department]) -> None:
    """Open the deadline of each milestone of a new cycle (`on_cycle_opened`, one INSERT)."""
    _deadlines_open(cycle, list(CycleMilestone.objects.filter(cycle_id=cycle.pk)))


def _deadlines_open(cycle: PlanningCycle, milestones: Sequence[CycleMilestone]) -> None:
    if not milestones:
        return
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(CycleMilestone)
    path = reverse("cycle_overview", args=[cycle.pk])
    Deadline.objects.bulk_create(
        Deadline(
            body_id=cycle.body_id,
            cycle_id=cycle.pk,
            kind=MILESTONE_TASK_KINDS[m.kind],
            audience=m.audience,
            content_type=content_type,
            object_id=m.pk,
            url_path=f"{path}#termine",
            due_at=end_of_day(m.due_date),
            state=DeadlineState.OPEN,
            opened_at=now,
            # The next sweep computes the reminder schedule.
            next_check_at=now,
        )
        for m in milestones
    )


class MilestoneNotPermitted(NotPermitted):
    """Only the body's management marks milestones done, adds and removes them."""


class MilestoneTaken(CalendarError):
    """The cycle already has a milestone of that title on that date."""


def _require_management(acting_user: Actor, cycle: PlanningCycle, what: str) -> None:
    actor_require(acting_user, "cycle_advance", cycle.body, what, error=MilestoneNotPermitted)


def _require_open(cycle: PlanningCycle) -> None:
    if cycle.phase == Phase.CLOSED:
        raise CalendarError(
            _("%(cycle)s ist abgeschlossen; seine Termine lassen sich nicht mehr ändern.")
            % {"cycle": cycle.title},
            field="milestones",
        )


def milestone_add(
    *,
    acting_user: Actor,
    cycle: PlanningCycle,
    title: str,
    kind: str,
    due_date: dt.date,
    audience: str,
    phase: str = "",
) -> CycleMilestone:
    """Add a milestone to an existing cycle and open its deadline (management)."""
    _require_management(acting_user, cycle, _("Einen Termin anlegen"))
    _require_open(cycle)
    rows = list(cycle.deadlines.all())
    spec = milestone_check(
        MilestoneSpec(title=title, kind=kind, due_date=due_date, audience=audience, phase=phase),
        year=cycle.year,
        dates={r.phase: r.due_date for r in rows if r.due_date is not None},
        off=frozenset(r.phase for r in rows if r.switched_off),
    )
    try:
        with transaction.atomic():
            milestone = CycleMilestone.objects.create(
                body_id=cycle.body_id,
                cycle=cycle,
                title=spec.title,
                kind=spec.kind,
                due_date=spec.due_date,
                audience=spec.audience,
                phase=spec.phase,
            )
            _deadlines_open(cycle, [milestone])
    except IntegrityError as exc:
        if "milestone_unique_per_cycle" not in str(exc):
            raise
        raise MilestoneTaken(
            _("Den Termin „%(title)s“ am %(date)s gibt es in diesem Zyklus schon.")
            % {"title": spec.title, "date": date_format(spec.due_date, "d.m.Y")},
            field="milestones",
        ) from None
    return milestone


def milestone_remove(*, acting_user: Actor, milestone: CycleMilestone) -> None:
    """Remove a milestone that is not done and cancel its open deadline (management)."""
    _require_management(acting_user, milestone.cycle, _("Einen Termin entfernen"))
    _require_open(milestone.cycle)
    with transaction.atomic():
        locked = CycleMilestone.objects.select_for_update().filter(pk=milestone.pk).first()
        if locked is None:
            return
        if locked.done_at is not None:
            raise CalendarError(
                _("Der Termin „%(title)s“ ist erledigt und bleibt im Kalender.")
                % {"title": locked.title},
                field="milestones",
            )
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(CycleMilestone),
            object_id=locked.pk,
            state=DeadlineState.OPEN,
        ).update(state=DeadlineState.CANCELLED, closed_at=timezone.now(), next_check_at=None)
        locked.delete()


def milestone_done(*, acting_user: Actor, milestone: CycleMilestone) -> CycleMilestone:
    """Mark a milestone done and close its open deadline (no more reminders); idempotent."""
    actor_require(
        acting_user,
        "cycle_advance",
        milestone.body,
        _("Einen Termin als erledigt markieren"),
        error=MilestoneNotPermitted,
    )
    now = timezone.now()
    with transaction.atomic():
        locked = CycleMilestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.done_at is None:
            locked.done_at = now
            locked.save(update_fields=["done_at"])
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(CycleMilestone),
            object_id=locked.pk,
            state=DeadlineState.OPEN,
        ).update(state=DeadlineState.DONE, closed_at=now, next_check_at=None)
    return locked
