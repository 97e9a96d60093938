"""Fixtures of the council API tests: the committees, a paper on its way, logged-in clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from planning_cycle.models import Role, TokenScope, User
from planning_cycle.services.tokens import api_token_create
from tests.support.api import bearer
from tests.support.council import (
    DECISION,
    PRE,
    Committees,
    clerk_of,
    committees_build,
    meeting_build,
    office,
    paper_build,
    steps_of,
)
from tests.support.world import World
from workflows.council.models import ConsultationStep, Meeting, Paper

PROBLEM = "application/problem+json"


@dataclass
class Council:
    """The world's committees, a public paper main → council, a past meeting of the main
    committee and a coming one of the council, and a secretary of each of the two."""

    world: World
    committees: Committees
    paper: Paper
    pre: ConsultationStep  # the main committee's pre-deliberation
    decision: ConsultationStep  # the council's decision
    past_main: Meeting
    next_council: Meeting
    main_clerk: User
    council_clerk: User

    @property
    def office(self) -> User:
        return office(self.world)


@pytest.fixture
def council(world: World) -> Council:
    c = committees_build(world)
    paper = paper_build(world, [(c.main, PRE), (c.council, DECISION)])
    pre, decision = steps_of(paper)
    return Council(
        world=world,
        committees=c,
        paper=paper,
        pre=pre,
        decision=decision,
        past_main=meeting_build(world, c.main, days=-3),
        next_council=meeting_build(world, c.council, days=10),
        main_clerk=clerk_of(world, c.main),
        council_clerk=clerk_of(world, c.council),
    )


@pytest.fixture
def as_user(client: Client) -> Callable[[User], Client]:
    """Return a function logging the test client in as a user."""

    def login(user: User) -> Client:
        client.force_login(user)
        return client

    return login


def token_client(user: User, scope: str = TokenScope.READ_WRITE) -> Client:
    _token, secret = api_token_create(acting_user=user, name="Test", scope=scope)
    return Client(HTTP_AUTHORIZATION=bearer(secret)["HTTP_AUTHORIZATION"])


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    return body


def fields(response: Any) -> list[str]:
    return [e["field"] for e in problem(response, 400)["errors"]]


def post(c: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return c.post(url, body or {}, content_type="application/json")


def patch(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.patch(url, body, content_type="application/json")


__all__ = ["Role"]
