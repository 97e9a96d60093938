"""Scoped roles: who may assign, revoke and create cycles; the audit trail; the one sync.

The permission rows in guardian's tables are derived from the role assignments and the
role table by `role_permissions_sync`; these tests change the table (monkeypatch) and
write stale rows by hand to show that the sync alone puts them right.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.utils import DatabaseError
from guardian.shortcuts import get_perms

from planning_cycle import permissions
from planning_cycle.access import permission_checker, user_may
from planning_cycle.models import (
    AuditAction,
    AuditAppendOnlyError,
    AuditEntry,
    Body,
    BodyUserObjectPermission,
    Department,
    DepartmentUserObjectPermission,
    PlanningCycle,
    Role,
    RoleAssignment,
)
from planning_cycle.permissions import ROLE_TABLE, RoleSpec
from planning_cycle.scopes import ScopeRef, body_id_of, scope_kind, scopes_of
from planning_cycle.services.cycles import CycleNotPermitted, cycle_create
from planning_cycle.services.roles import (
    RoleError,
    RoleNotPermitted,
    role_assign,
    role_permissions_sync,
    role_revoke,
)
from tests.support.factories import OrganisationFactory, UserFactory, user_with_role
from tests.support.world import World, build_world
from workflows.models import DepartmentReview

pytestmark = pytest.mark.django_db


def perm_rows() -> set[tuple[str, int, str, int]]:
    """Every user object permission on bodies and departments, as comparable tuples."""
    rows: set[tuple[str, int, str, int]] = set()
    for kind, table in (
        ("body", BodyUserObjectPermission),
        ("department", DepartmentUserObjectPermission),
    ):
        rows |= {
            (kind, user_id, codename, obj_id)
            for user_id, codename, obj_id in table.objects.values_list(
                "user_id", "permission__codename", "content_object_id"
            )
        }
    return rows


# --- the scope registry -------------------------------------------------------------------


def test_body_and_department_are_registered_scopes(world: World) -> None:
    assert scope_kind("body").model is Body
    assert scope_kind("department").model is Department
    department = world.department
    review = DepartmentReview.objects.get(cycle=world.cycle, department=department)
    assert scopes_of(world.body) == [ScopeRef(Body, world.body.pk)]
    assert scopes_of(department) == [
        ScopeRef(Department, department.pk),
        ScopeRef(Body, world.body.pk),
    ]
    # A workflow object's scopes: its department, then its body (read from its columns).
    assert scopes_of(review) == [ScopeRef(Department, department.pk), ScopeRef(Body, world.body.pk)]
    assert scopes_of(world.cycle) == [ScopeRef(Body, world.body.pk)]
    assert body_id_of(world.body) == world.body.pk
    assert body_id_of(department) == world.body.pk
    assert body_id_of(review) == world.body.pk


def test_every_role_is_held_on_a_registered_scope_that_declares_its_permissions() -> None:
    assert set(ROLE_TABLE) == set(Role.values)
    for role, spec in ROLE_TABLE.items():
        model = scope_kind(spec.scope).model
        declared = {codename for codename, _label in model._meta.permissions}
        assert spec.permissions <= declared, role


# --- the role by scope matrix -------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(ROLE_TABLE))
def test_role_by_scope_matrix(world: World, role: str) -> None:
    """A role grants exactly its table's permissions on its scope, and nowhere else."""
    spec = ROLE_TABLE[role]
    own, other, _third = world.departments
    own_org, other_org = OrganisationFactory(body=world.body), OrganisationFactory(body=world.body)
    user = user_with_role(
        world.body,
        Role(role),
        own if spec.scope == "department" else None,
        organisation=own_org,
    )
    checker = permission_checker(user)
    own_review = DepartmentReview.objects.get(cycle=world.cycle, department=own)
    other_review = DepartmentReview.objects.get(cycle=world.cycle, department=other)
    codenames = {codename for codename, _label in permissions.WORKFLOW_PERMISSIONS}
    for codename in sorted(codenames):
        perm = f"planning_cycle.{codename}"
        granted = codename in spec.permissions
        on_body = granted and spec.scope == "body"
        on_department = granted and spec.scope in ("body", "department")
        on_organisation = granted and spec.scope in ("body", "organisation")
        # (object, expected): the body, own and another department and organisation, reviews.
        cases = [
            (world.body, on_body),
            (own, on_department),
            (other, on_body),
            (own_review, on_department),
            (other_review, on_body),
            (world.cycle, on_body),
            (own_org, on_organisation),
            (other_org, on_body),
        ]
        for obj, expected in cases:
            assert user_may(checker, user, perm, obj) is expected, (role, codename, obj)
    # Nothing at all in another body, whatever the role.
    stranger = build_world(key="anderswo", departments=2)
    for codename in spec.permissions:
        perm = f"planning_cycle.{codename}"
        assert not user_may(checker, user, perm, stranger.body)
        assert not user_may(checker, user, perm, stranger.department)


# --- who may assign, revoke and create cycles ---------------------------------------------


@pytest.mark.parametrize(
    "actor_key",
    ["department_head", "strategy_unit", "council_member", "other_body_management"],
)
def test_only_management_of_the_body_may_assign_roles(world: World, actor_key: str) -> None:
    if actor_key == "other_body_management":
        actor = build_world(key="anderswo", departments=2).users["management"]
    else:
        actor = world.users[actor_key]
    user = UserFactory(body=world.body)
    before = AuditEntry.objects.count()
    with pytest.raises(RoleNotPermitted, match="darf nur die Verwaltungsleitung"):
        role_assign(acting_user=actor, user=user, role=Role.MANAGEMENT)
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert get_perms(user, world.body) == []
    assert AuditEntry.objects.count() == before


def test_an_anonymous_or_inactive_user_may_not_assign(world: World) -> None:
    user = UserFactory(body=world.body)
    with pytest.raises(RoleNotPermitted):
        role_assign(acting_user=AnonymousUser(), user=user, role=Role.MANAGEMENT)  # type: ignore[arg-type]
    management = world.users["management"]
    management.is_active = False
    management.save()
    with pytest.raises(RoleNotPermitted):
        role_assign(acting_user=management, user=user, role=Role.MANAGEMENT)


def test_management_assigns_and_revokes_with_an_audit_row_each(world: World) -> None:
    management = world.users["management"]
    user = UserFactory(body=world.body, first_name="Jana", last_name="Beispiel")

    assignment = role_assign(
        acting_user=management, user=user, role=Role.DEPARTMENT_EDITOR, scope=world.department
    )

    assert set(get_perms(user, world.department)) == ROLE_TABLE["department_editor"].permissions
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_ASSIGN, target__contains="Jana")
    assert entry.actor == management
    assert entry.body == world.body
    assert "Sachbearbeitung im Fachdienst" in entry.target
    assert "FD 31" in entry.target

    role_revoke(acting_user=management, assignment=assignment)

    assert get_perms(user, world.department) == []
    revoked = AuditEntry.objects.get(action=AuditAction.ROLE_REVOKE, target__contains="Jana")
    assert revoked.actor == management


def test_assigning_a_held_role_again_writes_no_audit_row(world: World) -> None:
    management = world.users["management"]
    head = world.users["department_head"]
    before = AuditEntry.objects.count()
    role_assign(
        acting_user=management, user=head, role=Role.DEPARTMENT_HEAD, scope=world.department
    )
    assert AuditEntry.objects.count() == before


def test_a_superuser_may_assign_and_the_system_is_recorded_without_actor(world: World) -> None:
    superuser = UserFactory(body=None, is_superuser=True, is_staff=True)
    user = UserFactory(body=world.body)
    role_assign(acting_user=superuser, user=user, role=Role.STRATEGY_UNIT)
    assert AuditEntry.objects.filter(actor=superuser, action=AuditAction.ROLE_ASSIGN).exists()
    # The fixtures assigned their roles as the system: recorded, without a person.
    assert AuditEntry.objects.filter(actor=None, action=AuditAction.ROLE_ASSIGN).count() >= 8


def test_the_audit_row_is_rolled_back_with_a_failed_assignment(world: World, monkeypatch) -> None:
    management = world.users["management"]
    user = UserFactory(body=world.body)
    before = AuditEntry.objects.count()

    def fail(**kwargs: object) -> None:
        raise RuntimeError("sync failed")

    monkeypatch.setattr("planning_cycle.services.roles.role_permissions_sync", fail)
    with pytest.raises(RuntimeError):
        role_assign(acting_user=management, user=user, role=Role.STRATEGY_UNIT)
    assert AuditEntry.objects.count() == before
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_the_last_management_role_of_a_body_cannot_be_revoked(world: World) -> None:
    management = world.users["management"]
    only = RoleAssignment.objects.get(user=management, role=Role.MANAGEMENT)
    with pytest.raises(RoleError, match="letzte Verwaltungsleitung"):
        role_revoke(acting_user=management, assignment=only)
    assert RoleAssignment.objects.filter(pk=only.pk).exists()
    second = UserFactory(body=world.body)
    role_assign(acting_user=management, user=second, role=Role.MANAGEMENT)
    role_revoke(acting_user=management, assignment=only)
    assert not RoleAssignment.objects.filter(pk=only.pk).exists()


def test_the_department_of_a_department_role_is_kept_beside_its_scope(world: World) -> None:
    head = world.users["department_head"]
    assignment = RoleAssignment.objects.get(user=head)
    assert assignment.scope == world.department
    assert assignment.department_id == assignment.scope_id
    body_role = RoleAssignment.objects.get(user=world.users["management"])
    assert body_role.scope == world.body
    assert body_role.department_id is None


def test_the_database_refuses_a_scope_that_does_not_match_the_role(world: World) -> None:
    head = world.users["department_head"]
    assignment = RoleAssignment.objects.get(user=head)
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleAssignment.objects.filter(pk=assignment.pk).update(scope_id=world.departments[1].pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleAssignment.objects.create(
            body=world.body,
            user=head,
            role=Role.MANAGEMENT,
            scope_type=ContentType.objects.get_for_model(Department),
            scope_id=world.department.pk,
            department=world.department,
        )


def test_the_database_refuses_a_second_identical_assignment(world: World) -> None:
    head = world.users["department_head"]
    assignment = RoleAssignment.objects.get(user=head)
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleAssignment.objects.create(
            body=world.body,
            user=head,
            role=assignment.role,
            scope_type=assignment.scope_type,
            scope_id=assignment.scope_id,
            department=world.department,
        )


def test_only_management_of_the_body_may_create_cycles(world: World) -> None:
    head = world.users["department_head"]
    with pytest.raises(CycleNotPermitted, match="darf nur die Verwaltungsleitung"):
        cycle_create(acting_user=head, body=world.body, year=2027)
    assert not PlanningCycle.objects.filter(year=2027).exists()
    other = build_world(key="anderswo", departments=2).users["management"]
    with pytest.raises(CycleNotPermitted):
        cycle_create(acting_user=other, body=world.body, year=2027)

    cycle = cycle_create(acting_user=world.users["management"], body=world.body, year=2027)

    entry = AuditEntry.objects.get(action=AuditAction.CYCLE_CREATE, target__contains="2027")
    assert entry.actor == world.users["management"]
    assert entry.body == world.body
    assert cycle.title in entry.target


def test_the_audit_trail_is_append_only(world: World) -> None:
    entry = AuditEntry.objects.filter(body=world.body).first()
    assert entry is not None
    entry.target = "geändert"
    with pytest.raises(AuditAppendOnlyError):
        entry.save()
    with pytest.raises(AuditAppendOnlyError):
        entry.delete()
    with pytest.raises(AuditAppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(target="x")
    with pytest.raises(AuditAppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger refuses DELETE on PostgreSQL"
)
def test_the_database_refuses_changing_the_audit_trail(world: World) -> None:
    entry = AuditEntry.objects.filter(body=world.body).first()
    assert entry is not None
    with connection.cursor() as cursor:
        for sql in (
            "UPDATE planning_cycle_auditentry SET target = 'x' WHERE id = %s",
            "DELETE FROM planning_cycle_auditentry WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(sql, [entry.pk])


# --- the sync -----------------------------------------------------------------------------


def test_the_sync_is_idempotent(world: World) -> None:
    before = perm_rows()
    first = role_permissions_sync()
    assert (first.granted, first.removed) == (0, 0)
    second = role_permissions_sync()
    assert (second.granted, second.removed) == (0, 0)
    assert perm_rows() == before


def test_the_sync_removes_rows_no_assignment_grants_and_restores_missing_ones(world: World) -> None:
    head = world.users["department_head"]
    expected = perm_rows()
    other = world.departments[1]
    # A hand-written grant on another department, and a lost one on the own department.
    DepartmentUserObjectPermission.objects.create(
        user=head,
        permission=Permission.objects.get(
            codename="review_submit", content_type__model="department"
        ),
        content_object=other,
    )
    DepartmentUserObjectPermission.objects.filter(
        user=head, content_object=world.department, permission__codename="plan_submit"
    ).delete()
    assert perm_rows() != expected

    result = role_permissions_sync()

    assert (result.granted, result.removed) == (1, 1)
    assert perm_rows() == expected
    assert not permission_checker(head).has_perm("planning_cycle.review_submit", other)


def test_the_sync_for_one_user_leaves_the_others(world: World) -> None:
    head = world.users["department_head"]
    editor = world.users["department_editor"]
    DepartmentUserObjectPermission.objects.filter(user__in=[head, editor]).delete()
    result = role_permissions_sync(user_ids=[head.pk])
    assert result.granted == len(ROLE_TABLE["department_head"].permissions)
    assert get_perms(editor, world.department) == []


def test_changing_the_role_table_needs_only_the_sync(world: World, monkeypatch) -> None:
    """A role gains and loses permissions by the table alone: no data migration."""
    unit = world.users["strategy_unit"]
    secretary = world.users["committee_secretary"]
    changed = RoleSpec(scope="body", permissions=frozenset({"cycle_advance", "view_drafts"}))
    monkeypatch.setitem(ROLE_TABLE, "strategy_unit", changed)
    # The committee secretary becomes a department role: the body-held assignment grants nothing.
    monkeypatch.setitem(
        ROLE_TABLE,
        "committee_secretary",
        RoleSpec(scope="department", permissions=frozenset({"agreement_resolve"})),
    )

    role_permissions_sync()

    assert set(get_perms(unit, world.body)) == {"cycle_advance", "view_drafts"}
    assert get_perms(secretary, world.body) == []
    again = role_permissions_sync()
    assert (again.granted, again.removed) == (0, 0)


def test_a_permission_the_scope_model_does_not_declare_is_a_configuration_error(
    world: World, monkeypatch
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setitem(
        ROLE_TABLE, "council_member", RoleSpec(scope="body", permissions=frozenset({"fly"}))
    )
    with pytest.raises(ImproperlyConfigured, match="'fly'"):
        role_permissions_sync()


def test_migrate_runs_the_sync(world: World, monkeypatch) -> None:
    """The post_migrate signal (as `migrate` sends it) derives the rows from the table."""
    from django.core.management.sql import emit_post_migrate_signal

    unit = world.users["strategy_unit"]
    monkeypatch.setitem(
        ROLE_TABLE, "strategy_unit", RoleSpec(scope="body", permissions=frozenset({"cycle_create"}))
    )
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert get_perms(unit, world.body) == ["cycle_create"]


def test_a_stand_in_that_is_no_model_is_checked_on_the_scopes_it_names(world: World) -> None:
    """Services ask about a department of an object with a plain stand-in (body, department)."""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class StandIn:
        body_id: int
        department_id: int

    head = world.users["department_head"]
    checker = permission_checker(head)
    own, other = (
        StandIn(world.body.pk, world.department.pk),
        StandIn(world.body.pk, world.departments[1].pk),
    )
    assert scopes_of(own) == [  # type: ignore[arg-type]
        ScopeRef(Department, world.department.pk),
        ScopeRef(Body, world.body.pk),
    ]
    assert user_may(checker, head, "planning_cycle.review_edit", own)  # type: ignore[arg-type]
    assert not user_may(checker, head, "planning_cycle.review_edit", other)  # type: ignore[arg-type]
