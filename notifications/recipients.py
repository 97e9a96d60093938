"""Resolve who is responsible for deadlines, in one query for any number of deadlines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from planning_cycle.models import Role, RoleAssignment, User

from .models import Audience, Deadline, EmailMode, NotificationPreference

DEPARTMENT_AUDIENCE_ROLES = (Role.DEPARTMENT_HEAD, Role.DEPARTMENT_EDITOR)
# Who hears of an overdue task besides the responsible: management decides what happens,
# the strategy unit chases the cycle.
ESCALATION_ROLES = (Role.MANAGEMENT, Role.STRATEGY_UNIT)


@dataclass(frozen=True)
class Recipient:
    """A user to notify, with how they want to be told."""

    user: User
    email_mode: str
    language: str

    @property
    def wants_email(self) -> bool:
        return bool(self.user.email) and self.email_mode != EmailMode.OFF


def _recipient(user: User) -> Recipient:
    try:
        pref: NotificationPreference | None = user.notification_preference  # type: ignore[attr-defined]
    except NotificationPreference.DoesNotExist:
        pref = None
    if pref is None:
        return Recipient(user=user, email_mode=EmailMode.IMMEDIATE, language="de")
    return Recipient(user=user, email_mode=pref.email_mode, language=pref.language)


def recipients_for(
    deadlines: Sequence[Deadline], *, escalation: bool = False
) -> dict[int, list[Recipient]]:
    """Map each deadline's id to the active users responsible for it (one query).

    With escalation=True management and the strategy unit of the body are added.
    """
    if not deadlines:
        return {}
    departments = {d.department_id for d in deadlines if d.audience == Audience.DEPARTMENT}
    bodies = {d.body_id for d in deadlines}
    body_roles: set[str] = set()
    if any(d.audience == Audience.MANAGEMENT for d in deadlines):
        body_roles.add(Role.MANAGEMENT)
    if escalation:
        body_roles.update(ESCALATION_ROLES)
    condition = Q(role__in=DEPARTMENT_AUDIENCE_ROLES, department_id__in=departments)
    if body_roles:
        condition |= Q(role__in=body_roles, department__isnull=True, body_id__in=bodies)
    assignments = (
        RoleAssignment.objects.filter(condition, user__is_active=True)
        .select_related("user", "user__notification_preference")
        .order_by("user_id")
    )
    by_department: dict[int, dict[int, User]] = defaultdict(dict)
    by_body_role: dict[tuple[int, str], dict[int, User]] = defaultdict(dict)
    for a in assignments:
        # A user of another body can hold no role here (constraint), but keep data scoped.
        if a.user.body_id != a.body_id:
            continue
        if a.department_id is not None:
            by_department[a.department_id][a.user_id] = a.user
        else:
            by_body_role[(a.body_id, a.role)][a.user_id] = a.user
    result: dict[int, list[Recipient]] = {}
    for d in deadlines:
        users: dict[int, User] = {}
        if d.audience == Audience.DEPARTMENT and d.department_id is not None:
            users.update(by_department.get(d.department_id, {}))
        else:
            users.update(by_body_role.get((d.body_id, Role.MANAGEMENT), {}))
        if escalation:
            for role in ESCALATION_ROLES:
                users.update(by_body_role.get((d.body_id, role), {}))
        result[d.pk] = [_recipient(u) for _, u in sorted(users.items())]
    return result
