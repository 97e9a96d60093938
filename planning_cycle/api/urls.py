"""The URL tree of /api/v1/: one router; each app registers its resources on it."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from notifications import api as notifications_api
from workflows import api as workflows_api

from . import core
from .tokens import ApiTokenViewSet, MeView

router = DefaultRouter()
router.register("tokens", ApiTokenViewSet, basename="api-token")
extra = [
    *core.register(router),
    *workflows_api.register(router),
    *notifications_api.register(router),
]

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    *extra,
    path("", include(router.urls)),
]
