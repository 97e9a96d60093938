"""App configuration of the core domain."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps.registry import Apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PlanningCycleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "planning_cycle"
    verbose_name = _("Planungszyklus")

    def ready(self) -> None:
        # Registers the token authentication with drf-spectacular's schema generator.
        from planning_cycle.api import schema  # noqa: F401
        from planning_cycle.models import Body, Committee, Department, Organisation
        from planning_cycle.scopes import scope_register

        scope_register(
            Body,
            key="body",
            body_of=lambda body: body.pk,
            parents_of=lambda body: (),
            of_body=lambda body_id: Body.objects.filter(pk=body_id),
        )
        scope_register(Department, key="department")
        scope_register(Organisation, key="organisation")
        scope_register(Committee, key="committee")
        post_migrate.connect(
            sync_role_permissions_after_migrate,
            sender=self,
            dispatch_uid="planning_cycle.role_permissions_sync",
        )


def sync_role_permissions_after_migrate(
    sender: AppConfig, apps: Apps | None = None, verbosity: int = 1, **kwargs: Any
) -> None:
    """Derive guardian's object permissions from the role table after every `migrate`."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from planning_cycle.scopes import scope_kinds
    from planning_cycle.services.roles import role_permissions_sync

    # Not while the database is still on an older schema (`migrate` to an earlier state).
    try:
        state_model = (apps or global_apps).get_model("planning_cycle", "RoleAssignment")
    except LookupError:
        return
    if "scope_type" not in {f.name for f in state_model._meta.get_fields()}:
        return
    # The permission rows of scope models of apps migrated after this one come later.
    for config in {kind.model._meta.app_config for kind in scope_kinds()}:
        if config is not None:
            create_permissions(config, verbosity=0)
    result = role_permissions_sync()
    if verbosity >= 2 and (result.granted or result.removed):
        print(f"Role permissions: {result.granted} granted, {result.removed} removed.")
