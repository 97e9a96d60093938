"""Answers schemathesis once found undocumented: now problem details like every error."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client, RequestFactory

from planning_cycle.api.errors import problem_exception_handler
from tests.support.api import bearer
from tests.support.world import World

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_an_unknown_api_address_is_a_404_in_problem_details(
    world: World, token_for: Callable[..., str], method: str
) -> None:
    # Also for a POST without a CSRF token: the HTML 403 page would be undocumented.
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(
        "/api/v1/reviews/1.5/transitions/x/", **bearer(token_for(world.users["management"]))
    )

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "Diese API-Adresse gibt es nicht."


def test_a_number_too_large_for_the_database_is_a_400() -> None:
    # SQLite raises OverflowError binding a number beyond 64 bits (a 500 before); PostgreSQL's
    # range Django checks itself.
    request = RequestFactory().get("/api/v1/departments/?parent=1189993950196989427712")

    response = problem_exception_handler(OverflowError("too large"), {"request": request})

    assert response is not None and response.status_code == 400
    assert response.content_type == PROBLEM
    assert response.data["detail"] == "Eine Zahl in der Anfrage ist zu groß."
