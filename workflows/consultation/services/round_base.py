"""What the round services share: permission, lock, state and input checks, and limits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import permission_checker, user_may
from planning_cycle.models import User
from planning_cycle.text import TextRefused, breaks_normalise, text_clean
from workflows.services.content import ContentError

from ..models import ConsultationRound
from ..states import RoundState

MANAGE = "planning_cycle.consultation_manage"
INVITATION_TOPIC = "consultation.invitation"
REMINDER_TOPIC = "consultation.reminder"
TITLE_MAX = 200
NUMBER_MAX = 20
TEXT_MAX = 20_000
# Invitees may be added while the round is a draft or open (a forgotten one, later).
INVITE_STATES = (RoundState.DRAFT, RoundState.OPEN)


class RoundError(ContentError):
    """A change of a round was refused; the message says why, `field` where."""


def checker_for(user: User, checker: ObjectPermissionChecker | None) -> ObjectPermissionChecker:
    return checker or permission_checker(user)


def may_manage(user: User, checker: ObjectPermissionChecker, round_: Any = None) -> bool:
    """Tell whether the user runs consultation rounds of their body (or of this round's)."""
    stand_in = round_ if round_ is not None else ConsultationRound(body_id=user.body_id)
    return user_may(checker, user, MANAGE, stand_in)


def require_manage(user: User, checker: ObjectPermissionChecker, round_: Any = None) -> None:
    if not may_manage(user, checker, round_):
        raise RoundError(_("Sie dürfen keine Beteiligungsverfahren durchführen."), status=403)


def round_lock(round_: ConsultationRound) -> ConsultationRound:
    return ConsultationRound.objects.select_for_update(of=("self",)).get(pk=round_.pk)


def require_state(round_: ConsultationRound, states: Iterable[str] = (RoundState.DRAFT,)) -> None:
    if round_.state not in states:
        raise RoundError(
            _(
                "Das Beteiligungsverfahren ist %(state)s; sein Entwurf und seine "
                "Eingeladenen können nicht mehr geändert werden."
            )
            % {"state": round_.get_state_display()},
            status=409,
        )


def text_input(
    value: str | None, *, what: str, field: str, limit: int, required: bool = False
) -> str:
    try:
        text = text_clean(breaks_normalise(value), what=what, limit=limit)
    except TextRefused as exc:
        raise RoundError(exc.message, field) from None
    if required and not text:
        raise RoundError(_("Bitte geben Sie %(what)s an.") % {"what": what}, field)
    return text
