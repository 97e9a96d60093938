"""Django admin of the core domain.

Staff users of a body see and choose only their body's rows; platform administrators
(superusers) see every body. Roles and cycles are created through their services so
that object permissions, deadlines and submissions come with them; the cycle's phase
is read-only (it only moves through the transition service).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import (
    ApiToken,
    AuditEntry,
    Body,
    BodyCalendarEntry,
    BodyGroupObjectPermission,
    BodyUserObjectPermission,
    CycleMilestone,
    Department,
    DepartmentGroupObjectPermission,
    DepartmentUserObjectPermission,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
    PhaseDeadline,
    PlanningCycle,
    PolicyField,
    Product,
    ProductBudget,
    Role,
    RoleAssignment,
    StrategicGoal,
    User,
    Vision,
)
from planning_cycle.services.cycles import CycleError, cycle_create
from planning_cycle.services.roles import RoleError, role_assign, role_revoke

# The body filter lists only bodies with rows in the (scoped) list.
BODY_FILTER = ("body", admin.RelatedOnlyFieldListFilter)


def _scoped(model: type[models.Model], request: HttpRequest) -> models.QuerySet[Any]:
    """Return the rows of a model a staff user may choose: their body's only."""
    queryset = model._default_manager.all()
    if request.user.is_superuser:
        return queryset
    body_id = getattr(request.user, "body_id", None)
    if model is Body:
        return queryset.filter(pk=body_id)
    if any(f.name == "body" for f in model._meta.get_fields()):
        return queryset.filter(body_id=body_id)
    return queryset


class BodyScopedAdmin(admin.ModelAdmin):
    """Limit the list and the choices of foreign keys to the staff user's body."""

    body_lookup = "body"
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.body_lookup: getattr(request.user, "body_id", None)})

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        kwargs.setdefault("queryset", _scoped(db_field.related_model, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        kwargs.setdefault("queryset", _scoped(db_field.related_model, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyAdmin(BodyScopedAdmin):
    """Rows kept by a service: shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Body)
class BodyAdmin(BodyScopedAdmin):
    body_lookup = "pk"
    list_display = ("name", "key", "kind", "state", "created_at")
    list_filter = ("kind", "state")
    search_fields = ("name", "key")


@admin.register(User)
class UserAdmin(DjangoUserAdmin, BodyScopedAdmin):
    list_display = ("username", "first_name", "last_name", "email", "body", "is_staff", "is_active")
    list_filter = (BODY_FILTER, "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Kommune"), {"fields": ("body",)}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Kommune"), {"fields": ("body",)}),
    )


@admin.register(Department)
class DepartmentAdmin(BodyScopedAdmin):
    list_display = ("code", "name", "body", "parent", "takes_part")
    list_filter = (BODY_FILTER, "takes_part")
    search_fields = ("code", "name")
    list_select_related = ("body", "parent")
    raw_id_fields = ("parent",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(BodyScopedAdmin):
    """Roles are granted and revoked through the role service, which sets the permissions."""

    list_display = ("user", "role", "department", "body", "granted_at")
    list_filter = (BODY_FILTER, "role")
    search_fields = ("user__username", "user__last_name", "department__code", "department__name")
    list_select_related = ("user", "department", "body")
    fields = ("user", "role", "department")
    raw_id_fields = ("user",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            assignment = role_assign(
                acting_user=request.user,  # type: ignore[arg-type]
                user=obj.user,
                role=Role(obj.role),
                scope=obj.department,
            )
        except RoleError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk = assignment.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_queryset(request, [obj])  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for assignment in queryset:
            try:
                role_revoke(acting_user=request.user, assignment=assignment)  # type: ignore[arg-type]
            except RoleError as exc:
                self.message_user(request, str(exc), messages.ERROR)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "body", "actor", "action", "target")
    list_filter = (BODY_FILTER, "action")
    search_fields = ("target", "actor__username")
    list_select_related = ("body", "actor")
    date_hierarchy = "created_at"


@admin.register(BodyCalendarEntry)
class BodyCalendarEntryAdmin(BodyScopedAdmin):
    list_display = ("body", "phase", "day", "month", "year_offset", "switched_off")
    list_filter = (BODY_FILTER, "phase")


@admin.register(CycleMilestone)
class CycleMilestoneAdmin(BodyScopedAdmin):
    list_display = ("title", "cycle", "kind", "audience", "due_date", "done_at")
    list_filter = (BODY_FILTER, "kind", "audience")
    list_select_related = ("cycle",)


class PhaseDeadlineInline(admin.TabularInline):
    model = PhaseDeadline
    fields = ("phase", "due_date", "switched_off")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlanningCycle)
class PlanningCycleAdmin(BodyScopedAdmin):
    """A new cycle is created by the cycle service (deadlines, reviews and plans included)."""

    list_display = ("__str__", "body", "year", "phase", "updated_at")
    list_filter = (BODY_FILTER, "phase", "year")
    search_fields = ("title",)
    list_select_related = ("body",)
    inlines = (PhaseDeadlineInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The phase moves only through the transition service.
        return ("phase", "body", "year") if obj is not None else ("phase",)

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return list(self.inlines) if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            created = cycle_create(
                acting_user=request.user,  # type: ignore[arg-type]
                body=obj.body,
                year=obj.year,
                title=obj.title,
            )
        except CycleError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk = created.pk


@admin.register(PhaseDeadline)
class PhaseDeadlineAdmin(BodyScopedAdmin):
    list_display = ("cycle", "phase", "due_date", "body")
    list_filter = (BODY_FILTER, "phase")
    list_select_related = ("cycle", "body")
    date_hierarchy = "due_date"


@admin.register(Vision)
class VisionAdmin(BodyScopedAdmin):
    list_display = ("title", "key", "body")
    list_filter = (BODY_FILTER,)
    search_fields = ("title", "key", "text")


@admin.register(PolicyField)
class PolicyFieldAdmin(BodyScopedAdmin):
    list_display = ("name", "key", "body", "position")
    list_filter = (BODY_FILTER,)
    search_fields = ("name", "key")


class ProductBudgetInline(admin.TabularInline):
    model = ProductBudget
    fields = ("body", "year", "amount")
    extra = 0


@admin.register(Product)
class ProductAdmin(BodyScopedAdmin):
    list_display = ("code", "name", "department", "body")
    list_filter = (BODY_FILTER,)
    search_fields = ("code", "name")
    list_select_related = ("department", "body")
    inlines = (ProductBudgetInline,)


@admin.register(ProductBudget)
class ProductBudgetAdmin(BodyScopedAdmin):
    list_display = ("product", "year", "amount", "body")
    list_filter = (BODY_FILTER, "year")
    search_fields = ("product__code", "product__name")
    list_select_related = ("product", "body")


@admin.register(StrategicGoal)
class StrategicGoalAdmin(BodyScopedAdmin):
    list_display = ("number", "title", "policy_field", "valid_from", "valid_until", "body")
    list_filter = (BODY_FILTER, ("policy_field", admin.RelatedOnlyFieldListFilter))
    search_fields = ("number", "title", "description")
    list_select_related = ("policy_field", "body")
    filter_horizontal = ("products",)


@admin.register(OperativeGoal)
class OperativeGoalAdmin(BodyScopedAdmin):
    list_display = ("number", "title", "strategic_goal", "body")
    list_filter = (BODY_FILTER,)
    search_fields = ("number", "key", "title", "description")
    list_select_related = ("strategic_goal", "body")
    filter_horizontal = ("departments", "products")


@admin.register(Measure)
class MeasureAdmin(BodyScopedAdmin):
    list_display = ("title", "operative_goal", "owner", "due_date", "done_on", "cost", "body")
    list_filter = (BODY_FILTER,)
    search_fields = ("key", "title", "description")
    list_select_related = ("operative_goal", "owner", "body")
    raw_id_fields = ("operative_goal",)
    filter_horizontal = ("products",)


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    fields = (
        "body",
        "year",
        "period",
        "kind",
        "value",
        "target_kind",
        "upper_value",
        "comment",
        "source",
    )
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(BodyScopedAdmin):
    list_display = ("name", "key", "unit", "unit_kind", "direction", "tolerance", "body")
    list_filter = (BODY_FILTER, "direction")
    search_fields = ("key", "name")
    list_select_related = ("body",)
    raw_id_fields = ("strategic_goal", "operative_goal", "product")
    inlines = (IndicatorValueInline,)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(BodyScopedAdmin):
    list_display = ("indicator", "year", "period", "kind", "value", "target_kind", "body")
    list_filter = (BODY_FILTER, "kind", "year", "period")
    search_fields = ("indicator__key", "indicator__name")
    list_select_related = ("indicator", "body")


class ObjectPermissionAdmin(ReadOnlyAdmin):
    """Object permissions come with roles (role service); shown here for support only."""

    body_lookup = "content_object__body"
    list_display: tuple[str, ...] = ("content_object", "permission")
    list_select_related = ("permission",)


@admin.register(BodyUserObjectPermission)
class BodyUserObjectPermissionAdmin(ObjectPermissionAdmin):
    body_lookup = "content_object"
    list_display = ("user", "content_object", "permission")
    list_filter = (("content_object", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username", "permission__codename")


@admin.register(BodyGroupObjectPermission)
class BodyGroupObjectPermissionAdmin(ObjectPermissionAdmin):
    body_lookup = "content_object"
    list_display = ("group", "content_object", "permission")
    list_filter = (("content_object", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("group__name", "permission__codename")


@admin.register(DepartmentUserObjectPermission)
class DepartmentUserObjectPermissionAdmin(ObjectPermissionAdmin):
    list_display = ("user", "content_object", "permission")
    list_filter = (("content_object__body", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username", "permission__codename", "content_object__code")


@admin.register(DepartmentGroupObjectPermission)
class DepartmentGroupObjectPermissionAdmin(ObjectPermissionAdmin):
    list_display = ("group", "content_object", "permission")
    list_filter = (("content_object__body", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("group__name", "permission__codename", "content_object__code")


@admin.register(OrganisationUserObjectPermission)
class OrganisationUserObjectPermissionAdmin(ObjectPermissionAdmin):
    list_display = ("user", "content_object", "permission")
    list_filter = (("content_object__body", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username", "permission__codename", "content_object__name")


@admin.register(OrganisationGroupObjectPermission)
class OrganisationGroupObjectPermissionAdmin(ObjectPermissionAdmin):
    list_display = ("group", "content_object", "permission")
    list_filter = (("content_object__body", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("group__name", "permission__codename", "content_object__name")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    """Organisations and their contacts are kept by the strategy unit's pages (services)."""

    list_display = ("name", "kind", "email", "body", "active")
    list_filter = (BODY_FILTER, "kind", "active")
    search_fields = ("name", "email")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created and revoked by their owners; the admin shows them, never the hash."""

    list_display = ("name", "user", "prefix", "scope", "created_at", "expires_at", "revoked_at")
    list_filter = (BODY_FILTER, "scope")
    list_select_related = ("user",)
    search_fields = ("name", "user__username")
    exclude = ("token_hash",)


# The committees' admin is its own module (this one is long enough); registered with it.
from planning_cycle import admin_budgets as _budgets  # noqa: E402, F401
from planning_cycle import admin_committees as _committees  # noqa: E402, F401
