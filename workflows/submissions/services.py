"""Write services for the content of a department's goal review and plan."""

from __future__ import annotations

import datetime as dt

from guardian.core import ObjectPermissionChecker

from planning_cycle.models import User
from workflows.models import DepartmentPlan, DepartmentReview
from workflows.services.content import content_update


def review_update(
    *,
    acting_user: User,
    review: DepartmentReview,
    summary: str,
    expected_updated_at: dt.datetime | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> DepartmentReview:
    """Write a department's goal review text (Bilanz) while it is a draft or returned."""
    result = content_update(
        acting_user=acting_user,
        obj=review,
        values={"summary": summary},
        expected_updated_at=expected_updated_at,
        checker=checker,
    )
    assert isinstance(result, DepartmentReview)
    return result


def plan_update(
    *,
    acting_user: User,
    plan: DepartmentPlan,
    summary: str,
    expected_updated_at: dt.datetime | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> DepartmentPlan:
    """Write a department's plan text while it is a draft or returned."""
    result = content_update(
        acting_user=acting_user,
        obj=plan,
        values={"summary": summary},
        expected_updated_at=expected_updated_at,
        checker=checker,
    )
    assert isinstance(result, DepartmentPlan)
    return result
