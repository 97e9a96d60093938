"""The migration to scoped roles converts existing assignments and keeps their data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("planning_cycle", "0004_api_tokens")]
AFTER = [("planning_cycle", "0005_scoped_roles_audit")]


@pytest.mark.django_db(transaction=True)
def test_existing_assignments_are_held_on_their_body_or_department() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        body = old.get_model("planning_cycle", "Body").objects.create(
            key="alt", name="Landkreis Alt", kind="landkreis", state="NI"
        )
        department = old.get_model("planning_cycle", "Department").objects.create(
            body=body, code="FD 1", name="Fachdienst 1"
        )
        User = old.get_model("planning_cycle", "User")
        management = User.objects.create(username="alt-leitung", body=body)
        head = User.objects.create(username="alt-fd", body=body)
        OldAssignment = old.get_model("planning_cycle", "RoleAssignment")
        OldAssignment.objects.create(body=body, user=management, role="management")
        OldAssignment.objects.create(
            body=body, user=head, role="department_head", department=department
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)

        new = executor.loader.project_state(AFTER).apps
        ContentType = new.get_model("contenttypes", "ContentType")
        rows = {
            a.role: a
            for a in new.get_model("planning_cycle", "RoleAssignment").objects.select_related(
                "scope_type"
            )
        }
        assert (rows["management"].scope_type.model, rows["management"].scope_id) == (
            "body",
            body.pk,
        )
        assert rows["management"].department_id is None
        dept_type = ContentType.objects.get(app_label="planning_cycle", model="department")
        assert rows["department_head"].scope_type_id == dept_type.pk
        assert rows["department_head"].scope_id == department.pk
        assert rows["department_head"].department_id == department.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
