"""The periodic sweep task works off a backlog in several batches per run."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from notifications import tasks
from notifications.models import Deadline, Reminder
from tests.support.world import build_world

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
OPENED = dt.datetime(2026, 4, 20, 10, 0, tzinfo=BERLIN)
SWEPT = dt.datetime(2026, 4, 27, 10, 0, tzinfo=BERLIN)  # Monday: 7-day slot of 30 April


def waiting() -> int:
    """Count the deadlines whose check has come and not been done."""
    return Deadline.objects.filter(next_check_at__lte=SWEPT).count()


@pytest.fixture
def six_deadlines(db: None) -> None:
    with time_machine.travel(OPENED, tick=False):
        build_world()  # three departments: three review and three plan deadlines
    assert waiting() == 6


def test_one_run_sweeps_a_backlog_larger_than_a_batch(
    six_deadlines: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "SWEEP_BATCH", 2)

    with time_machine.travel(SWEPT, tick=False):
        tasks.deadline_sweep.run()

    # The reviews (due 30 April) get their 7-day reminder, the plans (due 30 November)
    # have no slot yet; all six were looked at.
    assert Reminder.objects.count() == 3
    assert waiting() == 0


def test_a_run_stops_after_its_batch_limit(
    six_deadlines: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks, "SWEEP_BATCH", 2)
    monkeypatch.setattr(tasks, "SWEEP_MAX_BATCHES", 2)

    with time_machine.travel(SWEPT, tick=False):
        tasks.deadline_sweep.run()

    # Two batches of two: the other two wait for the next run.
    assert waiting() == 2
