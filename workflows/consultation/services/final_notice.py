"""The final notice (Schlussmitteilung): when a round concludes, each submitter is told once."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from planning_cycle.models import User
from workflows.models import OutboxMessage, TransitionLog

from ..models import FinalNotice, Invitation, Statement
from ..states import StatementState

TOPIC = "consultation.final_notice"


def submitters(round_id: int) -> list[int]:
    """Return the invitations that gave a released statement in the round, co-signers included."""
    released = Statement.objects.filter(round_id=round_id, state=StatementState.RELEASED)
    own = released.filter(invitation_id=OuterRef("pk"))
    joint = released.filter(co_signers=OuterRef("pk"))
    return list(
        Invitation.objects.filter(round_id=round_id)
        .filter(Q(Exists(own)) | Q(Exists(joint)))
        .order_by("id")
        .values_list("pk", flat=True)
    )


def final_notices_send(round_: Any, acting_user: User, log: TransitionLog) -> None:
    """Ask for the final notice to every submitter not yet told (a side effect of "conclude").

    Runs inside the transition's transaction. The unique constraint on (round, invitation)
    refuses a second notice to the same submitter: running twice adds nothing, and a
    concurrent run fails and rolls back rather than send twice.
    """
    told = set(
        FinalNotice.objects.filter(round_id=round_.pk).values_list("invitation_id", flat=True)
    )
    new = [i for i in submitters(round_.pk) if i not in told]
    if not new:
        return
    FinalNotice.objects.bulk_create(
        [FinalNotice(body_id=round_.body_id, round_id=round_.pk, invitation_id=i) for i in new]
    )
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                body_id=round_.body_id,
                topic=TOPIC,
                payload={"invitation_id": i, "round_id": round_.pk},
            )
            for i in new
        ]
    )
