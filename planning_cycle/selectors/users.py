"""Who a user is in their body."""

from __future__ import annotations

from planning_cycle.models import Role, RoleAssignment, User


def user_roles(user: User) -> frozenset[str]:
    """Return the role values the user holds in their body (any department)."""
    if not user.is_authenticated or user.body_id is None:
        return frozenset()
    return frozenset(
        RoleAssignment.objects.filter(user=user, body_id=user.body_id).values_list(
            "role", flat=True
        )
    )


def is_external_only(roles: frozenset[str]) -> bool:
    """Tell whether the roles are those of an external stakeholder and nothing else."""
    return bool(roles) and roles <= {Role.EXTERNAL_STAKEHOLDER.value}


def role_labels(roles: frozenset[str]) -> list[str]:
    """Return the translated labels of roles in the order of the Role enumeration."""
    return [str(role.label) for role in Role if role.value in roles]
