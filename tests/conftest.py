"""Fixtures shared by all tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tests.support.world import World, build_world

# The suite runs on shared two-core machines: how long generating or running an example
# takes says nothing about the code, so neither counts as a failure (tests keep their own
# example counts).
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("shared-machine")

__all__ = ["World", "build_world"]


@pytest.fixture
def world(db: None) -> World:
    return build_world()
