"""Addresses of the OParl interface below /oparl/v1/ (mounted by planning_cycle.urls)."""

from django.urls import URLPattern, path, re_path

from . import files, views
from .base import LIST_SEGMENTS, SEG_BODY, SEG_FILE, SEG_ORGANIZATION

app_name = "oparl"

urlpatterns: list[URLPattern] = [
    path("", views.system, name="system"),
    path("bodies/", views.body_list, name="bodies"),
    *(
        path(f"{kind.segment}/<int:pk>/", views.detail, {"kind_name": name}, name=name)
        for name, kind in views.KINDS.items()
    ),
    *(
        path(
            f"{SEG_BODY}/<int:pk>/{segment}/",
            views.body_objects,
            {"kind_name": name},
            name=f"body-{segment}",
        )
        for name, segment in LIST_SEGMENTS.items()
    ),
    path(
        f"{SEG_ORGANIZATION}/<int:pk>/meetings/",
        views.organization_objects,
        {"kind_name": "Meeting"},
        name="organization-meetings",
    ),
    path(
        f"{SEG_ORGANIZATION}/<int:pk>/consultations/",
        views.organization_objects,
        {"kind_name": "Consultation"},
        name="organization-consultations",
    ),
    path(f"{SEG_FILE}/<int:pk>/access/", files.file_access, name="file-access"),
    path(f"{SEG_FILE}/<int:pk>/download/", files.file_download, name="file-download"),
    re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"),
]
