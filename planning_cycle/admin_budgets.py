"""The admin of the budget framework (kept by the framework page and its service)."""

from __future__ import annotations

from django.contrib import admin

from planning_cycle.admin import BODY_FILTER, ReadOnlyAdmin
from planning_cycle.models import BudgetCeiling, SavingsTarget


@admin.register(BudgetCeiling)
class BudgetCeilingAdmin(ReadOnlyAdmin):
    """Ceilings are set on the framework page (`framework_set`); the admin shows them."""

    list_display = ("department", "cycle", "amount", "body")
    list_filter = (BODY_FILTER,)
    list_select_related = ("department", "cycle", "body")


@admin.register(SavingsTarget)
class SavingsTargetAdmin(ReadOnlyAdmin):
    """Savings targets are set on the framework page (`framework_set`); the admin shows them."""

    list_display = ("cycle", "department", "percent", "body")
    list_filter = (BODY_FILTER,)
    list_select_related = ("department", "cycle", "body")
