"""API resources of the workflows: reviews, plans, goal agreements and their transitions.

Everything goes through the selectors and services the pages use: objects are read in the
user's body only (another body's object is not found), drafts and returned submissions
only by those who may see drafts (their department, management, strategy unit); content
edits go through `workflows.services.content`, transitions through `transition_fire`,
with one prefetched permission checker per request.
"""

from __future__ import annotations

from django.urls import URLPattern, re_path
from rest_framework.routers import DefaultRouter

from planning_cycle.api.ids import ID_PATTERN

from .transitions import CycleTransitionViewSet
from .views import AgreementViewSet, PlanViewSet, ReviewViewSet


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register this module's viewsets; return any extra URL patterns."""
    router.register("reviews", ReviewViewSet, basename="department-review")
    router.register("plans", PlanViewSet, basename="department-plan")
    router.register("goal-agreements", AgreementViewSet, basename="goal-agreement")
    return [
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/transitions/$",
            CycleTransitionViewSet.as_view({"get": "list"}, basename="cycle-transition"),
            name="cycle-transition-list",
        ),
        re_path(
            rf"^cycles/(?P<pk>{ID_PATTERN})/transitions/(?P<name>[a-z_]+)/$",
            CycleTransitionViewSet.as_view({"post": "fire"}, basename="cycle-transition"),
            name="cycle-transition-fire",
        ),
    ]
