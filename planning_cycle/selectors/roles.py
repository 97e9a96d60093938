"""Who holds which role in a body, and the body's audit trail."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from planning_cycle.models import AuditEntry, Department, RoleAssignment, User


def users_with_roles(body_id: int) -> QuerySet[User]:
    """Return the body's users with their role assignments and scopes (three queries)."""
    assignments = RoleAssignment.objects.filter(body_id=body_id).order_by("role", "scope_id")
    return (
        User.objects.filter(body_id=body_id)
        .prefetch_related(Prefetch("roles", queryset=assignments), "roles__scope")
        .order_by("last_name", "first_name", "username")
    )


def body_user(body_id: int, pk: int) -> User | None:
    """Return a user of the body, or None (also for another body's user)."""
    return User.objects.filter(body_id=body_id, pk=pk).first()


def body_department(body_id: int, pk: int) -> Department | None:
    """Return a department of the body, or None (also for another body's department)."""
    return Department.objects.filter(body_id=body_id, pk=pk).first()


def body_assignment(body_id: int, pk: int) -> RoleAssignment | None:
    """Return a role assignment of the body with its user and body, or None."""
    return (
        RoleAssignment.objects.filter(body_id=body_id, pk=pk)
        .select_related("user", "body", "department")
        .first()
    )


def audit_entries(body_id: int, limit: int = 20) -> list[AuditEntry]:
    """Return the body's newest audit entries."""
    return list(
        AuditEntry.objects.filter(body_id=body_id)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
