"""The rate limit counts per API token and answers 429 in problem details."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from planning_cycle.api.throttling import TokenRateThrottle
from tests.support.api import bearer
from tests.support.world import World

PROBLEM = "application/problem+json"


@pytest.fixture
def three_per_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates once, into the class: patch it there (not via settings).
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api": "3/minute"})
    cache.clear()


def test_the_limit_is_per_token(
    world: World, token_for: Callable[..., str], three_per_minute: None
) -> None:
    first = token_for(world.users["management"])
    second = token_for(world.users["management"])
    client = Client()

    answers = [client.get("/api/v1/me/", **bearer(first)).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/me/", **bearer(first))
    assert refused.status_code == 429
    assert refused["Content-Type"] == PROBLEM
    body = refused.json()
    assert body["status"] == 429 and body["title"] == "Zu viele Anfragen"
    assert 0 < body["retry_after"] <= 60
    assert int(refused["Retry-After"]) == body["retry_after"]
    # Another token of the same user has its own allowance.
    assert client.get("/api/v1/me/", **bearer(second)).status_code == 200
    cache.clear()
