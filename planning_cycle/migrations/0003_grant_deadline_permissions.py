"""Give existing management and strategy-unit roles the permissions added with deadlines."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW = {
    "management": ("deadline_extend", "delivery_monitor"),
    "strategy_unit": ("delivery_monitor",),
}


def grant(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Permission rows are normally created after all migrations; create them now (the
    # migration state's app config has no models module, which create_permissions wants).
    app_config = apps.get_app_config("planning_cycle")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    RoleAssignment = apps.get_model("planning_cycle", "RoleAssignment")
    BodyUserObjectPermission = apps.get_model("planning_cycle", "BodyUserObjectPermission")
    for role, codenames in NEW.items():
        perms = list(
            Permission.objects.filter(
                content_type__app_label="planning_cycle",
                content_type__model="body",
                codename__in=codenames,
            )
        )
        for assignment in RoleAssignment.objects.filter(role=role, department__isnull=True):
            for perm in perms:
                BodyUserObjectPermission.objects.get_or_create(
                    user_id=assignment.user_id, permission=perm, content_object_id=assignment.body_id
                )


class Migration(migrations.Migration):
    dependencies = [("planning_cycle", "0002_deadline_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
