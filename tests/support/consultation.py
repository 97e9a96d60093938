"""Build consultation rounds for tests: rows by the ORM, every state by the transition service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from planning_cycle.models import Department, Organisation, Role, User
from workflows.consultation.models import (
    ConsultationRound,
    Invitation,
    RoundSection,
    Statement,
)
from workflows.consultation.states import Position
from workflows.services.transitions import transition_fire

from .factories import OrganisationFactory, user_with_role
from .world import World


@dataclass
class Round:
    """A round of the world's body: its invitations by invitee and the invitees' people."""

    round: ConsultationRound
    sections: list[RoundSection]
    invitations: list[Invitation]
    organisations: list[Organisation]
    # The external contact of each organisation, by organisation id.
    contacts: dict[int, User] = field(default_factory=dict)

    def of(self, invitee: Department | Organisation) -> Invitation:
        for invitation in self.invitations:
            if invitee in (invitation.department, invitation.organisation):
                return invitation
        raise LookupError(invitee)


def round_build(
    world: World,
    *,
    organisations: int = 2,
    departments: int = 2,
    deadline: dt.date | None = None,
    open_: bool = True,
    title: str = "Entwurf Kreisentwicklungskonzept",
) -> Round:
    """Create a round with sections, invitations of departments and organisations; open it.

    The world's external stakeholder is the contact of the first organisation.
    """
    strategy = world.users[Role.STRATEGY_UNIT]
    round_ = ConsultationRound.objects.create(
        body=world.body,
        cycle=world.cycle,
        title=title,
        description="Bitte nehmen Sie zum Entwurf Stellung.",
        deadline=deadline or timezone.localdate() + dt.timedelta(days=21),
        created_by=strategy,
    )
    sections = [
        RoundSection.objects.create(
            body=world.body, round=round_, number=str(n), title=f"Handlungsfeld {n}", position=n
        )
        for n in (1, 2, 3)
    ]
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    # The world's external user holds their role on an organisation made for them.
    own = Organisation.objects.get(role_assignments__user=external)
    orgs = [own, *(OrganisationFactory(body=world.body) for _ in range(organisations - 1))]
    contacts = {own.pk: external}
    for org in orgs[1:]:
        contacts[org.pk] = user_with_role(world.body, Role.EXTERNAL_STAKEHOLDER, organisation=org)
    invitations = [
        *(
            Invitation(body=world.body, round=round_, department=d)
            for d in world.departments[:departments]
        ),
        *(Invitation(body=world.body, round=round_, organisation=o) for o in orgs),
    ]
    invitations = Invitation.objects.bulk_create(invitations)
    if open_:
        # Opening starts the invitations (deadlines, invitation messages): `round_opened`.
        transition_fire(acting_user=strategy, obj=round_, transition="open")
        round_.refresh_from_db()
    return Round(
        round=round_,
        sections=sections,
        invitations=invitations,
        organisations=orgs,
        contacts=contacts,
    )


def statement_draft(
    invitation: Invitation,
    *,
    by: User,
    position: str = Position.AGREEMENT_WITH_CHANGES,
    text: str = "Wir regen an, die Radwege im Handlungsfeld 2 stärker zu gewichten.",
    section: RoundSection | None = None,
) -> Statement:
    """Create a draft statement of an invitation (rows by the ORM)."""
    return Statement.objects.create(
        body=invitation.body,
        round=invitation.round,
        invitation=invitation,
        department=invitation.department,
        organisation=invitation.organisation,
        section=section,
        position=position,
        text=text,
        drafted_by=by,
    )
