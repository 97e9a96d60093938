"""Actuals per reporting period: entry by role and review state, locking, corrections (issue 12)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planning_cycle.models import (
    Indicator,
    IndicatorValue,
    Period,
    ReportingPeriod,
    TargetKind,
    ValueKind,
)
from tests.support.workflows import operative_goal, walk
from tests.support.world import World
from workflows.models import DepartmentReview
from workflows.services.content import ContentError
from workflows.submissions.indicators import (
    indicator_actual_correct,
    indicator_actual_history,
    indicator_actual_record,
)

pytestmark = pytest.mark.django_db

YEAR = 2025  # the review of the world's 2026 cycle reports on 2025


@pytest.fixture
def indicator(world: World) -> Indicator:
    goal = operative_goal(world.body)
    goal.departments.add(world.department)
    return Indicator.objects.create(
        body=world.body, key="k-goal", name="Quote", unit="%", operative_goal=goal
    )


def review(world: World) -> DepartmentReview:
    return DepartmentReview.objects.get(cycle=world.cycle, department=world.department)


def record(world: World, role: str, indicator: Indicator, **kw: object) -> IndicatorValue:
    values: dict[str, object] = {"year": YEAR, "period": Period.YEAR, "value": "12,5"}
    values.update(kw)
    if isinstance(values["value"], str):
        values["value"] = str(values["value"]).replace(",", ".")
    return indicator_actual_record(
        acting_user=world.users[role],
        indicator=indicator,
        **values,  # type: ignore[arg-type]
    )


def current(indicator: Indicator, period: str = Period.YEAR) -> IndicatorValue | None:
    return IndicatorValue.objects.filter(
        indicator=indicator, year=YEAR, period=period, kind=ValueKind.ACTUAL
    ).first()


ROLES = {
    "department_head": True,
    "department_editor": True,
    "other_department_head": False,
    "management": False,
    "strategy_unit": False,
}
OPEN = {"draft": True, "returned": True, "submitted": False, "accepted": False}


@pytest.mark.parametrize(("role", "allowed"), ROLES.items())
@pytest.mark.parametrize(("state", "open_"), OPEN.items())
def test_entry_by_role_and_review_state(world, indicator, role, allowed, state, open_):
    walk(review(world), state, world.users)
    if allowed and open_:
        stored = record(world, role, indicator, comment=" geprüft ", source="Fachverfahren")
        assert (stored.value, stored.comment, stored.source) == (
            Decimal("12.5"),
            "geprüft",
            "Fachverfahren",
        )
        assert stored.recorded_by == world.users[role] and stored.recorded_at is not None
        return
    with pytest.raises(ContentError) as info:
        record(world, role, indicator)
    assert info.value.status == (409 if allowed else 403)
    assert current(indicator) is None


def test_accepted_review_locks_the_values_with_a_message(world, indicator):
    record(world, "department_editor", indicator, value="10")
    walk(review(world), "accepted", world.users)
    with pytest.raises(ContentError) as info:
        record(world, "department_head", indicator, value="11")
    assert info.value.status == 409 and "gesperrt" in info.value.message
    assert current(indicator).value == Decimal(10)


@pytest.mark.parametrize("role", ["strategy_unit", "management"])
def test_a_correction_is_a_new_version_with_reason_and_keeps_the_old(world, indicator, role):
    record(world, "department_editor", indicator, value="10", comment="erste Meldung")
    walk(review(world), "accepted", world.users)

    corrected = indicator_actual_correct(
        acting_user=world.users[role],
        indicator=indicator,
        year=YEAR,
        period=Period.YEAR,
        value="9.5",
        reason="Nachmeldung des Fachverfahrens",
    )

    assert (corrected.version, corrected.current, corrected.value) == (2, True, Decimal("9.5"))
    assert current(indicator).pk == corrected.pk
    history = indicator_actual_history(indicator=indicator)
    assert [(v.version, v.current, v.value) for v in history] == [
        (2, True, Decimal("9.5")),
        (1, False, Decimal(10)),
    ]
    assert history[1].comment == "erste Meldung"
    assert history[0].reason == "Nachmeldung des Fachverfahrens"


def test_correction_needs_a_reason_the_role_and_an_accepted_review(world, indicator):
    record(world, "department_editor", indicator, value="10")
    args = {"indicator": indicator, "year": YEAR, "period": Period.YEAR, "value": "9"}
    with pytest.raises(ContentError) as info:  # not yet locked
        indicator_actual_correct(acting_user=world.users["management"], reason="x", **args)
    assert info.value.status == 409
    walk(review(world), "accepted", world.users)
    with pytest.raises(ContentError) as info:
        indicator_actual_correct(acting_user=world.users["department_head"], reason="x", **args)
    assert info.value.status == 403
    with pytest.raises(ContentError) as info:
        indicator_actual_correct(acting_user=world.users["management"], reason="  ", **args)
    assert (info.value.status, info.value.field) == (400, "reason")
    assert IndicatorValue.versions.filter(indicator=indicator).count() == 1


def test_periods_follow_the_body(world, indicator):
    with pytest.raises(ContentError) as info:
        record(world, "department_editor", indicator, period=Period.Q1)
    assert info.value.field == "period" and "Jahr" in info.value.message

    world.body.reporting_period = ReportingPeriod.QUARTER
    world.body.save()
    record(world, "department_editor", indicator, period=Period.Q1, value="3")
    record(world, "department_editor", indicator, period=Period.YEAR, value="12")
    with pytest.raises(ContentError) as info:
        record(world, "department_editor", indicator, period=Period.H1)
    assert info.value.field == "period" and "4. Quartal" in info.value.message
    assert current(indicator, Period.Q1).value == Decimal(3)
    assert current(indicator).value == Decimal(12)
    assert current(indicator, Period.H1) is None


@pytest.mark.parametrize(
    ("value", "words"), [("abc", "Zahl"), ("", "Istwert"), ("1e30", "zu groß")]
)
def test_bad_values_are_refused_and_nothing_is_written(world, indicator, value, words):
    with pytest.raises(ContentError) as info:
        record(world, "department_editor", indicator, value=value)
    assert (info.value.status, info.value.field) == (400, "value")
    assert words in info.value.message
    assert current(indicator) is None


def test_a_target_and_an_actual_coexist_and_versions_stay_unique(world, indicator):
    IndicatorValue.objects.create(
        body=world.body,
        indicator=indicator,
        year=YEAR,
        kind=ValueKind.TARGET,
        target_kind=TargetKind.AT_LEAST,
        value=Decimal(10),
    )
    record(world, "department_editor", indicator, value="9")
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2


def test_the_api_takes_period_comment_and_source(world, indicator):
    from django.test import Client

    world.body.reporting_period = ReportingPeriod.HALF_YEAR
    world.body.save()
    client = Client()
    client.force_login(world.users["department_editor"])
    url = f"/api/v1/indicators/{indicator.pk}/actuals/"
    body = {"year": YEAR, "value": "4.5", "period": "h1", "comment": "Halbjahr", "source": "SAP"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    stored = current(indicator, Period.H1)
    assert (stored.value, stored.comment, stored.source) == (Decimal("4.5"), "Halbjahr", "SAP")

    refused = client.post(
        url, {"year": YEAR, "value": "1", "period": "q3"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "period" in refused.json()["errors"] or "Zeitraum" in refused.content.decode()
