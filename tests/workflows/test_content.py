"""The content services: who may edit what in which state, and how edits are refused.

The role-by-state table is written out from DOMAIN.md: the department's own editor and
head write its review, plan and goal agreements while they are with the department
(draft/proposed or returned); nobody else, and nobody once they are submitted.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from planning_cycle.models import (
    Indicator,
    IndicatorValue,
    Product,
    ValueKind,
)
from tests.support.workflows import agreement, operative_goal, walk
from tests.support.world import World, build_world
from workflows.agreements.services import agreement_update
from workflows.models import (
    DepartmentPlan,
    DepartmentReview,
    GoalAgreement,
    OutboxMessage,
    TransitionLog,
)
from workflows.selectors import state_label
from workflows.services.content import TEXT_MAX_LENGTH, ContentError
from workflows.submissions.indicators import indicator_actual_set
from workflows.submissions.services import plan_update, review_update

pytestmark = pytest.mark.django_db

EDITORS = {"department_head", "department_editor"}
ROLES = (
    "management",
    "strategy_unit",
    "department_head",
    "department_editor",
    "other_department_head",
    "committee_secretary",
    "council_member",
    "external_stakeholder",
)
STATES = {
    "review": {"draft": True, "submitted": False, "returned": True, "accepted": False},
    "plan": {"draft": True, "submitted": False, "returned": True, "approved": False},
    "agreement": {
        "proposed": True,
        "submitted": False,
        "returned": True,
        "approved": False,
        "adopted": False,
        "withdrawn": False,
    },
}
CELLS = [(kind, state, ok) for kind, states in STATES.items() for state, ok in states.items()]


def target(world: World, kind: str):
    if kind == "review":
        return DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    if kind == "plan":
        return DepartmentPlan.objects.get(cycle=world.cycle, department=world.department)
    return agreement(world.cycle, world.department, operative_goal(world.body))


def edit(kind: str, user, obj, text: str, **kwargs):
    if kind == "review":
        return review_update(acting_user=user, review=obj, summary=text, **kwargs)
    if kind == "plan":
        return plan_update(acting_user=user, plan=obj, summary=text, **kwargs)
    return agreement_update(
        acting_user=user,
        agreement=obj,
        balance=text,
        effects=text,
        programmes="",
        processes="",
        resources="",
        **kwargs,
    )


def text_of(obj) -> str:
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return fresh.balance if isinstance(fresh, GoalAgreement) else fresh.summary


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("kind", "state", "editable"), CELLS)
def test_role_by_state(world, role, kind, state, editable):
    obj = walk(target(world, kind), state, world.users)
    before = type(obj)._default_manager.get(pk=obj.pk)
    logs = TransitionLog.objects.count(), OutboxMessage.objects.count()
    user = world.users[role]
    if role in EDITORS and editable:
        saved = edit(kind, user, obj, "Neuer Text")
        assert text_of(obj) == "Neuer Text"
        assert saved.updated_at > before.updated_at  # type: ignore[attr-defined]
    else:
        with pytest.raises(ContentError) as info:
            edit(kind, user, obj, "Neuer Text")
        if role in EDITORS:
            assert info.value.status == 409
            assert "kann nicht mehr bearbeitet werden" in info.value.message
            assert f" ist {state_label(type(obj), state)} und " in info.value.message
        else:
            assert info.value.status == 403
        assert text_of(obj) == text_of(before)
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        assert fresh.updated_at == before.updated_at  # type: ignore[attr-defined]
    # Editing is not a transition: no history, no outbox.
    assert (TransitionLog.objects.count(), OutboxMessage.objects.count()) == logs


def test_the_message_names_the_state(world):
    review = walk(target(world, "review"), "submitted", world.users)
    with pytest.raises(ContentError) as info:
        review_update(acting_user=world.users["department_editor"], review=review, summary="x")
    assert info.value.message == (
        "Die Zielbilanzierung ist eingereicht und kann nicht mehr bearbeitet werden."
    )


def test_another_body_is_refused(world):
    other = build_world(key="andere-kommune")
    review = target(other, "review")
    with pytest.raises(ContentError) as info:
        review_update(acting_user=world.users["department_head"], review=review, summary="x")
    assert info.value.status == 403
    assert text_of(review) == ""


def test_stale_stamp_is_a_conflict_and_writes_nothing(world):
    review = target(world, "review")
    seen = review.updated_at
    editor, head = world.users["department_editor"], world.users["department_head"]
    review_update(acting_user=head, review=review, summary="Fassung der Leitung")
    with pytest.raises(ContentError) as info:
        review_update(
            acting_user=editor, review=review, summary="Meine Fassung", expected_updated_at=seen
        )
    assert info.value.status == 409
    assert "inzwischen" in info.value.message
    assert text_of(review) == "Fassung der Leitung"


def test_current_stamp_saves(world):
    review = target(world, "review")
    saved = review_update(
        acting_user=world.users["department_editor"],
        review=review,
        summary="Text",
        expected_updated_at=review.updated_at,
    )
    assert saved.summary == "Text"


def test_text_is_normalised_and_limited(world):
    review = target(world, "review")
    editor = world.users["department_editor"]
    review_update(acting_user=editor, review=review, summary="  Zeile 1\r\nZeile 2  ")
    assert text_of(review) == "Zeile 1\nZeile 2"
    with pytest.raises(ContentError) as info:
        review_update(acting_user=editor, review=review, summary="x" * (TEXT_MAX_LENGTH + 1))
    assert (info.value.status, info.value.field) == (400, "summary")
    assert "20.000" in info.value.message
    assert text_of(review) == "Zeile 1\nZeile 2"


def test_agreement_field_errors_name_the_field(world):
    obj = target(world, "agreement")
    with pytest.raises(ContentError) as info:
        agreement_update(
            acting_user=world.users["department_head"],
            agreement=obj,
            balance="",
            effects="",
            programmes="",
            processes="x" * (TEXT_MAX_LENGTH + 1),
            resources="",
        )
    assert info.value.field == "processes"


def test_unchanged_text_does_not_bump_the_stamp(world):
    review = target(world, "review")
    editor = world.users["department_editor"]
    saved = review_update(acting_user=editor, review=review, summary="Text")
    again = review_update(acting_user=editor, review=saved, summary="Text")
    assert again.updated_at == saved.updated_at


# --- indicator actual values -------------------------------------------------------------


@pytest.fixture
def indicators(world):
    """An indicator of an operative goal of FD 31 and one of FD 31's product."""
    goal = operative_goal(world.body)
    goal.departments.add(world.department)
    product = Product.objects.create(
        body=world.body, code="1.1", name="Produkt", department=world.department
    )
    return {
        "goal": Indicator.objects.create(
            body=world.body, key="k-goal", name="Quote", unit="%", operative_goal=goal
        ),
        "product": Indicator.objects.create(
            body=world.body, key="k-product", name="Fälle", unit="Anzahl", product=product
        ),
    }


def actual(indicator, year=2025):
    return (
        IndicatorValue.objects.filter(indicator=indicator, year=year, kind=ValueKind.ACTUAL)
        .values_list("value", flat=True)
        .first()
    )


INDICATOR_ROLES = {
    "department_head": True,
    "department_editor": True,
    "other_department_head": False,
    "management": False,
    "strategy_unit": False,
    "committee_secretary": False,
    "council_member": False,
    "external_stakeholder": False,
}


@pytest.mark.parametrize(("role", "allowed"), INDICATOR_ROLES.items())
@pytest.mark.parametrize("subject", ["goal", "product"])
@pytest.mark.parametrize("review_state", ["draft", "returned", "submitted", "accepted"])
def test_indicator_actual_by_role_and_review_state(
    world, indicators, role, allowed, subject, review_state
):
    # The review of cycle 2026 reports on 2025.
    walk(target(world, "review"), review_state, world.users)
    indicator = indicators[subject]
    user = world.users[role]
    if allowed and review_state in ("draft", "returned"):
        stored = indicator_actual_set(
            acting_user=user, indicator=indicator, year=2025, value="12.5"
        )
        assert stored is not None and stored.body_id == world.body.pk
        assert actual(indicator) == Decimal("12.5")
        return
    with pytest.raises(ContentError) as info:
        indicator_actual_set(acting_user=user, indicator=indicator, year=2025, value="12.5")
    assert info.value.status == (409 if allowed else 403)
    assert actual(indicator) is None


def test_a_year_without_review_is_free(world, indicators):
    editor = world.users["department_editor"]
    indicator_actual_set(acting_user=editor, indicator=indicators["goal"], year=2020, value=3)
    assert actual(indicators["goal"], 2020) == Decimal(3)


def test_upsert_and_remove(world, indicators):
    editor, indicator = world.users["department_editor"], indicators["goal"]
    indicator_actual_set(acting_user=editor, indicator=indicator, year=2025, value="1")
    indicator_actual_set(acting_user=editor, indicator=indicator, year=2025, value=Decimal("2.25"))
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1
    assert actual(indicator) == Decimal("2.25")
    assert (
        indicator_actual_set(acting_user=editor, indicator=indicator, year=2025, value="") is None
    )
    assert actual(indicator) is None


@pytest.mark.parametrize(
    ("value", "field", "words"),
    [
        ("abc", "value", "Zahl"),
        ("NaN", "value", "Zahl"),
        ("1.23456", "value", "Nachkommastellen"),
        ("1000000000000", "value", "zu groß"),
        # Beyond the decimal context's precision: refused before rounding could fail.
        ("1e30", "value", "zu groß"),
        (str(10**40), "value", "zu groß"),
    ],
)
def test_invalid_values_are_refused(world, indicators, value, field, words):
    with pytest.raises(ContentError) as info:
        indicator_actual_set(
            acting_user=world.users["department_editor"],
            indicator=indicators["goal"],
            year=2025,
            value=value,
        )
    assert (info.value.status, info.value.field) == (400, field)
    assert words in info.value.message
    assert actual(indicators["goal"]) is None


def test_four_decimals_and_trailing_zeros_are_fine(world, indicators):
    editor, indicator = world.users["department_editor"], indicators["goal"]
    indicator_actual_set(acting_user=editor, indicator=indicator, year=2025, value="-1.2345")
    assert actual(indicator) == Decimal("-1.2345")
    indicator_actual_set(acting_user=editor, indicator=indicator, year=2025, value="7.500000")
    assert actual(indicator) == Decimal("7.5")


@pytest.mark.parametrize("year", [1999, 2101])
def test_implausible_years_are_refused(world, indicators, year):
    with pytest.raises(ContentError) as info:
        indicator_actual_set(
            acting_user=world.users["department_editor"],
            indicator=indicators["goal"],
            year=year,
            value="1",
        )
    assert (info.value.status, info.value.field) == (400, "year")


def test_indicator_of_another_body_is_refused(world):
    other = build_world(key="andere-kommune")
    goal = operative_goal(other.body)
    goal.departments.add(other.department)
    indicator = Indicator.objects.create(
        body=other.body, key="k", name="K", unit="%", operative_goal=goal
    )
    with pytest.raises(ContentError) as info:
        indicator_actual_set(
            acting_user=world.users["department_head"], indicator=indicator, year=2025, value=1
        )
    assert info.value.status == 403
    assert actual(indicator) is None


def test_an_indicator_of_two_departments_stays_open_while_one_review_is(world, indicators):
    """A goal shared by two departments: the second one's open review keeps the value open."""
    indicator = indicators["goal"]
    indicator.operative_goal.departments.add(world.departments[1])
    walk(target(world, "review"), "submitted", world.users)
    other_head = world.users["other_department_head"]
    indicator_actual_set(acting_user=other_head, indicator=indicator, year=2025, value="4")
    assert actual(indicator) == Decimal(4)
    with pytest.raises(ContentError):
        indicator_actual_set(
            acting_user=world.users["department_editor"], indicator=indicator, year=2025, value=5
        )


def test_writes_no_history(world, indicators):
    before = TransitionLog.objects.count(), OutboxMessage.objects.count()
    indicator_actual_set(
        acting_user=world.users["department_editor"],
        indicator=indicators["goal"],
        year=2025,
        value="1",
    )
    assert (TransitionLog.objects.count(), OutboxMessage.objects.count()) == before
