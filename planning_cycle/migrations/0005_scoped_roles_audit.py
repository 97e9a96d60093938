"""Roles held on any registered scope object, and the audit trail of administrative acts.

Existing assignments keep their data: body roles are held on their body, department roles
on their department (`scope_type`, `scope_id`); the department column stays for department
roles. The permission rows of the new codenames (role_manage, cycle_create) are not written
here: `role_permissions_sync` derives them from the role table after `migrate`.

The audit trail refuses changes in the database too, as the transition history does
(PostgreSQL: UPDATE and DELETE; SQLite: UPDATE, since Django empties SQLite tables between
tests with DELETE).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION planning_cycle_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'planning_cycle_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER planning_cycle_auditentry_append_only
    BEFORE UPDATE OR DELETE ON planning_cycle_auditentry
    FOR EACH ROW EXECUTE FUNCTION planning_cycle_auditentry_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS planning_cycle_auditentry_append_only ON planning_cycle_auditentry;
DROP FUNCTION IF EXISTS planning_cycle_auditentry_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER planning_cycle_auditentry_append_only
    BEFORE UPDATE ON planning_cycle_auditentry
BEGIN
    SELECT RAISE(ABORT, 'planning_cycle_auditentry is append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS planning_cycle_auditentry_append_only;"


def append_only(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def append_only_backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


def scopes_from_columns(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Hold body roles on their body and department roles on their department."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    RoleAssignment = apps.get_model("planning_cycle", "RoleAssignment")
    db = schema_editor.connection.alias
    body_type, _ = ContentType.objects.using(db).get_or_create(
        app_label="planning_cycle", model="body"
    )
    department_type, _ = ContentType.objects.using(db).get_or_create(
        app_label="planning_cycle", model="department"
    )
    rows = RoleAssignment.objects.using(db)
    rows.filter(department__isnull=True).update(scope_type=body_type, scope_id=models.F("body_id"))
    rows.filter(department__isnull=False).update(
        scope_type=department_type, scope_id=models.F("department_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("planning_cycle", "0004_api_tokens"),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('role_assign', 'Rolle vergeben'), ('role_revoke', 'Rolle entzogen'), ('cycle_create', 'Planungszyklus angelegt')], max_length=30, verbose_name='Vorgang')),
                ('target', models.CharField(max_length=300, verbose_name='betrifft')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='Zeitpunkt')),
            ],
            options={
                'verbose_name': 'Protokolleintrag',
                'verbose_name_plural': 'Protokoll',
                'ordering': ['body', '-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(blank=True, help_text="Leer: das System selbst (Demo-Daten, Befehle ohne Person).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="ausgeführt von"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="body",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="planning_cycle.body", verbose_name="Kommune"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["body", "created_at"], name="audit_body_created_idx"),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.CheckConstraint(condition=models.Q(("action__in", ["role_assign", "role_revoke", "cycle_create"])), name="audit_action_known"),
        ),
        migrations.RunPython(append_only, append_only_backward),
        migrations.AlterModelOptions(
            name='body',
            options={'ordering': ['name'], 'permissions': [('cycle_advance', 'Planungszyklus in die nächste Phase bringen'), ('cycle_override', 'Phase trotz offener Punkte mit Begründung abschließen'), ('review_edit', 'Zielbilanzierung bearbeiten'), ('review_submit', 'Zielbilanzierung einreichen'), ('review_decide', 'Zielbilanzierung annehmen oder zurückgeben'), ('plan_edit', 'Ziel- und Haushaltsplanung bearbeiten'), ('plan_submit', 'Ziel- und Haushaltsplanung einreichen'), ('plan_decide', 'Ziel- und Haushaltsplanung genehmigen oder zurückgeben'), ('agreement_edit', 'Zielvereinbarung bearbeiten'), ('agreement_submit', 'Zielvereinbarung einreichen'), ('agreement_decide', 'Zielvereinbarung genehmigen oder zurückgeben'), ('agreement_prioritise', 'Ergebnis der Strategieklausur erfassen'), ('agreement_resolve', 'Beschluss des Kreistags/Rats erfassen'), ('agreement_implement', 'Umsetzung und Zielerreichung melden'), ('agreement_close', 'Zielvereinbarung abschließen'), ('agreement_withdraw', 'Zielvereinbarung zurückziehen'), ('view_drafts', 'Entwürfe einsehen'), ('deadline_extend', 'Fristen verlängern'), ('delivery_monitor', 'Zustellprobleme einsehen und erneut senden'), ('role_manage', 'Rollen vergeben und entziehen'), ('cycle_create', 'Planungszyklus anlegen')], 'verbose_name': 'Kommune', 'verbose_name_plural': 'Kommunen'},
        ),
        migrations.AlterModelOptions(
            name='department',
            options={'ordering': ['body', 'code'], 'permissions': [('cycle_advance', 'Planungszyklus in die nächste Phase bringen'), ('cycle_override', 'Phase trotz offener Punkte mit Begründung abschließen'), ('review_edit', 'Zielbilanzierung bearbeiten'), ('review_submit', 'Zielbilanzierung einreichen'), ('review_decide', 'Zielbilanzierung annehmen oder zurückgeben'), ('plan_edit', 'Ziel- und Haushaltsplanung bearbeiten'), ('plan_submit', 'Ziel- und Haushaltsplanung einreichen'), ('plan_decide', 'Ziel- und Haushaltsplanung genehmigen oder zurückgeben'), ('agreement_edit', 'Zielvereinbarung bearbeiten'), ('agreement_submit', 'Zielvereinbarung einreichen'), ('agreement_decide', 'Zielvereinbarung genehmigen oder zurückgeben'), ('agreement_prioritise', 'Ergebnis der Strategieklausur erfassen'), ('agreement_resolve', 'Beschluss des Kreistags/Rats erfassen'), ('agreement_implement', 'Umsetzung und Zielerreichung melden'), ('agreement_close', 'Zielvereinbarung abschließen'), ('agreement_withdraw', 'Zielvereinbarung zurückziehen'), ('view_drafts', 'Entwürfe einsehen'), ('deadline_extend', 'Fristen verlängern'), ('delivery_monitor', 'Zustellprobleme einsehen und erneut senden'), ('role_manage', 'Rollen vergeben und entziehen'), ('cycle_create', 'Planungszyklus anlegen')], 'verbose_name': 'Organisationseinheit', 'verbose_name_plural': 'Organisationseinheiten'},
        ),
        migrations.RemoveConstraint(model_name="roleassignment", name="role_department_matches_role"),
        migrations.RemoveConstraint(model_name="roleassignment", name="role_body_unique"),
        migrations.RemoveConstraint(model_name="roleassignment", name="role_department_unique"),
        migrations.AddField(
            model_name="roleassignment",
            name="scope_id",
            field=models.PositiveBigIntegerField(null=True, verbose_name="ID des Geltungsbereichs"),
        ),
        migrations.AddField(
            model_name="roleassignment",
            name="scope_type",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype", verbose_name="Art des Geltungsbereichs"),
        ),
        migrations.RunPython(scopes_from_columns, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="roleassignment",
            name="scope_id",
            field=models.PositiveBigIntegerField(verbose_name="ID des Geltungsbereichs"),
        ),
        migrations.AlterField(
            model_name="roleassignment",
            name="scope_type",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype", verbose_name="Art des Geltungsbereichs"),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.UniqueConstraint(fields=("user", "role", "scope_type", "scope_id"), name="role_assignment_unique"),
        ),
        migrations.AddConstraint(
            model_name='roleassignment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('department__isnull', True), ('role__in', ['committee_secretary', 'council_member', 'external_stakeholder', 'management', 'strategy_unit']), ('scope_id', models.F('body_id'))), models.Q(('department__isnull', False), ('role__in', ['department_editor', 'department_head']), ('scope_id', models.F('department_id'))), models.Q(models.Q(('role__in', ['committee_secretary', 'council_member', 'external_stakeholder', 'management', 'strategy_unit', 'department_editor', 'department_head']), _negated=True), ('department__isnull', True)), _connector='OR'), name='role_scope_matches_role'),
        ),
    ]
