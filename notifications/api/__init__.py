"""API resources of the notifications: the user's tasks, notifications and deadlines.

Reads go through `notifications.selectors` (already scoped to the user's body), writes
through the inbox and deadline services, as on the pages.
"""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import DefaultRouter

from .views import DeadlineViewSet, NotificationViewSet, TaskViewSet


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register this module's viewsets; return any extra URL patterns."""
    router.register("tasks", TaskViewSet, basename="task")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("deadlines", DeadlineViewSet, basename="deadline")
    return []
