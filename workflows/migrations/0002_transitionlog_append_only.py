"""On PostgreSQL, refuse UPDATE and DELETE of history rows in the database itself."""

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


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
