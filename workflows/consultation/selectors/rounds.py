"""Reads of the strategy unit's side of a round: the rounds a user sees, the completion board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from planning_cycle.models import Department, Organisation, User
from workflows.access import workflow_visible

from ..models import ConsultationRound, Invitation, RoundSection, Statement
from ..states import OPEN_INVITATION_STATES, InvitationState, StatementState


def rounds_for_user(user: User) -> QuerySet[ConsultationRound]:
    """Return the rounds the user may see, with their invitee and answer counts (one query)."""
    return workflow_visible(ConsultationRound, user=user).annotate(
        invitee_count=Count("invitations", distinct=True),
        answered_count=Count(
            "invitations",
            filter=Q(invitations__state__in=[InvitationState.SUBMITTED, InvitationState.DECLINED]),
            distinct=True,
        ),
    )


def round_sections(round_: ConsultationRound) -> list[RoundSection]:
    """Return the numbered sections of a round's draft in their order."""
    return list(round_.sections.order_by("position", "id"))


def round_invitations(round_: ConsultationRound) -> list[Invitation]:
    """Return a round's invitations with their invitees, departments first."""
    return list(
        Invitation.objects.filter(round_id=round_.pk)
        .select_related("department", "organisation")
        .order_by("organisation_id", "department__code", "organisation__name", "id")
    )


def invitees_available(
    round_: ConsultationRound,
) -> tuple[list[Department], list[Organisation]]:
    """Return the body's departments and active organisations not yet invited to the round."""
    invited = Invitation.objects.filter(round_id=round_.pk)
    departments = list(
        Department.objects.filter(body_id=round_.body_id)
        .exclude(pk__in=invited.filter(department__isnull=False).values("department_id"))
        .order_by("code")
    )
    organisations = list(
        Organisation.objects.filter(body_id=round_.body_id, active=True)
        .exclude(pk__in=invited.filter(organisation__isnull=False).values("organisation_id"))
        .order_by("name")
    )
    return departments, organisations


@dataclass
class BoardRow:
    """One invitee on the completion board."""

    invitation: Invitation
    released_at: dt.datetime | None
    late: bool
    overdue: bool

    @property
    def answered(self) -> bool:
        return self.invitation.state == InvitationState.SUBMITTED

    @property
    def declined(self) -> bool:
        return self.invitation.state == InvitationState.DECLINED

    @property
    def extended(self) -> bool:
        return self.invitation.extended_until is not None

    @property
    def extension_requested(self) -> bool:
        return self.invitation.state == InvitationState.EXTENSION_REQUESTED

    @property
    def open(self) -> bool:
        return self.invitation.state in OPEN_INVITATION_STATES


@dataclass
class Board:
    """The completion board of a round: who answered, late, declined, extended, still open."""

    round: ConsultationRound
    rows: list[BoardRow] = field(default_factory=list)

    def _count(self, name: str) -> int:
        return sum(1 for row in self.rows if getattr(row, name))

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def counts(self) -> dict[str, int]:
        """Return the number of invitees per column of the board."""
        names = ("answered", "late", "declined", "extended", "extension_requested", "overdue")
        return {"total": self.total, **{n: self._count(n) for n in names}, "open": self.open}

    @property
    def open(self) -> int:
        return self._count("open")

    @property
    def unanswered(self) -> list[BoardRow]:
        return [row for row in self.rows if row.open]


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def round_board(round_: ConsultationRound, *, today: dt.date | None = None) -> Board:
    """Build the completion board of a round with one query for all its invitees.

    An invitee answered late when its first released statement (its own or one it
    co-signed) came after the round's deadline; with an extension that is still shown.
    """
    today = today or timezone.localdate()
    first_release = (
        Statement.objects.filter(
            Q(invitation_id=OuterRef("pk")) | Q(co_signers=OuterRef("pk")),
            state=StatementState.RELEASED,
        )
        .order_by()
        .values("state")
        .annotate(first=Min("released_at"))
        .values("first")
    )
    invitations: list[Any] = list(
        Invitation.objects.filter(round_id=round_.pk)
        .select_related("department", "organisation")
        .annotate(first_release=Subquery(first_release))
        .order_by("organisation_id", "department__code", "organisation__name", "id")
    )
    deadline_end = _end_of_day(round_.deadline)
    rows = []
    for invitation in invitations:
        released: dt.datetime | None = invitation.first_release
        # The round is already loaded: no query per invitation for its deadline.
        invitation.round = round_
        effective = invitation.extended_until or round_.deadline
        rows.append(
            BoardRow(
                invitation=invitation,
                released_at=released,
                late=released is not None and released > deadline_end,
                overdue=invitation.state == InvitationState.OVERDUE
                or (invitation.state in OPEN_INVITATION_STATES and today > effective),
            )
        )
    return Board(round=round_, rows=rows)
