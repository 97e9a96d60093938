"""Fixtures of the OParl tests: the seeded council world."""

from __future__ import annotations

import pytest

from tests.support.oparl import OparlWorld, oparl_world_build


@pytest.fixture
def oparl(db: None) -> OparlWorld:
    return oparl_world_build()
