"""Opening a round costs as many queries for 500 invitees as for 50."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planning_cycle.access import permission_checker
from planning_cycle.models import Organisation, Role
from tests.consultation.rounds_support import invitation_page  # noqa: F401
from tests.support.world import World
from tests.workflows.conftest import _postgres_only  # noqa: F401  (skips on SQLite)
from workflows.consultation.models import Invitation
from workflows.consultation.services.rounds import (
    INVITATION_TOPIC,
    invitations_add,
    round_create,
    round_open,
)
from workflows.consultation.states import SubjectKind
from workflows.models import OutboxMessage

# On SQLite Django splits a bulk insert by the database's parameter limit: PostgreSQL only.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.usefixtures("invitation_page"),
]


def _queries(world: World, invitees: int) -> tuple[int, int]:
    """Invite `invitees` organisations and open; return the queries of both steps."""
    strategy = world.users[Role.STRATEGY_UNIT]
    checker = permission_checker(strategy)
    orgs = Organisation.objects.bulk_create(
        Organisation(body=world.body, name=f"Runde {invitees} Gemeinde {n}")
        for n in range(invitees)
    )
    round_ = round_create(
        acting_user=strategy,
        title=f"Runde mit {invitees}",
        subject_kind=SubjectKind.CONCEPT,
        description="",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        checker=checker,
    )
    with CaptureQueriesContext(connection) as adding:
        invitations_add(
            acting_user=strategy,
            round=round_,
            organisation_ids=[o.pk for o in orgs],
            checker=checker,
        )
    with CaptureQueriesContext(connection) as opening:
        round_open(acting_user=strategy, round=round_, checker=checker)
    assert Invitation.objects.filter(round=round_).count() == invitees
    invited = set(round_.invitations.values_list("pk", flat=True))
    sent = OutboxMessage.objects.filter(topic=INVITATION_TOPIC).values_list("payload", flat=True)
    assert len([p for p in sent if p["invitation_id"] in invited]) == invitees
    return len(adding), len(opening)


def test_open_queries_do_not_grow_with_the_invitees(world: World) -> None:
    _queries(world, 3)  # warm the content type cache and the compiled lock query
    few = _queries(world, 50)
    many = _queries(world, 500)
    assert few == many, (few, many)
