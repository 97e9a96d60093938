"""Correcting a locked actual on the review page: a new version with reason (issue 12, item 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planning_cycle.models import Indicator, IndicatorValue, ValueKind
from tests.support.workflows import operative_goal, walk
from tests.support.world import World, build_world
from workflows.models import DepartmentReview, ReviewState

pytestmark = pytest.mark.django_db


def review(world: World) -> DepartmentReview:
    return DepartmentReview.objects.get(cycle=world.cycle, department=world.department)


def indicator_of(world: World, number: str = "1.1", actual: str = "90") -> Indicator:
    goal = operative_goal(world.body, number=number)
    goal.departments.add(world.department)
    indicator = Indicator.objects.create(
        body=world.body, key=f"k-{number}", name=f"Kennzahl {number}", unit="t", operative_goal=goal
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
    return indicator


def accept(world: World) -> None:
    walk(review(world), ReviewState.ACCEPTED, world.users)


def url(world: World, indicator: Indicator) -> str:
    return f"/zielbilanzierungen/{review(world).pk}/kennzahlen/{indicator.pk}/korrektur/"


def page(world: World, client) -> str:
    return client.get(f"/zielbilanzierungen/{review(world).pk}/").content.decode()


def actuals(indicator: Indicator) -> list[tuple[Decimal, int, bool, str]]:
    return list(
        IndicatorValue.versions.filter(indicator=indicator, kind=ValueKind.ACTUAL)
        .order_by("version")
        .values_list("value", "version", "current", "reason")
    )


@pytest.mark.parametrize("role", ["strategy_unit", "management"])
def test_a_correction_stores_a_new_version_and_keeps_the_old(world, client_for, role):
    indicator = indicator_of(world)
    accept(world)
    client = client_for(world.users[role])
    assert "Korrigieren" in page(world, client)

    response = client.post(
        url(world, indicator),
        {"value": "95,5", "reason": "Nachmeldung Standesamt", "comment": "", "source": "SAP"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#kennzahl-{indicator.pk}")
    assert actuals(indicator) == [
        (Decimal(90), 1, False, ""),
        (Decimal("95.5"), 2, True, "Nachmeldung Standesamt"),
    ]
    text = page(world, client)
    assert "Nachmeldung Standesamt" in text and "Fassung 2" in text and "ersetzt" in text
    assert f"erfasst von {world.users[role]}" in text


def test_an_empty_reason_is_refused_naming_the_field(world, client_for):
    indicator = indicator_of(world)
    accept(world)
    response = client_for(world.users["strategy_unit"]).post(
        url(world, indicator), {"value": "95", "reason": "  "}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Grund der Korrektur: Bitte begründen Sie die Korrektur." in text
    assert 'value="95"' in text  # what was typed is kept
    assert actuals(indicator) == [(Decimal(90), 1, True, "")]


def test_a_bad_value_is_refused(world, client_for):
    indicator = indicator_of(world)
    accept(world)
    response = client_for(world.users["strategy_unit"]).post(
        url(world, indicator), {"value": "", "reason": "Tippfehler"}
    )
    assert response.status_code == 400
    assert "Bitte geben Sie einen Istwert ein." in response.content.decode()
    assert len(actuals(indicator)) == 1


@pytest.mark.parametrize(
    "role", ["department_head", "department_editor", "committee_secretary", "council_member"]
)
def test_others_see_no_form_and_are_refused(world, client_for, role):
    indicator = indicator_of(world)
    accept(world)
    client = client_for(world.users[role])
    assert "Korrigieren" not in page(world, client)
    response = client.post(url(world, indicator), {"value": "1", "reason": "weil"})
    assert response.status_code == 403
    assert len(actuals(indicator)) == 1


def test_before_acceptance_there_is_no_correction(world, client_for):
    indicator = indicator_of(world)
    client = client_for(world.users["strategy_unit"])
    assert "Korrigieren" not in page(world, client)
    response = client.post(url(world, indicator), {"value": "1", "reason": "weil"})
    assert response.status_code in (404, 409)  # a draft is hidden; a submitted one not locked
    assert len(actuals(indicator)) == 1


def test_another_bodys_indicator_or_review_is_404(world, client_for):
    accept(world)
    other = build_world(key="landkreis-anders")
    foreign = indicator_of(other, "9.1", "1")
    client = client_for(world.users["strategy_unit"])
    assert client.post(url(world, foreign), {"value": "5", "reason": "x"}).status_code == 404
    accept(other)
    foreign_review = review(other).pk
    response = client.post(
        f"/zielbilanzierungen/{foreign_review}/kennzahlen/{foreign.pk}/korrektur/",
        {"value": "5", "reason": "x"},
    )
    assert response.status_code == 404
    assert actuals(foreign) == [(Decimal(1), 1, True, "")]


def page_queries(world: World, client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/zielbilanzierungen/{review(world).pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_constant_in_the_number_of_correctable_actuals(world, client_for):
    client = client_for(world.users["strategy_unit"])
    first = indicator_of(world, "1.1")
    indicator_of(world, "1.2")
    accept(world)
    client.post(url(world, first), {"value": "91", "reason": "korrigiert"})
    two = page_queries(world, client)
    for n in range(3, 7):
        indicator_of(world, f"1.{n}")
    assert page_queries(world, client) == two
