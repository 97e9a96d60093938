"""Fixtures shared by all tests."""

from __future__ import annotations

import pytest

from tests.support.world import World, build_world

__all__ = ["World", "build_world"]


@pytest.fixture
def world(db: None) -> World:
    return build_world()
