"""Mark invitations overdue whose deadline passed unanswered (run by the beat).

The transition `mark_overdue` needs consultation_manage: it is fired in the name of the
round's creator, the strategy unit member who sent the invitations, so that the history
says who stands behind the step (the product acts for them, as they asked it to when
they opened the round with a deadline). When that person has lost the role meanwhile,
the invitation is passed over and logged: the strategy unit can mark it by hand.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import permission_checker
from planning_cycle.models import User
from workflows.consultation.models import Invitation
from workflows.consultation.states import InvitationState, RoundState
from workflows.services.transitions import TransitionError, transition_fire

logger = logging.getLogger(__name__)


def invitations_past_deadline(*, today: dt.date) -> list[int]:
    """Return the ids of invited invitations of open or closed rounds past their deadline."""
    return list(
        Invitation.objects.annotate(due=Coalesce("extended_until", "round__deadline"))
        .filter(
            Q(round__state=RoundState.OPEN) | Q(round__state=RoundState.CLOSED),
            state=InvitationState.INVITED,
            due__lt=today,
        )
        .order_by("id")
        .values_list("id", flat=True)
    )


def invitation_mark_overdue(
    *, invitation_id: int, checkers: dict[int, ObjectPermissionChecker] | None = None
) -> bool:
    """Fire mark_overdue on one invitation as its round's creator; False when passed over.

    Idempotent: an invitation no longer invited (answered, overdue already) is left alone.
    """
    invitation = (
        Invitation.objects.select_related("round__created_by").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.state != InvitationState.INVITED:
        return False
    actor: User = invitation.round.created_by
    checkers = {} if checkers is None else checkers
    checker = checkers.get(actor.pk)
    if checker is None:
        checker = checkers[actor.pk] = permission_checker(actor)
    try:
        transition_fire(
            acting_user=actor,
            obj=invitation,
            transition="mark_overdue",
            expected_state=InvitationState.INVITED,
            checker=checker,
        )
    except TransitionError as exc:
        logger.warning(
            "Invitation %s not marked overdue (acting as user %s): %s",
            invitation_id,
            actor.pk,
            exc.message,
        )
        return False
    return True


def invitations_mark_overdue(*, now: dt.datetime | None = None) -> int:
    """Mark every invitation past its deadline overdue; return how many were marked."""
    today = timezone.localdate(now or timezone.now())
    checkers: dict[int, ObjectPermissionChecker] = {}
    marked = sum(
        invitation_mark_overdue(invitation_id=pk, checkers=checkers)
        for pk in invitations_past_deadline(today=today)
    )
    if marked:
        logger.info("Marked %d invitations overdue", marked)
    return marked
