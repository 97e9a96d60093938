"""The admin of committees and their object permissions (kept by the council pages)."""

from __future__ import annotations

from django.contrib import admin

from planning_cycle.admin import BODY_FILTER, ObjectPermissionAdmin, ReadOnlyAdmin
from planning_cycle.models import (
    Committee,
    CommitteeGroupObjectPermission,
    CommitteeUserObjectPermission,
)


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    """Committees are kept by the council office's services; the admin shows them."""

    list_display = ("name", "short_name", "kind", "body", "start_date", "end_date")
    list_filter = (BODY_FILTER, "kind")
    search_fields = ("name", "short_name")


@admin.register(CommitteeUserObjectPermission)
class CommitteeUserObjectPermissionAdmin(ObjectPermissionAdmin):
    list_display = ("user", "content_object", "permission")
    list_filter = (("content_object__body", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username", "permission__codename", "content_object__name")


@admin.register(CommitteeGroupObjectPermission)
class CommitteeGroupObjectPermissionAdmin(ObjectPermissionAdmin):
    list_display = ("group", "content_object", "permission")
    list_filter = (("content_object__body", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("group__name", "permission__codename", "content_object__name")
