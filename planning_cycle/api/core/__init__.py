"""API resources of the core domain (bodies, departments, cycles, goals, indicators)."""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> list[URLPattern]:
    """Register this module's viewsets; return any extra URL patterns."""
    return []
