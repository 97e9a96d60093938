"""Invitees read the words of their own invitation's history; others of the body do not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from planning_cycle.models import Role
from tests.support.consultation import round_build
from tests.support.world import World
from workflows.consultation.services.rounds import extension_refuse
from workflows.consultation.services.statements import invitation_extension_request

pytestmark = pytest.mark.django_db

REASON = "Unser Gemeinderat tagt erst nach Ablauf der Frist."
REFUSAL = "Der Kreistag entscheidet im Juni; eine spätere Frist ist nicht möglich."


def test_invitee_reads_own_reason_and_the_refusal(world: World, client) -> None:  # type: ignore[no-untyped-def]
    built = round_build(world)
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    invitation = built.of(built.organisations[0])
    invitation_extension_request(
        acting_user=external,
        invitation=invitation,
        until=built.round.deadline + dt.timedelta(days=14),
        reason=REASON,
    )
    extension_refuse(
        acting_user=world.users[Role.STRATEGY_UNIT], invitation=invitation, reason=REFUSAL
    )
    url = reverse("workflows:invitation_detail", args=[invitation.pk])
    client.force_login(external)
    html = client.get(url).content.decode()
    assert REASON in html and REFUSAL in html
    # The contact of another organisation does not see the invitation at all.
    client.force_login(built.contacts[built.organisations[1].pk])
    assert client.get(url).status_code == 404
