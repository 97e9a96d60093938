"""Two people act on the same object at the same time (PostgreSQL: real row locks).

Each race runs two threads, each with its own database connection. A barrier releases
both into transition_fire together, and the first one to hold the row lock lingers in
the locked section, so the other one is inside transition_fire, blocked on the lock,
before the first commits. Exactly one wins; the other gets a TransitionConflict.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import QuerySet

from planning_cycle.access import permission_checker
from planning_cycle.models import Role, User
from tests.support.factories import cycle_for, user_with_role
from tests.support.world import World, build_world
from workflows.models import DepartmentReview, OutboxMessage, ReviewState, TransitionLog
from workflows.services import rows
from workflows.services import transitions as service
from workflows.services.transitions import TransitionConflict, transition_fire

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5
LINGER = 0.3  # seconds the lock holder stays in the locked section
TIMEOUT = 30


@dataclass
class Attempt:
    user: User
    transition: str
    comment: str = ""
    expected_state: str | None = None
    entered: float = 0.0
    left: float = 0.0
    result: Any = None
    error: BaseException | None = None


def race(obj_pk: int, attempts: list[Attempt]) -> None:
    """Fire all attempts at once on the review, each in its own thread and connection."""
    barrier = threading.Barrier(len(attempts), timeout=TIMEOUT)

    def run(attempt: Attempt) -> None:
        try:
            review = DepartmentReview.objects.get(pk=obj_pk)  # each thread loads its page
            checker = permission_checker(attempt.user)
            barrier.wait()
            attempt.entered = time.monotonic()
            try:
                attempt.result = transition_fire(
                    acting_user=attempt.user,
                    obj=review,
                    transition=attempt.transition,
                    comment=attempt.comment,
                    expected_state=attempt.expected_state,
                    checker=checker,
                )
            finally:
                attempt.left = time.monotonic()
        except BaseException as exc:  # reported by the main thread
            attempt.error = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    with lingering_lock_holder():
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread hangs (deadlock?)"
    # Both were inside transition_fire at the same time.
    assert max(a.entered for a in attempts) < min(a.left for a in attempts)


@contextmanager
def clear_lock_sql_cache_after() -> Iterator[None]:
    try:
        yield
    finally:
        rows.lock_sql.cache_clear()


@contextmanager
def lingering_lock_holder() -> Iterator[None]:
    """Make whoever holds the row lock wait a moment before changing the row."""
    original = service._failed_conditions

    def lingering(obj: Any, t: Any) -> tuple[str, ...]:
        time.sleep(LINGER)
        return original(obj, t)

    with mock.patch.object(service, "_failed_conditions", lingering):
        yield


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world(key="race")


@pytest.fixture
def managers(world: World) -> tuple[User, User]:
    return world.users["management"], user_with_role(world.body, Role.MANAGEMENT)


def submitted_review(world: World, year: int) -> DepartmentReview:
    cycle = cycle_for(world.body, year=year)
    review = DepartmentReview.objects.get(cycle=cycle, department=world.department)
    transition_fire(acting_user=world.users["department_head"], obj=review, transition="submit")
    return review


def history(review: DepartmentReview) -> list[TransitionLog]:
    ctype = ContentType.objects.get_for_model(DepartmentReview)
    return list(
        TransitionLog.objects.filter(content_type=ctype, object_id=review.pk).order_by("id")
    )


def check_outcome(review: DepartmentReview, attempts: list[Attempt]) -> None:
    """Exactly one attempt won; the other got a clear conflict; the rows agree."""
    errors = [a for a in attempts if a.error is not None]
    winners = [a for a in attempts if a.error is None]
    assert len(winners) == 1, [repr(a.error) for a in attempts]
    (winner,), (loser,) = winners, errors
    assert isinstance(loser.error, TransitionConflict), repr(loser.error)

    review.refresh_from_db()
    logs = history(review)
    assert [log.transition for log in logs] == ["submit", winner.transition]
    decision = logs[-1]
    assert decision.actor_id == winner.user.pk
    assert (decision.source_state, decision.target_state) == (ReviewState.SUBMITTED, review.state)
    assert winner.result.log.pk == decision.pk

    outbox = list(OutboxMessage.objects.filter(payload__object_id=review.pk).order_by("id"))
    assert len(outbox) == 2
    assert outbox[-1].payload["log_id"] == decision.pk

    message = loser.error.message
    assert "ist nicht mehr möglich" in message
    assert f"„{ReviewState(review.state).label}“" in message
    assert f"Zuletzt geändert von {winner.user}" in message
    assert "Bitte laden Sie die Seite neu." in message


def test_two_managers_accept_the_same_review(world: World, managers: tuple[User, User]) -> None:
    for round_ in range(ROUNDS):
        review = submitted_review(world, year=2030 + round_)
        attempts = [Attempt(user=m, transition="accept") for m in managers]

        race(review.pk, attempts)

        check_outcome(review, attempts)
        assert review.state == ReviewState.ACCEPTED


def test_accept_and_return_at_the_same_time(world: World, managers: tuple[User, User]) -> None:
    for round_ in range(ROUNDS):
        review = submitted_review(world, year=2040 + round_)
        first, second = managers if round_ % 2 else reversed(managers)
        attempts = [
            Attempt(user=first, transition="accept", expected_state=ReviewState.SUBMITTED),
            Attempt(
                user=second,
                transition="return_",
                comment="Kennzahlen fehlen",
                expected_state=ReviewState.SUBMITTED,
            ),
        ]

        race(review.pk, attempts)

        check_outcome(review, attempts)
        assert review.state in (ReviewState.ACCEPTED, ReviewState.RETURNED)


def test_without_the_row_lock_the_state_check_on_update_still_lets_only_one_win(
    world: World, managers: tuple[User, User]
) -> None:
    """Defence in depth: were the SELECT … FOR UPDATE lost, both read "submitted", but the
    UPDATE … WHERE state = 'submitted' of ConcurrentTransitionMixin matches only once, and
    the loser gets a TransitionConflict after its block was rolled back.
    """
    # The service compiles its lock query once per model: compile it anew without the lock.
    rows.lock_sql.cache_clear()
    with (
        mock.patch.object(QuerySet, "select_for_update", lambda self, *a, **kw: self),
        clear_lock_sql_cache_after(),
    ):
        assert "FOR UPDATE" not in rows.lock_sql(DepartmentReview, connection.vendor)
        for round_ in range(ROUNDS):
            review = submitted_review(world, year=2050 + round_)
            attempts = [Attempt(user=m, transition="accept") for m in managers]

            race(review.pk, attempts)

            check_outcome(review, attempts)
            assert review.state == ReviewState.ACCEPTED
