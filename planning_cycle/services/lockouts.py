"""Lift the login lockout (django-axes) of a user: management, for users of its own body."""

from __future__ import annotations

import logging

from axes.utils import reset as axes_reset
from django.utils.translation import gettext as _

from planning_cycle.models import Role, User
from planning_cycle.selectors.users import user_roles

logger = logging.getLogger(__name__)


class LockoutError(Exception):
    """A lockout could not be lifted; the message says why, the status how to answer."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def may_release_lockouts(user: User) -> bool:
    """Tell whether the user may lift login lockouts: management of a body."""
    return user.body_id is not None and Role.MANAGEMENT.value in user_roles(user)


def login_lockout_release(*, acting_user: User, username: str) -> int:
    """Lift the login lockout of a user of the acting user's body; return attempts removed."""
    body_id = acting_user.body_id
    if body_id is None or not may_release_lockouts(acting_user):
        raise LockoutError(
            _("Nur die Verwaltungsleitung kann Anmeldesperren aufheben."), status=403
        )
    # Another body's user, or no user at all: the same answer, nothing to learn by trying.
    if not User.objects.filter(body_id=body_id, username=username).exists():
        raise LockoutError(_("Diesen Benutzer gibt es nicht."), status=404)
    removed = axes_reset(username=username)
    logger.info(
        "Login lockout of %r lifted by %r (%d failed attempts removed).",
        username,
        acting_user.get_username(),
        removed,
    )
    return removed
