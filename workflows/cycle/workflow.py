"""The declaration of the planning cycle's workflow."""

from __future__ import annotations

from django.db.models.expressions import RawSQL

from planning_cycle.models import PhaseDeadline, PlanningCycle
from workflows.registry import Workflow, workflow_register


def register() -> None:
    """Declare the cycle's workflow (the packages register the guards its phases name)."""
    workflow_register(
        Workflow(
            model=PlanningCycle,
            slug="zyklus",
            detail_url_name="cycle_overview",
            # A new phase changes the whole overview.
            reload_after_transition=True,
            api_register="workflows.cycle.api.register",
            api_name="Cycle",
            # How many phases the cycle's calendar switches off, read with the lock: the
            # usual cycle (none) needs no second query for its routes.
            lock_annotations={
                "locked_switched_off_count": RawSQL(  # noqa: S611  (no input: table names)
                    f"SELECT COUNT(*) FROM {PhaseDeadline._meta.db_table} d "  # noqa: S608
                    f"WHERE d.cycle_id = {PlanningCycle._meta.db_table}.id AND d.switched_off",
                    (),
                )
            },
        )
    )
