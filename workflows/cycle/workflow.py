"""The declaration of the planning cycle's workflow."""

from __future__ import annotations

from planning_cycle.models import PlanningCycle
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
        )
    )
