"""Resolve who is responsible for deadlines, in one query for any number of deadlines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db.models import F, Q

from planning_cycle.models import Role, RoleAssignment, User

from .models import Audience, Deadline, EmailMode

DEPARTMENT_AUDIENCE_ROLES = (Role.DEPARTMENT_HEAD, Role.DEPARTMENT_EDITOR)
# The people of an invited organisation: its contact people.
ORGANISATION_AUDIENCE_ROLES = (Role.EXTERNAL_STAKEHOLDER,)
# The people of a committee: its secretaries (Schriftführung), who record its results.
COMMITTEE_AUDIENCE_ROLES = (Role.COMMITTEE_CLERK,)
# Who hears of an overdue task besides the responsible: management decides what happens,
# the strategy unit chases the cycle.
ESCALATION_ROLES = (Role.MANAGEMENT, Role.STRATEGY_UNIT)
# The body-wide role a body audience stands for (DEPARTMENTS: every department's people).
AUDIENCE_BODY_ROLES: dict[str, str] = {
    Audience.MANAGEMENT: Role.MANAGEMENT,
    Audience.STRATEGY_UNIT: Role.STRATEGY_UNIT,
    Audience.COUNCIL_OFFICE: Role.COMMITTEE_SECRETARY,
}
# A committee's overdue result is the council office's (Sitzungsdienst) to chase as well.
COMMITTEE_ESCALATION_ROLES = (Role.COMMITTEE_SECRETARY,)


@dataclass(frozen=True)
class Recipient:
    """A user to notify, with how they want to be told."""

    user: User
    email_mode: str
    language: str

    @property
    def wants_email(self) -> bool:
        return bool(self.user.email) and self.email_mode != EmailMode.OFF


class Responsibility(Protocol):
    """What decides who is responsible: a Deadline, or an `Invitee` without one."""

    @property
    def pk(self) -> int: ...
    @property
    def body_id(self) -> int: ...
    @property
    def audience(self) -> str: ...
    @property
    def department_id(self) -> int | None: ...
    @property
    def organisation_id(self) -> int | None: ...
    @property
    def committee_id(self) -> int | None: ...


@dataclass(frozen=True)
class Invitee:
    """The people of an invitee without an open deadline (an overdue or final notice).

    `pk` is the caller's key (e.g. the invitation's id) that the result is mapped by.
    """

    pk: int
    body_id: int
    department_id: int | None
    organisation_id: int | None
    audience: str = Audience.INVITEE
    committee_id: int | None = None


def _department_of(d: Responsibility) -> int | None:
    if d.audience in (Audience.DEPARTMENT, Audience.INVITEE):
        return d.department_id
    return None


def _organisation_of(d: Responsibility) -> int | None:
    return d.organisation_id if d.audience == Audience.INVITEE else None


def _committee_of(d: Responsibility) -> int | None:
    return d.committee_id if d.audience == Audience.COMMITTEE else None


def recipients_for(
    deadlines: Sequence[Deadline] | Sequence[Responsibility], *, escalation: bool = False
) -> dict[int, list[Recipient]]:
    """Map each deadline's id to the active users responsible for it (one query).

    Department deadlines (and invitee deadlines of a department) reach the department's
    head and editors, invitee deadlines of an organisation its contact people, committee
    deadlines the committee's secretaries, management deadlines the body's management.
    With escalation=True management and the strategy unit of the body are added (for a
    committee's deadline also the council office).
    """
    if not deadlines:
        return {}
    departments = {_department_of(d) for d in deadlines} - {None}
    organisations = {_organisation_of(d) for d in deadlines} - {None}
    committees = {_committee_of(d) for d in deadlines} - {None}
    bodies = {d.body_id for d in deadlines}
    body_roles: set[str] = {
        AUDIENCE_BODY_ROLES[d.audience] for d in deadlines if d.audience in AUDIENCE_BODY_ROLES
    }
    all_departments = {d.body_id for d in deadlines if d.audience == Audience.DEPARTMENTS}
    if escalation:
        body_roles.update(ESCALATION_ROLES)
        if committees:
            body_roles.update(COMMITTEE_ESCALATION_ROLES)
    condition = Q(role__in=DEPARTMENT_AUDIENCE_ROLES, department_id__in=departments)
    if all_departments:
        condition |= Q(
            role__in=DEPARTMENT_AUDIENCE_ROLES,
            department__isnull=False,
            body_id__in=all_departments,
        )
    if organisations:
        condition |= Q(role__in=ORGANISATION_AUDIENCE_ROLES, organisation_id__in=organisations)
    if committees:
        condition |= Q(role__in=COMMITTEE_AUDIENCE_ROLES, committee_id__in=committees)
    if body_roles:
        condition |= Q(
            role__in=body_roles,
            department__isnull=True,
            organisation__isnull=True,
            committee__isnull=True,
            body_id__in=bodies,
        )
    # The preference as two columns rather than a related object: most users have none,
    # and a missing one-to-one row costs an exception per access.
    assignments = (
        RoleAssignment.objects.filter(condition, user__is_active=True)
        .select_related("user")
        .annotate(
            pref_id=F("user__notification_preference__id"),
            pref_email_mode=F("user__notification_preference__email_mode"),
            pref_language=F("user__notification_preference__language"),
        )
        .order_by("user_id")
    )
    recipients: dict[int, Recipient] = {}
    by_department: dict[int, dict[int, Recipient]] = defaultdict(dict)
    by_organisation: dict[int, dict[int, Recipient]] = defaultdict(dict)
    by_committee: dict[int, dict[int, Recipient]] = defaultdict(dict)
    by_body_role: dict[tuple[int, str], dict[int, Recipient]] = defaultdict(dict)
    by_body_departments: dict[int, dict[int, Recipient]] = defaultdict(dict)
    for a in assignments:
        # A user of another body can hold no role here (constraint), but keep data scoped.
        if a.user.body_id != a.body_id:
            continue
        recipient = recipients.get(a.user_id)
        if recipient is None:
            if a.pref_id is None:
                recipient = Recipient(user=a.user, email_mode=EmailMode.IMMEDIATE, language="de")
            else:
                recipient = Recipient(
                    user=a.user, email_mode=a.pref_email_mode, language=a.pref_language
                )
            recipients[a.user_id] = recipient
        if a.department_id is not None:
            by_department[a.department_id][a.user_id] = recipient
            by_body_departments[a.body_id][a.user_id] = recipient
        elif a.organisation_id is not None:
            by_organisation[a.organisation_id][a.user_id] = recipient
        elif a.committee_id is not None:
            by_committee[a.committee_id][a.user_id] = recipient
        else:
            by_body_role[(a.body_id, a.role)][a.user_id] = recipient
    # Deadlines of one department (or one body's management) share their recipients:
    # worked out once per department or body, not once per deadline.
    shared: dict[tuple[int | None, int | None, int | None, int, str], list[Recipient]] = {}
    result: dict[int, list[Recipient]] = {}
    for d in deadlines:
        department, organisation = _department_of(d), _organisation_of(d)
        committee = _committee_of(d)
        key = (department, organisation, committee, d.body_id, d.audience)
        found = shared.get(key)
        if found is None:
            users: dict[int, Recipient] = {}
            if department is not None:
                users.update(by_department.get(department, {}))
            elif organisation is not None:
                users.update(by_organisation.get(organisation, {}))
            elif committee is not None:
                users.update(by_committee.get(committee, {}))
            elif d.audience == Audience.DEPARTMENTS:
                users.update(by_body_departments.get(d.body_id, {}))
            else:
                role = AUDIENCE_BODY_ROLES.get(d.audience, Role.MANAGEMENT)
                users.update(by_body_role.get((d.body_id, role), {}))
            if escalation:
                roles: tuple[str, ...] = ESCALATION_ROLES
                if committee is not None:
                    roles += COMMITTEE_ESCALATION_ROLES
                for role in roles:
                    users.update(by_body_role.get((d.body_id, role), {}))
            found = shared[key] = [r for _, r in sorted(users.items())]
        result[d.pk] = list(found)
    return result
