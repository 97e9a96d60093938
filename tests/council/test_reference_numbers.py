"""Reference numbers: the body's pattern, no gaps, no duplicates under concurrency."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any
from unittest import mock

import pytest
from django.db import connection

from planning_cycle.models import Department
from tests.support.council import committees_build, office, paper_build
from tests.support.factories import DepartmentFactory
from tests.support.world import build_world
from workflows.council.models import Paper, PaperNumbering
from workflows.council.services import papers as paper_services
from workflows.council.services.base import CouncilError
from workflows.council.services.numbering import PatternRefused, pattern_check
from workflows.council.services.papers import paper_create
from workflows.council.states import CyclePaper, PaperType

LINGER = 0.3
TIMEOUT = 30


@pytest.mark.django_db
def test_the_default_pattern_is_year_unit_running_number() -> None:
    world = build_world()
    sts = DepartmentFactory(body=world.body, code="StS", name="Stabsstelle")
    first = paper_build(world, [], department=sts, date=dt.date(2018, 9, 1))
    second = paper_build(world, [], department=sts, date=dt.date(2018, 10, 1))
    other_unit = paper_build(world, [], department=world.department, date=dt.date(2018, 10, 2))
    next_year = paper_build(world, [], department=sts, date=dt.date(2019, 1, 3))
    assert [first.reference, second.reference] == ["2018/StS/0001", "2018/StS/0002"]
    assert other_unit.reference == f"2018/{world.department.code}/0001"
    assert next_year.reference == "2019/StS/0001"


@pytest.mark.django_db
def test_a_pattern_without_the_unit_counts_the_whole_body() -> None:
    world = build_world()
    PaperNumbering.objects.create(body=world.body, pattern="DS {number}/{year}")
    a = paper_build(world, [], department=world.departments[0], date=dt.date(2026, 3, 1))
    b = paper_build(world, [], department=world.departments[1], date=dt.date(2026, 3, 2))
    assert [a.reference, b.reference] == ["DS 1/2026", "DS 2/2026"]


@pytest.mark.parametrize(
    ("pattern", "named"),
    [("{year}/{unit}", "{number}"), ("{jahr}/{number}", "{jahr}"), ("{year}/{number:q}", "q")],
)
def test_a_broken_pattern_is_refused_naming_what_is_wrong(pattern: str, named: str) -> None:
    with pytest.raises(PatternRefused) as refused:
        pattern_check(pattern)
    assert named in str(refused.value)


@pytest.mark.django_db
def test_a_failed_creation_gives_its_number_back() -> None:
    world = build_world()
    committees_build(world)
    paper_build(world, [], cycle=world.cycle, cycle_phase=CyclePaper.COUNCIL_RESOLUTION)
    with pytest.raises(CouncilError) as refused:
        paper_build(world, [], cycle=world.cycle, cycle_phase=CyclePaper.COUNCIL_RESOLUTION)
    assert refused.value.field == "cycle_phase"
    third = paper_build(world, [])
    assert third.reference.endswith("/0002")


def _race(user: Any, department: Department, year: int) -> tuple[list[str], list[BaseException]]:
    """Create two papers of the same range at once, each in its own thread and connection."""
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    made: list[str] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            paper = paper_create(
                acting_user=user,
                title="Gleichzeitig angelegt",
                paper_type=PaperType.INFORMATION,
                lead_department=department,
                date=dt.date(year, 5, 1),
            )
            made.append(paper.reference)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    return made, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_creations_at_once_get_consecutive_numbers() -> None:
    world = build_world()
    real = paper_services.reference_next
    overlapped: list[float] = []

    def lingering(**kwargs: Any) -> tuple[str, int]:
        drawn = real(**kwargs)
        overlapped.append(time.monotonic())
        time.sleep(LINGER)  # hold the counter's lock while the other creation waits on it
        return drawn

    code = world.department.code
    with mock.patch.object(paper_services, "reference_next", lingering):
        # A new range (its counter row is created by both at once), then a running one.
        for year in (2030, 2030, 2031):
            before = sorted(
                Paper.objects.filter(reference_year=year).values_list("reference", flat=True)
            )
            made, errors = _race(office(world), world.department, year)
            assert errors == []
            n = len(before)
            assert sorted(made) == [f"{year}/{code}/{n + 1:04d}", f"{year}/{code}/{n + 2:04d}"]
    assert Paper.objects.count() == 6
