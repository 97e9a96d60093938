"""Grant and revoke roles; guardian's object permissions are derived from them by one sync."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.translation import gettext as _
from guardian.utils import get_user_obj_perms_model

from planning_cycle import permissions
from planning_cycle.models import (
    AuditAction,
    Body,
    Committee,
    Department,
    Organisation,
    Role,
    RoleAssignment,
    User,
)
from planning_cycle.scopes import body_id_of, scope_kind, scope_kind_of, scope_kinds

from .audit import SYSTEM, Actor, NotPermitted, actor_require, audit_record


class RoleError(Exception):
    """A role could not be granted or revoked; the message tells why.

    `field` names the input at fault where there is one ("scope").
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RoleNotPermitted(RoleError, NotPermitted):
    """The acting user may not grant or revoke roles in that body."""


@dataclass(frozen=True)
class PermissionSync:
    """What one sync changed in guardian's object-permission rows."""

    granted: int
    removed: int


def role_assign(
    *,
    acting_user: Actor,
    user: User,
    role: Role | str,
    scope: models.Model | None = None,
) -> RoleAssignment:
    """Give a user a role on a scope object of their body (roles held on the body: on it).

    Assigning a role the user already holds there changes nothing and records nothing.
    """
    actor_require(
        acting_user, "role_manage", user.body, _("Rollen vergeben"), error=RoleNotPermitted
    )
    if user.body_id is None:
        raise RoleError(_("%(user)s gehört zu keiner Kommune.") % {"user": user})
    try:
        role = Role(role)
    except ValueError:
        raise RoleError(_("Eine Rolle „%(role)s“ gibt es nicht.") % {"role": role}) from None
    kind = scope_kind(permissions.scope_of_role(role))
    if scope is None and kind.model is Body:
        scope = user.body
    if scope is None or type(scope) is not kind.model:
        raise RoleError(
            _("Die Rolle „%(role)s“ gilt für die ganze Kommune.") % {"role": role.label}
            if kind.model is Body
            else _("Die Rolle „%(role)s“ braucht als Geltungsbereich: %(scope)s.")
            % {"role": role.label, "scope": kind.label},
            field="scope",
        )
    if body_id_of(scope) != user.body_id:
        raise RoleError(
            _("%(scope)s gehört zu einer anderen Kommune.") % {"scope": scope}, field="scope"
        )
    with transaction.atomic():
        _lock(user)
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            scope_type=ContentType.objects.get_for_model(kind.model),
            scope_id=scope.pk,
            defaults={
                "body_id": user.body_id,
                "department": scope if isinstance(scope, Department) else None,
                "organisation": scope if isinstance(scope, Organisation) else None,
                "committee": scope if isinstance(scope, Committee) else None,
            },
        )
        if created:
            audit_record(
                actor=acting_user,
                body=user.body_id,
                action=AuditAction.ROLE_ASSIGN,
                target=_describe(user, role, scope),
            )
        role_permissions_sync(user_ids=[user.pk])
    return assignment


def role_revoke(*, acting_user: Actor, assignment: RoleAssignment) -> None:
    """Take a role away; the permissions the user's other roles grant stay."""
    actor_require(
        acting_user,
        "role_manage",
        assignment.body,
        _("Rollen entziehen"),
        error=RoleNotPermitted,
    )
    with transaction.atomic():
        user = assignment.user
        if assignment.role == Role.MANAGEMENT:
            # Serialise revocations in the body so that two cannot remove the last one.
            Body.objects.select_for_update().filter(pk=assignment.body_id).first()
            others = RoleAssignment.objects.filter(
                body_id=assignment.body_id, role=Role.MANAGEMENT, user__is_active=True
            ).exclude(pk=assignment.pk)
            if not others.exists():
                raise RoleError(
                    _(
                        "%(user)s ist die letzte Verwaltungsleitung der Kommune; vergeben Sie "
                        "die Rolle zuerst einer anderen Person."
                    )
                    % {"user": user}
                )
        _lock(user)
        deleted, _rows = RoleAssignment.objects.filter(pk=assignment.pk).delete()
        if deleted:
            audit_record(
                actor=acting_user,
                body=assignment.body_id,
                action=AuditAction.ROLE_REVOKE,
                target=_describe(user, Role(assignment.role), assignment.scope),
            )
        role_permissions_sync(user_ids=[user.pk])


def role_permissions_sync(*, user_ids: Collection[int] | None = None) -> PermissionSync:
    """Make guardian's user object permissions on scope objects exactly what the roles grant.

    Derived from the role assignments and the role table: grants what is missing, removes
    what no assignment grants (also rows written by hand). Idempotent; `user_ids` limits
    it to those users, None syncs everyone (after `migrate`). Group permissions stay.
    """
    kinds = scope_kinds()
    ctypes = ContentType.objects.get_for_models(*(kind.model for kind in kinds))
    perm_ids = {
        (ct_id, codename): pk
        for ct_id, codename, pk in Permission.objects.filter(
            content_type__in=ctypes.values()
        ).values_list("content_type_id", "codename", "id")
    }
    assignments = RoleAssignment.objects.all()
    if user_ids is not None:
        assignments = assignments.filter(user_id__in=user_ids)
    wanted: dict[int, set[tuple[int, int, int]]] = defaultdict(set)
    for user_id, role, scope_type_id, scope_id in assignments.values_list(
        "user_id", "role", "scope_type_id", "scope_id"
    ):
        spec = permissions.ROLE_TABLE.get(role)
        if spec is None:
            continue  # a role taken out of the table grants nothing
        model = scope_kind(spec.scope).model
        ct_id = ctypes[model].pk
        if scope_type_id != ct_id:
            continue  # held on a kind of scope the role is no longer held on
        for codename in spec.permissions:
            perm_id = perm_ids.get((ct_id, codename))
            if perm_id is None:
                raise ImproperlyConfigured(
                    f"The role {role!r} grants {codename!r}, which {model.__name__} does not "
                    "declare in Meta.permissions."
                )
            wanted[ct_id].add((user_id, perm_id, scope_id))
    granted = removed = 0
    for kind in kinds:
        ct = ctypes[kind.model]
        table = get_user_obj_perms_model(kind.model)  # type: ignore[arg-type]
        generic = table.objects.is_generic()  # type: ignore[attr-defined]
        object_field = "object_pk" if generic else "content_object_id"
        rows = table._default_manager.filter(permission__content_type=ct)
        if generic:
            rows = rows.filter(content_type=ct)
        if user_ids is not None:
            rows = rows.filter(user_id__in=user_ids)
        existing = {
            (user_id, perm_id, int(object_pk)): pk
            for pk, user_id, perm_id, object_pk in rows.values_list(
                "pk", "user_id", "permission_id", object_field
            )
        }
        stale = [pk for key, pk in existing.items() if key not in wanted[ct.pk]]
        if stale:
            removed += table._default_manager.filter(pk__in=stale).delete()[0]
        missing = sorted(wanted[ct.pk] - existing.keys())
        if missing:
            extra = {"content_type": ct} if generic else {}
            table._default_manager.bulk_create(
                [
                    table(
                        user_id=user_id,
                        permission_id=perm_id,
                        **{object_field: str(pk) if generic else pk},
                        **extra,
                    )
                    for user_id, perm_id, pk in missing
                ],
                ignore_conflicts=True,
            )
            granted += len(missing)
    return PermissionSync(granted=granted, removed=removed)


def _lock(user: User) -> None:
    # One role change of a user at a time: each sync then sees the other's assignments.
    User.objects.select_for_update().filter(pk=user.pk).first()


def _describe(user: User, role: Role, scope: models.Model | None) -> str:
    kind = scope_kind_of(type(scope)) if scope is not None else None
    where = f"{kind.label} {scope}" if kind is not None else _("(gelöscht)")
    return f"{user} ({user.username}): {role.label}, {where}"


__all__ = [
    "SYSTEM",
    "PermissionSync",
    "RoleError",
    "RoleNotPermitted",
    "role_assign",
    "role_permissions_sync",
    "role_revoke",
]
