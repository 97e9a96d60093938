"""The consistency check of the goal catalog, for the strategy unit and management."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from planning_cycle.controlling.consistency import (
    Defect,
    DefectKind,
    catalog_check_allowed,
    catalog_defects,
    defects_grouped,
)
from planning_cycle.models import Indicator, Measure, OperativeGoal, StrategicGoal
from planning_cycle.web import body_id, member_view, request_roles


@dataclass(frozen=True)
class DefectRow:
    """A defect with where to see its object and, for staff, where to edit it."""

    defect: Defect
    view_url: str | None
    edit_url: str | None


@dataclass(frozen=True)
class GroupRows:
    """The rows of one kind of defect."""

    kind: DefectKind
    label: str
    rows: list[DefectRow]

    @property
    def count(self) -> int:
        """The number of defects of the kind."""
        return len(self.rows)


def _view_url(defect: Defect) -> str | None:
    """Return the page showing the defect's object (products have none outside the admin)."""
    obj = defect.obj
    catalog = reverse("goal_catalog")
    if isinstance(obj, Indicator):
        if obj.operative_goal_id is not None:
            return reverse("operative_goal_detail", args=[obj.operative_goal_id]) + "#massnahmen"
        if obj.strategic_goal_id is not None:
            return f"{catalog}#strategisch-{obj.strategic_goal_id}"
        return None
    if isinstance(obj, StrategicGoal):
        return f"{catalog}#strategisch-{obj.pk}"
    if isinstance(obj, OperativeGoal):
        return reverse("operative_goal_detail", args=[obj.pk])
    if isinstance(obj, Measure):
        return reverse("operative_goal_detail", args=[obj.operative_goal_id]) + "#massnahmen"
    return None


def _edit_url(request: HttpRequest, defect: Defect) -> str | None:
    """Return the object's admin page when the user may change it there."""
    meta = defect.obj._meta
    user = request.user
    if not user.is_staff or not user.has_perm(f"{meta.app_label}.change_{meta.model_name}"):
        return None
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[defect.obj.pk])


@member_view
def catalog_check(request: HttpRequest) -> HttpResponse:
    """List the defects of the body's goal hierarchy grouped by kind, with links."""
    if not catalog_check_allowed(request_roles(request)):
        raise PermissionDenied
    groups = [
        GroupRows(
            kind=group.kind,
            label=group.label,
            rows=[DefectRow(d, _view_url(d), _edit_url(request, d)) for d in group.defects],
        )
        for group in defects_grouped(catalog_defects(body_id(request)))
    ]
    return render(
        request,
        "goals/check.html",
        {
            "groups": groups,
            "total": sum(group.count for group in groups),
            "nav_section": "goals",
        },
    )
