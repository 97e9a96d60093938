"""The tasks of a cycle's milestones: opened with the cycle, reminded and escalated like any.

A milestone (`CycleMilestone`) opens one deadline when its cycle is created, due at the end
of its date, for its audience (every department's people, management, the strategy unit or
the council office). The sweep reminds and escalates it as any other deadline; marking the
milestone done closes it, and closing the cycle cancels it with the cycle's other tasks.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from planning_cycle.models import CycleMilestone, Department, PlanningCycle
from planning_cycle.services.audit import Actor, NotPermitted, actor_require

from ..models import Deadline, DeadlineState, TaskKind
from .deadlines import end_of_day

MILESTONE_TASK_KINDS = {
    "preparation": TaskKind.MILESTONE_PREPARATION,
    "interim_report": TaskKind.MILESTONE_INTERIM_REPORT,
    "other": TaskKind.MILESTONE_OTHER,
}


def milestone_deadlines_open(cycle: PlanningCycle, _departments: list[Department]) -> None:
    """Open the deadline of each milestone of a new cycle (`on_cycle_opened`, one INSERT)."""
    milestones = list(CycleMilestone.objects.filter(cycle_id=cycle.pk))
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
    """Only the body's management marks milestones done."""


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
