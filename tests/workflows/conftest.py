"""Fixtures of the workflow tests, and the one place that decides about PostgreSQL-only tests.

Tests marked `postgres` need PostgreSQL (row locks, triggers). On another database they
are skipped with the reason; in CI (CI=true) they fail instead, so a pipeline that
forgot DATABASE_URL cannot pass by skipping them.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection

POSTGRES_REASON = (
    "needs PostgreSQL (row locks, triggers), but the database in use is {vendor}; "
    "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/planning_cycle"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _postgres_missing(item: pytest.Item) -> str | None:
    """Return why a postgres-marked item cannot run here, or None."""
    if item.get_closest_marker("postgres") is None or connection.vendor == "postgresql":
        return None
    return POSTGRES_REASON.format(vendor=connection.vendor)


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """Skip postgres-marked tests on other databases (outside CI)."""
    reason = _postgres_missing(request.node)
    if reason and not _in_ci():
        pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """In CI, report postgres-marked tests on another database as failed, not skipped."""
    reason = _postgres_missing(item)
    if reason and _in_ci():
        pytest.fail(f"CI=true: this test must run on PostgreSQL. It {reason}", pytrace=False)
