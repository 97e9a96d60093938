"""Fixtures of the workflow tests, and the one place that decides about PostgreSQL-only tests."""

from __future__ import annotations

import os

import pytest
from django.db import connection

POSTGRES_REASON = (
    "needs PostgreSQL (row locks, triggers); the database in use is {vendor}. "
    "Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/planning_cycle"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """Skip tests marked `postgres` on other databases; in CI (CI=true) fail them instead.

    The vendor comes from the configured engine, so no database access is needed to decide.
    """
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor == "postgresql":
        return
    reason = POSTGRES_REASON.format(vendor=connection.vendor)
    if _in_ci():
        pytest.fail(f"CI=true but this test did not run: {reason}", pytrace=False)
    pytest.skip(reason)
