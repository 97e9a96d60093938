"""Four token creations at once for a user one token below the cap: exactly one succeeds.

PostgreSQL only (real locks). The test holds a lock that lets every request read but no
request insert a token until all four are inside the service; without the service's lock on
the user's row, all four would count nine tokens and all four would insert.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from planning_cycle.models import ApiToken, TokenScope
from planning_cycle.services.tokens import api_token_create
from tests.support.world import World, build_world
from tests.workflows.conftest import _in_ci, _postgres_missing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30
RACERS = 4


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
    return build_world(key="token-race")


def test_the_cap_holds_under_concurrent_creation(world: World) -> None:
    user = world.users["department_head"]
    for i in range(9):
        api_token_create(acting_user=user, name=f"vorhanden {i}", scope=TokenScope.READ)
    barrier = threading.Barrier(RACERS + 1, timeout=TIMEOUT)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            response = client.post(
                "/api/v1/tokens/",
                {"name": f"neu {index}", "scope": "read"},
                content_type="application/json",
            )
            statuses.append(response.status_code)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    # Reads pass this table lock, inserts wait for it.
    with transaction.atomic(using="default"):
        with connections["default"].cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{ApiToken._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
        barrier.wait()
        time.sleep(1.0)  # every request is now in the service, waiting on a lock
    for t in threads:
        t.join(TIMEOUT)

    assert not any(t.is_alive() for t in threads), "a request hangs (deadlock?)"
    assert not errors
    assert sorted(statuses) == [201, 409, 409, 409]
    assert ApiToken.objects.filter(user=user).count() == 10
