"""API resources of the notifications: the user's tasks, notifications and deadlines."""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register this module's viewsets; return any extra URL patterns."""
    return []
