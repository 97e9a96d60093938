"""Who acts in an administrative service, whether they may, and the audit row of what they did."""

from __future__ import annotations

import enum
from typing import TypeAlias

from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import AuditAction, AuditEntry, Body, User


class System(enum.Enum):
    """The product acting without a person: the demo seed, set-up scripts, tests' fixtures."""

    ACTOR = "system"


SYSTEM = System.ACTOR
Actor: TypeAlias = User | System


class NotPermitted(Exception):
    """The acting user may not do this; the message tells what and why."""


def actor_require(
    actor: Actor,
    codename: str,
    body: Body | None,
    what: str,
    error: type[NotPermitted] = NotPermitted,
) -> None:
    """Refuse unless the actor is the system, a superuser or holds the permission on the body.

    `what` names the act, as the subject of "… darf nur die Verwaltungsleitung …".
    """
    from planning_cycle.access import user_may

    if actor is SYSTEM:
        return
    if isinstance(actor, User) and actor.is_authenticated:
        if actor.is_superuser and actor.is_active:
            return
        checker = ObjectPermissionChecker(actor)
        if body is not None and user_may(checker, actor, f"planning_cycle.{codename}", body):
            return
    raise error(_("%(what)s darf nur die Verwaltungsleitung der eigenen Kommune.") % {"what": what})


def audit_record(*, actor: Actor, body: Body | int, action: AuditAction, target: str) -> AuditEntry:
    """Append an audit row (call inside the transaction of the act it records)."""
    field = AuditEntry._meta.get_field("target")
    return AuditEntry.objects.create(
        body_id=body.pk if isinstance(body, Body) else body,
        actor=None if actor is SYSTEM else actor,
        action=action,
        target=target[: field.max_length],
    )
