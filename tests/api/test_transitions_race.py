"""Two managers approve the same goal agreement through the API at the same time.

PostgreSQL only (real row locks), like tests/workflows/test_concurrency.py: two threads,
each with its own client and database connection, are released together by a barrier;
whoever holds the row lock lingers in the locked section, so the other request is inside
the transition service, waiting for the lock, before the first commits. One answer is
200, the other a 409 problem naming the new state and who changed it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from planning_cycle.models import Role, User
from tests.support.factories import user_with_role
from tests.support.workflows import agreement, current_state, operative_goal, walk
from tests.support.world import World, build_world
from tests.workflows.conftest import _in_ci, _postgres_missing
from tests.workflows.test_concurrency import TIMEOUT, lingering_lock_holder
from workflows.models import GoalAgreement, TransitionLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 3


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """As tests/workflows/conftest.py: skipped on another database, failed in CI."""
    reason = _postgres_missing(request.node)
    if reason:
        if _in_ci():
            pytest.fail(f"CI=true: this test must run on PostgreSQL. It {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world(key="api-race")


def _race(agreement_pk: int, managers: list[User]) -> list[dict[str, Any]]:
    barrier = threading.Barrier(len(managers), timeout=TIMEOUT)
    outcomes: list[dict[str, Any]] = [{} for _ in managers]

    def run(index: int, user: User) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            outcomes[index]["entered"] = time.monotonic()
            response = client.post(
                f"/api/v1/goal-agreements/{agreement_pk}/transitions/approve/",
                {"comment": "", "expected_state": "submitted"},
                content_type="application/json",
            )
            outcomes[index]["left"] = time.monotonic()
            outcomes[index]["status"] = response.status_code
            outcomes[index]["body"] = response.json()
            outcomes[index]["user"] = user
        except BaseException as exc:  # reported by the main thread
            outcomes[index]["error"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(managers)]
    with lingering_lock_holder():
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a request hangs (deadlock?)"
    assert not [o["error"] for o in outcomes if "error" in o]
    # Both requests were in flight at the same time.
    assert max(o["entered"] for o in outcomes) < min(o["left"] for o in outcomes)
    return outcomes


def test_two_approvals_through_the_api_one_200_one_409(world: World) -> None:
    managers = [world.users["management"], user_with_role(world.body, Role.MANAGEMENT)]
    for round_ in range(ROUNDS):
        goal = operative_goal(world.body, number=f"9.{round_ + 1}", position=round_)
        item = agreement(world.cycle, world.department, goal)
        walk(item, "submitted", world.users)

        outcomes = _race(item.pk, managers)

        assert sorted(o["status"] for o in outcomes) == [200, 409], [o["body"] for o in outcomes]
        (winner,) = [o for o in outcomes if o["status"] == 200]
        (loser,) = [o for o in outcomes if o["status"] == 409]
        assert winner["body"]["state"] == "approved"
        detail = loser["body"]["detail"]
        assert "„Billigen“ ist nicht mehr möglich" in detail
        assert "„von der Verwaltungsleitung gebilligt“" in detail
        assert f"Zuletzt geändert von {winner['user']}" in detail
        assert loser["body"]["status"] == 409 and loser["body"]["title"] == "Konflikt"
        assert current_state(GoalAgreement.objects.get(pk=item.pk)) == "approved"
        approvals = TransitionLog.objects.filter(object_id=item.pk, transition="approve")
        assert [log.actor_id for log in approvals] == [winner["user"].pk]
