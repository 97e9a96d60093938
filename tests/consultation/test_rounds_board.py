"""The completion board: answered, late, declined, extended, requested, overdue, open."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from planning_cycle.models import Role
from tests.consultation.rounds_support import invitation_page  # noqa: F401
from tests.support.consultation import round_build, statement_draft
from tests.support.world import World
from workflows.consultation.models import Invitation
from workflows.consultation.selectors.rounds import round_board, rounds_for_user
from workflows.services.transitions import transition_fire

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("invitation_page")]


def test_board_counts_each_column(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    built = round_build(world, organisations=3, departments=2)
    strategy = world.users[Role.STRATEGY_UNIT]
    external = world.users[Role.EXTERNAL_STAKEHOLDER]
    late_one = built.of(built.organisations[0])
    declining = built.of(built.organisations[1])
    requesting = built.of(built.organisations[2])
    head = world.users[Role.DEPARTMENT_HEAD]
    in_time = built.of(world.departments[0])
    deadline = built.round.deadline
    # FD 31 answers in time; the first organisation gets an extension and answers late.
    statement = statement_draft(in_time, by=head)
    # Releasing answers the invitation (the release's consequence).
    transition_fire(acting_user=head, obj=statement, transition="release")
    Invitation.objects.filter(pk=late_one.pk).update(
        extension_requested_until=deadline + dt.timedelta(days=7)
    )
    transition_fire(
        acting_user=external, obj=late_one, transition="request_extension", comment="Gremium"
    )
    transition_fire(acting_user=strategy, obj=late_one, transition="grant_extension")
    contact = built.contacts[built.organisations[1].pk]
    transition_fire(acting_user=contact, obj=declining, transition="decline")
    other = built.contacts[built.organisations[2].pk]
    Invitation.objects.filter(pk=requesting.pk).update(
        extension_requested_until=deadline + dt.timedelta(days=3)
    )
    transition_fire(
        acting_user=other, obj=requesting, transition="request_extension", comment="Urlaub"
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=23)):
        late = statement_draft(Invitation.objects.get(pk=late_one.pk), by=external)
        transition_fire(acting_user=external, obj=late, transition="release")
        with django_assert_num_queries(1):
            board = round_board(built.round)
            counts = board.counts
    assert counts == {
        "total": 5,
        "answered": 2,
        "late": 1,
        "declined": 1,
        "extended": 1,
        "extension_requested": 1,
        # FD 32 has not answered and its deadline passed; the request still waits.
        "overdue": 2,
        "open": 2,
    }
    rows = {row.invitation.pk: row for row in board.rows}
    assert rows[late_one.pk].late and not rows[in_time.pk].late
    assert [r.invitation.pk for r in board.unanswered] == sorted(
        [built.of(world.departments[1]).pk, requesting.pk],
        key=lambda pk: [r.invitation.pk for r in board.rows].index(pk),
    )


def test_rounds_for_user_counts_answers(world: World) -> None:
    built = round_build(world)
    contact = built.contacts[built.organisations[1].pk]
    transition_fire(acting_user=contact, obj=built.of(built.organisations[1]), transition="decline")
    [listed] = rounds_for_user(world.users[Role.STRATEGY_UNIT])
    assert (listed.invitee_count, listed.answered_count) == (4, 1)
    assert not rounds_for_user(world.users[Role.COUNCIL_MEMBER]).exists()
