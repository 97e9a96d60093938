"""Statuses of a body in one period: computed from stored rows in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from planning_cycle.controlling.selectors import body_status, product_area
from planning_cycle.controlling.status import MeasureStatus, Status
from planning_cycle.models import (
    Direction,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    PolicyField,
    Product,
    StrategicGoal,
    TargetKind,
    ValueKind,
)
from tests.support.world import World

pytestmark = pytest.mark.django_db
YEAR = 2025


def value(indicator: Indicator, kind: str, amount: str, **fields) -> IndicatorValue:
    fields.setdefault("year", YEAR)
    return IndicatorValue.objects.create(
        body=indicator.body, indicator=indicator, kind=kind, value=Decimal(amount), **fields
    )


def add_field(world: World, n: int) -> dict[str, object]:
    """A policy field with a strategic goal, two operative goals, a product; n in the keys."""
    body = world.body
    field = PolicyField.objects.create(body=body, key=f"pf{n}", name=f"Feld {n}", position=n)
    sgoal = StrategicGoal.objects.create(
        body=body, policy_field=field, number=f"{n}", title=f"Ziel {n}", position=n
    )
    met = OperativeGoal.objects.create(
        body=body, strategic_goal=sgoal, key=f"{n}.1", number=f"{n}.1", title="erfüllt"
    )
    missed = OperativeGoal.objects.create(
        body=body, strategic_goal=sgoal, key=f"{n}.2", number=f"{n}.2", title="verfehlt"
    )
    energy = Indicator.objects.create(
        body=body,
        key=f"energie-{n}",
        name="Energieverbrauch",
        unit="Index",
        direction=Direction.LOWER,
        operative_goal=missed,
    )
    value(energy, ValueKind.TARGET, "70")  # no kind: "lower" makes it at most 70
    value(energy, ValueKind.ACTUAL, "90")
    quota = Indicator.objects.create(
        body=body, key=f"quote-{n}", name="Quote", unit="%", operative_goal=met
    )
    value(quota, ValueKind.TARGET, "40", target_kind=TargetKind.RANGE, upper_value=Decimal(60))
    value(quota, ValueKind.ACTUAL, "50")
    value(quota, ValueKind.ACTUAL, "10", period="h1")  # another period: not this status
    Measure.objects.create(
        body=body, operative_goal=missed, key="spät", title="spät", due_date=dt.date(2025, 3, 1)
    )
    Measure.objects.create(
        body=body,
        operative_goal=missed,
        key="fertig",
        title="fertig",
        due_date=dt.date(2025, 3, 1),
        done_on=dt.date(2025, 2, 1),
    )
    product = Product.objects.create(body=body, code=f"36{n}", name=f"Produkt {n}")
    seats = Indicator.objects.create(
        body=body, key=f"plaetze-{n}", name="Plätze", unit="Plätze", product=product
    )
    value(seats, ValueKind.TARGET, "100", target_kind=TargetKind.EXACTLY)
    value(seats, ValueKind.ACTUAL, "95")
    return {
        "field": field,
        "sgoal": sgoal,
        "met": met,
        "missed": missed,
        "energy": energy,
        "quota": quota,
        "seats": seats,
        "product": product,
    }


def test_statuses_follow_the_rules_and_roll_up(world: World) -> None:
    rows = add_field(world, 1)

    status = body_status(body_id=world.body.pk, year=YEAR, today=dt.date(2025, 6, 1))

    energy = status.indicators[rows["energy"].pk]
    assert energy.status.code == Status.MISSED
    assert energy.target_text == "≤\xa070\xa0Index"
    assert energy.status.reason == ("Ist 90 liegt über dem Höchstwert 70 (Toleranz 10 %: bis 77).")
    assert status.indicators[rows["quota"].pk].status.code == Status.MET
    assert status.indicators[rows["seats"].pk].status.code == Status.WITHIN_TOLERANCE
    assert status.operative_goals[rows["met"].pk].code == Status.MET
    sgoal = status.strategic_goals[rows["sgoal"].pk]
    assert sgoal.code == Status.MISSED
    assert sgoal.worst is not None and sgoal.worst.label == "Operatives Ziel 1.2"
    assert sgoal.counts == {"met": 1, "within_tolerance": 0, "missed": 1, "no_data": 0}
    assert status.policy_fields[rows["field"].pk].code == Status.MISSED
    assert status.body is not None and status.body.code == Status.MISSED
    measures = status.operative_goal_measures[rows["missed"].pk]
    assert measures.code == MeasureStatus.LATE
    assert measures.counts[MeasureStatus.DONE] == 1
    assert status.products[rows["product"].pk].code == Status.WITHIN_TOLERANCE
    assert status.product_areas["36"].code == Status.WITHIN_TOLERANCE


def test_another_year_or_period_has_its_own_values(world: World) -> None:
    rows = add_field(world, 1)

    half = body_status(body_id=world.body.pk, year=YEAR, period="h1")
    later = body_status(body_id=world.body.pk, year=YEAR + 1)

    quota = half.indicators[rows["quota"].pk].status
    assert quota.code == Status.NO_DATA
    assert quota.reason == "Kein Zielwert für 1. Halbjahr 2025."
    assert later.policy_fields[rows["field"].pk].code == Status.NO_DATA


def test_a_superseded_goal_does_not_count_for_its_parent(world: World) -> None:
    rows = add_field(world, 1)
    OperativeGoal.objects.filter(pk=rows["missed"].pk).update(superseded=True)

    status = body_status(body_id=world.body.pk, year=YEAR)

    assert status.operative_goals[rows["missed"].pk].code == Status.MISSED
    assert status.strategic_goals[rows["sgoal"].pk].code == Status.MET


def test_another_bodys_rows_are_not_counted(world: World) -> None:
    from tests.support.world import build_world

    other = build_world(key="andere")
    add_field(other, 1)

    status = body_status(body_id=world.body.pk, year=YEAR)

    assert status.indicators == {} and status.body is not None
    assert status.body.code == Status.NO_DATA


def test_the_query_count_does_not_grow_with_the_catalog(
    world: World, django_assert_num_queries
) -> None:
    add_field(world, 1)
    with django_assert_num_queries(7):
        small = body_status(body_id=world.body.pk, year=YEAR)
    for n in range(2, 12):
        add_field(world, n)
    with django_assert_num_queries(7):
        large = body_status(body_id=world.body.pk, year=YEAR)
    assert len(large.indicators) == 11 * len(small.indicators)


@pytest.mark.parametrize(
    ("code", "area"), [("365", "36"), ("36501", "36"), ("2.1.1", "2"), ("P.000", "P"), ("1", "1")]
)
def test_product_areas_come_from_the_code(code: str, area: str) -> None:
    assert product_area(code) == area


def test_the_database_refuses_inconsistent_targets(world: World) -> None:
    rows = add_field(world, 1)
    indicator = rows["seats"]
    cases = [
        {"kind": ValueKind.ACTUAL, "target_kind": TargetKind.AT_LEAST},  # kind on an actual
        {"kind": ValueKind.TARGET, "target_kind": TargetKind.RANGE},  # range without upper
        {
            "kind": ValueKind.TARGET,
            "target_kind": TargetKind.RANGE,
            "upper_value": Decimal(1),
        },  # upper below value
        {"kind": ValueKind.TARGET, "upper_value": Decimal(200)},  # upper without range
    ]
    for case in cases:
        with pytest.raises(IntegrityError), transaction.atomic():
            IndicatorValue.objects.create(
                body=world.body, indicator=indicator, year=2030, value=Decimal(5), **case
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=indicator.pk).update(tolerance=Decimal(101))
