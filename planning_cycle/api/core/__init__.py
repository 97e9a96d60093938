"""API resources of the core domain (bodies, departments, cycles, goals, indicators)."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path
from rest_framework.routers import DefaultRouter

from planning_cycle.api.ids import ID_PATTERN

from . import budgets, catalog, milestones, views


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register this module's viewsets; return any extra URL patterns."""
    router.register("bodies", views.BodyViewSet, basename="api-body")
    router.register("departments", views.DepartmentViewSet, basename="api-department")
    router.register("cycles", views.CycleViewSet, basename="api-cycle")
    router.register("policy-fields", views.PolicyFieldViewSet, basename="api-policy-field")
    router.register("strategic-goals", views.StrategicGoalViewSet, basename="api-strategic-goal")
    router.register("operative-goals", views.OperativeGoalViewSet, basename="api-operative-goal")
    router.register("measures", views.MeasureViewSet, basename="api-measure")
    router.register("indicators", views.IndicatorViewSet, basename="api-indicator")
    router.register("indicator-values", views.IndicatorValueViewSet, basename="api-indicator-value")
    router.register("products", views.ProductViewSet, basename="api-product")
    router.register("product-budgets", views.ProductBudgetViewSet, basename="api-product-budget")
    return [
        path("catalog/", catalog.CatalogView.as_view(), name="api-catalog"),
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/framework/$",
            budgets.CycleFrameworkView.as_view(),
            name="api-cycle-framework",
        ),
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/milestones/$",
            milestones.CycleMilestonesView.as_view(),
            name="api-cycle-milestones",
        ),
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/milestones/(?P<milestone>{ID_PATTERN})/$",
            milestones.CycleMilestoneView.as_view(),
            name="api-cycle-milestone",
        ),
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/milestones/(?P<milestone>{ID_PATTERN})/done/$",
            milestones.CycleMilestoneDoneView.as_view(),
            name="api-cycle-milestone-done",
        ),
    ]
