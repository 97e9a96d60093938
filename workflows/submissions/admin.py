"""Admin of department reviews and plans (created with their cycle, never added here)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from workflows.admin_base import WorkflowAdmin
from workflows.models import DepartmentPlan, DepartmentReview


@admin.register(DepartmentReview)
class DepartmentReviewAdmin(WorkflowAdmin):
    list_display = ("department", "cycle", "state", "updated_at")
    list_select_related = ("body", "cycle", "department")
    search_fields = ("department__code", "department__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created with the cycle (planning_cycle.services.cycles)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("body", "cycle", "department", "state", "updated_at")


@admin.register(DepartmentPlan)
class DepartmentPlanAdmin(DepartmentReviewAdmin):
    pass
