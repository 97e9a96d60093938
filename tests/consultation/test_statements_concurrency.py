"""Two people release the same statement at once (PostgreSQL: real row locks).

As in tests/workflows/test_concurrency.py: two threads, each with its own connection, are
released together into the service; whoever holds the row lock lingers, so the other is
blocked on it before the first commits. Exactly one wins; the other gets a clear conflict.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from planning_cycle.access import permission_checker
from planning_cycle.models import Role, User
from tests.support.consultation import round_build, statement_draft
from tests.support.factories import user_with_role
from tests.support.world import World, build_world
from workflows.consultation.models import Invitation, Statement
from workflows.consultation.services.statements import statement_release
from workflows.consultation.states import InvitationState, StatementState
from workflows.models import TransitionLog
from workflows.services import transitions as service
from workflows.services.transitions import TransitionConflict

from .statements_support import _without_deadlines_for_organisations

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

__all__ = ["_without_deadlines_for_organisations"]

ROUNDS = 3
LINGER = 0.3
TIMEOUT = 30


@dataclass
class Attempt:
    user: User
    entered: float = 0.0
    left: float = 0.0
    error: BaseException | None = None


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (DATABASE_URL=postgres://…)")


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world(key="race-statements")


def lingering() -> Any:
    original = service._failed_conditions

    def slow(obj: Any, t: Any) -> tuple[str, ...]:
        time.sleep(LINGER)
        return original(obj, t)

    return mock.patch.object(service, "_failed_conditions", slow)


def race(statement_pk: int, attempts: list[Attempt]) -> None:
    barrier = threading.Barrier(len(attempts), timeout=TIMEOUT)

    def run(attempt: Attempt) -> None:
        try:
            statement = Statement.objects.get(pk=statement_pk)  # each thread loads its page
            checker = permission_checker(attempt.user)
            barrier.wait()
            attempt.entered = time.monotonic()
            try:
                statement_release(
                    acting_user=attempt.user,
                    statement=statement,
                    expected_state=StatementState.DRAFT,
                    checker=checker,
                )
            finally:
                attempt.left = time.monotonic()
        except BaseException as exc:  # reported by the main thread
            attempt.error = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    with lingering():
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread hangs (deadlock?)"
    assert max(a.entered for a in attempts) < min(a.left for a in attempts)


def logs_of(obj: Any) -> list[TransitionLog]:
    ctype = ContentType.objects.get_for_model(type(obj))
    return list(TransitionLog.objects.filter(content_type=ctype, object_id=obj.pk).order_by("id"))


def test_two_contacts_release_the_same_statement_at_once(world: World) -> None:
    extern = world.users[Role.EXTERNAL_STAKEHOLDER]
    for n in range(ROUNDS):
        r = round_build(world, title=f"Runde {n}")
        organisation = r.organisations[0]
        colleague = user_with_role(world.body, Role.EXTERNAL_STAKEHOLDER, organisation=organisation)
        invitation = r.of(organisation)
        statement = statement_draft(invitation, by=extern)
        attempts = [Attempt(user=extern), Attempt(user=colleague)]

        race(statement.pk, attempts)

        winners = [a for a in attempts if a.error is None]
        losers = [a for a in attempts if a.error is not None]
        assert len(winners) == 1, [repr(a.error) for a in attempts]
        (winner,), (loser,) = winners, losers
        assert isinstance(loser.error, TransitionConflict), repr(loser.error)
        message = loser.error.message
        assert "ist nicht mehr möglich" in message
        assert "„freigegeben“" in message
        assert f"Zuletzt geändert von {winner.user}" in message
        assert "Bitte laden Sie die Seite neu." in message

        statement.refresh_from_db()
        assert statement.state == StatementState.RELEASED
        (log,) = logs_of(statement)
        assert (log.transition, log.actor_id) == ("release", winner.user.pk)
        invitation = Invitation.objects.get(pk=invitation.pk)
        assert invitation.state == InvitationState.SUBMITTED
        assert [entry.transition for entry in logs_of(invitation)] == ["submit"]
