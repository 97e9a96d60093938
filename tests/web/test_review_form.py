"""The goal review form: agreements of the past cycle, indicator statuses, entry by web."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planning_cycle.models import (
    Direction,
    Indicator,
    IndicatorValue,
    Period,
    TargetKind,
    ValueKind,
)
from tests.support.factories import cycle_for
from tests.support.workflows import agreement, operative_goal
from tests.support.world import World, build_world
from workflows.models import DepartmentReview

pytestmark = pytest.mark.django_db


def review(world: World) -> DepartmentReview:
    return DepartmentReview.objects.get(cycle=world.cycle, department=world.department)


def measured_goal(world: World, number: str, actual: str, direction: str = Direction.HIGHER):
    goal = operative_goal(world.body, number=number)
    goal.departments.add(world.department)
    indicator = Indicator.objects.create(
        body=world.body,
        key=f"k-{number}",
        name=f"Kennzahl {number}",
        unit="t",
        operative_goal=goal,
        direction=direction,
    )
    IndicatorValue.objects.create(
        body=world.body, indicator=indicator, year=2025, kind=ValueKind.TARGET, value=Decimal(100)
    )
    IndicatorValue.objects.create(
        body=world.body,
        indicator=indicator,
        year=2025,
        kind=ValueKind.ACTUAL,
        value=Decimal(actual),
    )
    return goal, indicator


@pytest.fixture
def past(world: World):
    return cycle_for(world.body, year=2025)


def test_the_page_shows_agreements_statuses_and_the_five_answers(world, past, client_for):
    goal, _ = measured_goal(world, "1.1", "130", Direction.LOWER)
    item = agreement(past, world.department, goal)
    item.effects = "Weniger Ausstoß"
    item.save()
    measured_goal(world, "1.2", "104")

    html = client_for(world.users["department_head"]).get(
        f"/zielbilanzierungen/{review(world).pk}/"
    )
    text = html.content.decode()

    assert html.status_code == 200
    assert "Zielvereinbarungen 2025" in text and "Weniger Ausstoß" in text
    assert "Was müssen wir dafür einsetzen? (Geld, Personal)" in text
    assert "Ist 130 liegt über dem Höchstwert 100" in text  # lower is better: missed
    assert "verfehlt" in text and "erfüllt" in text
    assert "Zielerreichung:" in text


def page_queries(world: World, client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/zielbilanzierungen/{review(world).pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_constant_in_the_number_of_agreements(world, past, client_for):
    client = client_for(world.users["department_head"])
    goal, _ = measured_goal(world, "1.1", "90")
    agreement(past, world.department, goal)
    one = page_queries(world, client)
    for n in range(2, 6):
        goal, _ = measured_goal(world, f"1.{n}", "90")
        agreement(past, world.department, goal)
    assert page_queries(world, client) == one


def test_web_entry_with_period_comment_and_source(world, client_for):
    _, indicator = measured_goal(world, "1.1", "90")
    url = f"/zielbilanzierungen/{review(world).pk}/kennzahlen/{indicator.pk}/"
    client = client_for(world.users["department_editor"])
    response = client.post(url, {"value": "98,5", "comment": "vorläufig", "source": "SAP"})
    assert response.status_code == 302
    stored = IndicatorValue.objects.get(indicator=indicator, kind=ValueKind.ACTUAL, year=2025)
    assert (stored.value, stored.comment, stored.source) == (Decimal("98.5"), "vorläufig", "SAP")

    refused = client.post(url, {"value": "1", "period": Period.Q2})
    assert refused.status_code == 400
    assert "Diesen Zeitraum berichtet die Kommune nicht" in refused.content.decode()


def test_another_bodys_indicator_is_404(world, client_for):
    other = build_world(key="landkreis-anders")
    _, foreign = measured_goal(other, "9.1", "1")
    url = f"/zielbilanzierungen/{review(world).pk}/kennzahlen/{foreign.pk}/"
    response = client_for(world.users["department_editor"]).post(url, {"value": "5"})
    assert response.status_code == 404
    assert IndicatorValue.objects.get(indicator=foreign, kind=ValueKind.ACTUAL).value == 1


def test_a_target_kind_wins_on_the_page(world, client_for):
    _, indicator = measured_goal(world, "1.1", "104")
    IndicatorValue.objects.filter(indicator=indicator, kind=ValueKind.TARGET).update(
        target_kind=TargetKind.EXACTLY
    )
    text = (
        client_for(world.users["department_head"])
        .get(f"/zielbilanzierungen/{review(world).pk}/")
        .content.decode()
    )
    assert "im Toleranzbereich" in text
