"""Helpers of the web tests: the roles every page is tried as, and a world's reviews."""

from __future__ import annotations

from tests.support.world import World
from workflows.models import DepartmentReview

ROLES = (
    "management",
    "strategy_unit",
    "department_head",
    "department_editor",
    "committee_secretary",
    "council_member",
    "external_stakeholder",
)


def review_of(world: World, index: int = 0) -> DepartmentReview:
    """Return the review of the world's department at index in its cycle."""
    return DepartmentReview.objects.get(cycle=world.cycle, department=world.departments[index])
