"""The roll-up rule: the worst child wins, no data only when no child has data."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planning_cycle.controlling.rollup import MEASURES, leaf, roll_up
from planning_cycle.controlling.status import MeasureStatus, Result, Status

ORDER = [Status.MISSED, Status.WITHIN_TOLERANCE, Status.MET, Status.NO_DATA]


def child(index: int, code: str):
    return leaf(f"Kennzahl {index}", Result(code, str(Status(code).label), "…"))


@given(st.lists(st.sampled_from(list(Status)), max_size=12))
def test_the_worst_child_wins(codes: list[str]) -> None:
    rolled = roll_up([child(i, code) for i, code in enumerate(codes)])

    with_data = [code for code in codes if code != Status.NO_DATA]
    expected = min(with_data, key=ORDER.index) if with_data else Status.NO_DATA
    assert rolled.code == expected
    assert rolled.counts == {code: codes.count(code) for code in Status.values}
    assert sum(rolled.leaves.values()) == len(codes)
    if with_data:
        assert rolled.worst is not None
        assert rolled.worst.label == f"Kennzahl {codes.index(expected)}"  # the first of the worst


def test_leaves_add_up_over_levels() -> None:
    goal_a = roll_up([child(0, Status.MET), child(1, Status.MISSED)]).as_child("Ziel A")
    goal_b = roll_up([child(2, Status.NO_DATA)]).as_child("Ziel B")
    field = roll_up([goal_b, goal_a])

    assert field.code == Status.MISSED
    assert field.worst is not None and field.worst.label == "Ziel A"
    assert field.counts[Status.MISSED] == 1 and field.counts[Status.NO_DATA] == 1
    assert field.leaves == {"met": 1, "within_tolerance": 0, "missed": 1, "no_data": 1}
    assert field.reason == (
        "Am schlechtesten: Ziel A (verfehlt). Insgesamt: 1 erfüllt, 1 verfehlt, 1 keine Daten."
    )


def test_nothing_below_is_no_data() -> None:
    empty = roll_up([])
    assert empty.code == Status.NO_DATA and empty.worst is None
    assert empty.reason == "Keine Kennzahlen zugeordnet."
    # A goal whose only child has no indicators has no data either.
    assert roll_up([empty.as_child("Ziel")]).code == Status.NO_DATA


def test_measures_roll_up_late_first() -> None:
    def measure(code: str):
        return leaf(code, Result(code, str(MeasureStatus(code).label), ""))

    codes = [MeasureStatus.DONE, MeasureStatus.ON_TIME, MeasureStatus.NO_DEADLINE]
    assert roll_up([measure(c) for c in codes], MEASURES).code == MeasureStatus.ON_TIME
    codes.append(MeasureStatus.LATE)
    assert roll_up([measure(c) for c in codes], MEASURES).code == MeasureStatus.LATE
    only = roll_up([measure(MeasureStatus.NO_DEADLINE)], MEASURES)
    assert only.code == MeasureStatus.NO_DEADLINE
