"""Grant and revoke roles; each role brings its object permissions (guardian)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from planning_cycle.models import DEPARTMENT_ROLES, Department, Role, RoleAssignment, User
from planning_cycle.permissions import permissions_of_role


class RoleError(Exception):
    """A role could not be granted; the message tells why."""


def role_assign(
    *, acting_user: User | None, user: User, role: Role, department: Department | None = None
) -> RoleAssignment:
    """Give a user a role in their body (department roles in one department)."""
    if user.body_id is None:
        raise RoleError(_("%(user)s gehört zu keiner Kommune.") % {"user": user})
    if (role in DEPARTMENT_ROLES) != (department is not None):
        raise RoleError(
            _("Die Rolle „%(role)s“ braucht eine Organisationseinheit.") % {"role": role.label}
            if department is None
            else _("Die Rolle „%(role)s“ gilt für die ganze Kommune.") % {"role": role.label}
        )
    if department is not None and department.body_id != user.body_id:
        raise RoleError(_("Die Organisationseinheit gehört zu einer anderen Kommune."))
    target = department if department is not None else user.body
    with transaction.atomic():
        assignment, _created = RoleAssignment.objects.get_or_create(
            body_id=user.body_id, user=user, role=role, department=department
        )
        for codename in sorted(permissions_of_role(role)):
            assign_perm(f"planning_cycle.{codename}", user, target)
    return assignment


def role_revoke(*, acting_user: User | None, assignment: RoleAssignment) -> None:
    """Take a role away, keeping permissions still granted by the user's other roles."""
    with transaction.atomic():
        user = assignment.user
        target = assignment.department or assignment.body
        assignment.delete()
        remaining = RoleAssignment.objects.filter(
            user=user, department=assignment.department
        ).values_list("role", flat=True)
        still_granted: set[str] = set()
        for role in remaining:
            still_granted |= permissions_of_role(role)
        for codename in permissions_of_role(assignment.role) - still_granted:
            remove_perm(f"planning_cycle.{codename}", user, target)
