"""The URL tree of /api/v1/: one router; each app registers its resources on it."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from notifications import api as notifications_api
from workflows import api as workflows_api

from . import core
from .errors import api_not_found
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
    # The API documentation pages (static, no user data) bring inline styles, and Redoc an
    # inline start script and a web worker: the Content-Security-Policy allows these there only.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path(
        "redoc/",
        csp_update(
            {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]}
        )(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    *extra,
    path("", include(router.urls)),
    # Any other address under /api/v1/ is a 404 in problem details, not the HTML page.
    # (Exempt from CSRF like every API view: else a POST there would get the HTML 403 page.)
    re_path(r"^", csrf_exempt(api_not_found)),
]
