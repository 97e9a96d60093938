"""Demo milestones of Peine's 2026 cycle: a preparation step and an interim report.

The interim report to the Kreistag is what the cycle page offers as a council paper draft
(with the Zielbilanz PDF); the preparation step opens a task for every department.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from notifications.services.milestones import milestone_add
from planning_cycle.models import (
    CycleMilestone,
    MilestoneAudience,
    MilestoneKind,
    PlanningCycle,
    User,
)

# Title, kind, month and day in the cycle's year, audience.
MILESTONES = (
    (
        "Fachdienste: Kennzahlen für den Zwischenbericht zuliefern",
        MilestoneKind.PREPARATION,
        (8, 31),
        MilestoneAudience.DEPARTMENTS,
    ),
    (
        "Zwischenbericht Zielbilanz an den Kreistag",
        MilestoneKind.INTERIM_REPORT,
        (9, 15),
        MilestoneAudience.STRATEGY_UNIT,
    ),
)


def milestones_seed(cycle: PlanningCycle, management: User, write: Callable[[str], object]) -> None:
    """Add the demo milestones to the cycle once (idempotent)."""
    existing = set(CycleMilestone.objects.filter(cycle=cycle).values_list("title", flat=True))
    for title, kind, (month, day), audience in MILESTONES:
        if title in existing:
            continue
        milestone_add(
            acting_user=management,
            cycle=cycle,
            title=title,
            kind=kind,
            due_date=dt.date(cycle.year, month, day),
            audience=audience,
        )
        write(f"  Termin: {title}")
