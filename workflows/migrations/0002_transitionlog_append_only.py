"""Refuse changes to history rows in the database itself.

PostgreSQL refuses UPDATE and DELETE. SQLite (the embedded default) refuses UPDATE only:
Django empties SQLite tables between tests with DELETE, where PostgreSQL uses TRUNCATE.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION workflows_transitionlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'workflows_transitionlog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflows_transitionlog_append_only
    BEFORE UPDATE OR DELETE ON workflows_transitionlog
    FOR EACH ROW EXECUTE FUNCTION workflows_transitionlog_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS workflows_transitionlog_append_only ON workflows_transitionlog;
DROP FUNCTION IF EXISTS workflows_transitionlog_append_only();
"""

SQLITE_FORWARD = """
CREATE TRIGGER workflows_transitionlog_append_only
    BEFORE UPDATE ON workflows_transitionlog
BEGIN
    SELECT RAISE(ABORT, 'workflows_transitionlog is append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS workflows_transitionlog_append_only;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
