"""The status rules, as properties: every target kind at and around its tolerance bounds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from planning_cycle.controlling.formatting import target_text, with_unit
from planning_cycle.controlling.status import (
    MeasureStatus,
    Status,
    Target,
    effective_kind,
    indicator_status,
    measure_status,
    tolerance_band,
)
from planning_cycle.models import Direction, TargetKind

STEP = Decimal("0.0001")  # the smallest step of a stored value
values = st.decimals(min_value=-(10**8), max_value=10**8, places=4, allow_nan=False)
tolerances = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def status(actual: Decimal, target: Target, tolerance: Decimal) -> str:
    return indicator_status(actual=actual, target=target, tolerance=tolerance, period="2025").code


def band(reference: Decimal, tolerance: Decimal) -> Decimal:
    return abs(reference) * tolerance / 100


# --- at least ---------------------------------------------------------------------------


@given(values, tolerances, values)
def test_at_least_by_shortfall(target: Decimal, tolerance: Decimal, actual: Decimal) -> None:
    shortfall = target - actual
    expected = (
        Status.MET
        if shortfall <= 0
        else Status.WITHIN_TOLERANCE
        if shortfall <= band(target, tolerance)
        else Status.MISSED
    )
    assert status(actual, Target(TargetKind.AT_LEAST, target), tolerance) == expected


@given(values, tolerances)
def test_at_least_at_its_bounds(target: Decimal, tolerance: Decimal) -> None:
    goal = Target(TargetKind.AT_LEAST, target)
    low = target - band(target, tolerance)
    assert status(target, goal, tolerance) == Status.MET
    assert status(target + STEP, goal, tolerance) == Status.MET
    within = Status.MET if low == target else Status.WITHIN_TOLERANCE
    assert status(low, goal, tolerance) == within
    assert status(low - STEP, goal, tolerance) == Status.MISSED


# --- at most ----------------------------------------------------------------------------


@given(values, tolerances, values)
def test_at_most_by_excess(target: Decimal, tolerance: Decimal, actual: Decimal) -> None:
    excess = actual - target
    expected = (
        Status.MET
        if excess <= 0
        else Status.WITHIN_TOLERANCE
        if excess <= band(target, tolerance)
        else Status.MISSED
    )
    assert status(actual, Target(TargetKind.AT_MOST, target), tolerance) == expected


@given(values, tolerances)
def test_at_most_at_its_bounds(target: Decimal, tolerance: Decimal) -> None:
    goal = Target(TargetKind.AT_MOST, target)
    high = target + band(target, tolerance)
    assert status(target, goal, tolerance) == Status.MET
    assert status(target - STEP, goal, tolerance) == Status.MET
    assert status(high, goal, tolerance) == (
        Status.MET if high == target else Status.WITHIN_TOLERANCE
    )
    assert status(high + STEP, goal, tolerance) == Status.MISSED


# --- exactly ----------------------------------------------------------------------------


@given(values, tolerances, values)
def test_exactly_by_distance(target: Decimal, tolerance: Decimal, actual: Decimal) -> None:
    distance = abs(actual - target)
    expected = (
        Status.MET
        if distance == 0
        else Status.WITHIN_TOLERANCE
        if distance <= band(target, tolerance)
        else Status.MISSED
    )
    assert status(actual, Target(TargetKind.EXACTLY, target), tolerance) == expected


@given(values, tolerances)
def test_exactly_at_its_bounds(target: Decimal, tolerance: Decimal) -> None:
    goal = Target(TargetKind.EXACTLY, target)
    width = band(target, tolerance)
    assert status(target, goal, tolerance) == Status.MET
    for edge in (target - width, target + width):
        assert status(edge, goal, tolerance) == (
            Status.MET if width == 0 else Status.WITHIN_TOLERANCE
        )
    assert status(target - width - STEP, goal, tolerance) == Status.MISSED
    assert status(target + width + STEP, goal, tolerance) == Status.MISSED


# --- range ------------------------------------------------------------------------------


@st.composite
def ranges(draw: st.DrawFn) -> Target:
    lower, upper = sorted((draw(values), draw(values)))
    return Target(TargetKind.RANGE, lower, upper)


@given(ranges(), tolerances, values)
def test_range_by_distance_to_the_nearer_bound(
    target: Target, tolerance: Decimal, actual: Decimal
) -> None:
    assert target.upper is not None
    if target.value <= actual <= target.upper:
        expected = Status.MET
    elif actual < target.value:
        below = target.value - actual
        expected = (
            Status.WITHIN_TOLERANCE if below <= band(target.value, tolerance) else Status.MISSED
        )
    else:
        above = actual - target.upper
        expected = (
            Status.WITHIN_TOLERANCE if above <= band(target.upper, tolerance) else Status.MISSED
        )
    assert status(actual, target, tolerance) == expected


@given(ranges(), tolerances)
def test_range_at_its_bounds(target: Target, tolerance: Decimal) -> None:
    assert target.upper is not None
    low, high = tolerance_band(target, tolerance)
    assert status(target.value, target, tolerance) == Status.MET
    assert status(target.upper, target, tolerance) == Status.MET
    assert status(low - STEP, target, tolerance) == Status.MISSED
    assert status(high + STEP, target, tolerance) == Status.MISSED
    if low < target.value:
        assert status(low, target, tolerance) == Status.WITHIN_TOLERANCE
    if high > target.upper:
        assert status(high, target, tolerance) == Status.WITHIN_TOLERANCE


# --- the special cases ------------------------------------------------------------------


@given(st.sampled_from(list(TargetKind)), tolerances, values)
def test_a_target_of_zero_has_no_tolerance(kind: str, tolerance: Decimal, actual: Decimal) -> None:
    target = Target(kind, Decimal(0), Decimal(0) if kind == TargetKind.RANGE else None)
    result = status(actual, target, tolerance)
    assert result in (Status.MET, Status.MISSED)


@given(st.sampled_from(list(TargetKind)), values, values)
def test_without_tolerance_there_is_no_within(kind: str, target: Decimal, actual: Decimal) -> None:
    upper = target + 1 if kind == TargetKind.RANGE else None
    assert status(actual, Target(kind, target, upper), Decimal(0)) != Status.WITHIN_TOLERANCE


@given(st.one_of(st.none(), values), st.one_of(st.none(), values), tolerances)
def test_missing_actual_or_target_is_no_data(
    actual: Decimal | None, target: Decimal | None, tolerance: Decimal
) -> None:
    goal = Target(TargetKind.AT_LEAST, target) if target is not None else None
    result = indicator_status(actual=actual, target=goal, tolerance=tolerance, period="2025")
    assert (result.code == Status.NO_DATA) == (actual is None or target is None)
    if result.code == Status.NO_DATA:
        assert "2025" in result.reason


def test_the_direction_decides_a_target_without_kind() -> None:
    assert effective_kind(None, Direction.HIGHER) == TargetKind.AT_LEAST
    assert effective_kind(None, Direction.LOWER) == TargetKind.AT_MOST
    assert effective_kind("", Direction.LOWER) == TargetKind.AT_MOST
    assert effective_kind(TargetKind.EXACTLY, Direction.LOWER) == TargetKind.EXACTLY
    # "lower is better" and an actual above its target is missed, not met.
    lower = Target(effective_kind(None, Direction.LOWER), Decimal(70))
    assert status(Decimal(90), lower, Decimal(10)) == Status.MISSED
    assert status(Decimal(60), lower, Decimal(10)) == Status.MET


# --- reasons ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "reason"),
    [
        (
            "12",
            Target(TargetKind.AT_MOST, Decimal(10)),
            "Ist 12 liegt über dem Höchstwert 10 (Toleranz 10 %: bis 11).",
        ),
        (
            "10,5",
            Target(TargetKind.AT_MOST, Decimal(10)),
            "Ist 10,5 liegt über dem Höchstwert 10, aber im Toleranzbereich "
            "(Toleranz 10 %: bis 11).",
        ),
        ("10", Target(TargetKind.AT_MOST, Decimal(10)), "Ist 10 hält den Höchstwert 10 ein."),
        (
            "8",
            Target(TargetKind.AT_LEAST, Decimal(10)),
            "Ist 8 liegt unter dem Mindestwert 10 (Toleranz 10 %: ab 9).",
        ),
        (
            "55",
            Target(TargetKind.RANGE, Decimal(20), Decimal(40)),
            "Ist 55 liegt außerhalb des Zielbereichs 20 bis 40 (Toleranz 10 %: 18 bis 44).",
        ),
        (
            "1",
            Target(TargetKind.EXACTLY, Decimal(0)),
            "Ist 1 weicht vom Zielwert 0 ab (Toleranz 10 % von 0: keine Abweichung zulässig).",
        ),
    ],
)
def test_reasons_name_actual_target_and_tolerance(actual: str, target: Target, reason: str) -> None:
    value = Decimal(actual.replace(",", "."))
    result = indicator_status(actual=value, target=target, tolerance=Decimal(10), period="2025")
    assert result.reason == reason


def test_targets_are_written_with_their_kind_and_unit() -> None:
    assert target_text(TargetKind.AT_MOST, Decimal(10), None, "percent", "%") == "≤\xa010\xa0%"
    assert target_text(TargetKind.AT_LEAST, Decimal(25), None, "ratio", "") == "≥\xa01:25"
    assert target_text(TargetKind.RANGE, Decimal(40), Decimal(60), "percent", "%") == (
        "40 bis 60\xa0%"
    )
    assert with_unit(Decimal("1200.50"), "euro", "") == "1.200,5\xa0€"


# --- measures ---------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 30)
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@given(st.one_of(st.none(), dates), st.one_of(st.none(), dates))
def test_measure_status(due: dt.date | None, done: dt.date | None) -> None:
    result = measure_status(due_date=due, done_on=done, today=TODAY)
    if done is not None:
        assert result.code == MeasureStatus.DONE
    elif due is None:
        assert result.code == MeasureStatus.NO_DEADLINE
    else:
        assert result.code == (MeasureStatus.LATE if due < TODAY else MeasureStatus.ON_TIME)


def test_a_measure_due_today_is_on_time_and_late_tomorrow() -> None:
    assert measure_status(due_date=TODAY, done_on=None, today=TODAY).code == MeasureStatus.ON_TIME
    late = measure_status(due_date=TODAY, done_on=None, today=TODAY + dt.timedelta(days=1))
    assert late.code == MeasureStatus.LATE
    assert late.reason == "Frist 30.06.2026 überschritten, nicht als erledigt gemeldet."
