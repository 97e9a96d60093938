"""The consistency check of the goal hierarchy: each kind of defect, the clean case, Peine."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from planning_cycle.catalog.importer import catalog_import
from planning_cycle.controlling.consistency import (
    DefectKind,
    catalog_defects,
    defects_grouped,
    duplicate_number_defects,
)
from planning_cycle.models import Body, OperativeGoal, StrategicGoal, ValueKind
from tests.support.factories import BodyFactory
from tests.support.goal_factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    OperativeGoalFactory,
    PolicyFieldFactory,
    ProductFactory,
    StrategicGoalFactory,
    catalog_owner,
    complete_catalog,
    complete_goal,
    measured_indicator,
)

pytestmark = pytest.mark.django_db

PEINE = Path(settings.BASE_DIR) / "catalogs" / "landkreis-peine.yaml"

# The check's queries: strategic goals, operative goals, indicators without target,
# indicators, measures, products.
CHECK_QUERIES = 6


def found(body: Body) -> set[tuple[DefectKind, type, int]]:
    """Return the defects of the body as (kind, model, id)."""
    return {(d.kind, type(d.obj), d.obj.pk) for d in catalog_defects(body.pk)}


def test_a_complete_catalog_has_no_defects() -> None:
    body = BodyFactory()
    complete_catalog(body, 3)
    assert catalog_defects(body.pk) == []
    assert defects_grouped([]) == []


def test_each_kind_of_defect_is_found() -> None:
    body = BodyFactory()
    owner = catalog_owner(body)
    (sgoal,) = complete_catalog(body, 1)

    # An operative goal without indicator; its strategic goal has others that are measured.
    unmeasured = OperativeGoalFactory(body=body, strategic_goal=sgoal, number="1.2")
    unmeasured.products.add(ProductFactory(body=body))
    # A strategic goal none of whose goals is measured or linked to a product.
    bare_strategic = StrategicGoalFactory(body=body, policy_field=sgoal.policy_field, number="2")
    bare = OperativeGoalFactory(body=body, strategic_goal=bare_strategic, number="2.1")
    # Indicators: one without target, one without actual value.
    measured = complete_goal(body, sgoal, "1.3", owner)
    no_target = IndicatorFactory(body=body, operative_goal=measured)
    IndicatorValueFactory(indicator=no_target, kind=ValueKind.ACTUAL)
    IndicatorValueFactory(indicator=no_target, kind=ValueKind.BASELINE, year=2020)
    no_actual = IndicatorFactory(body=body, strategic_goal=sgoal)
    IndicatorValueFactory(indicator=no_actual, kind=ValueKind.TARGET)
    # Measures without owner, without deadline.
    ownerless = MeasureFactory(body=body, operative_goal=measured, owner=None)
    undated = MeasureFactory(body=body, operative_goal=measured, due_date=None)
    # Products no goal is linked to: one measured by its own indicator, one bare.
    own_indicator = ProductFactory(body=body, code="611")
    measured_indicator(body=body, product=own_indicator)
    unlinked = ProductFactory(body=body, code="612")
    # Two operative goals with the same number (keys differ, as the importer gives them).
    first = complete_goal(body, sgoal, "1.5", owner)
    second = OperativeGoalFactory(body=body, strategic_goal=sgoal, number="1.5", key="1.5 (2)")
    measured_indicator(body=body, operative_goal=second)
    second.products.add(ProductFactory(body=body))

    assert found(body) == {
        (DefectKind.GOAL_WITHOUT_INDICATOR, OperativeGoal, unmeasured.pk),
        (DefectKind.GOAL_WITHOUT_INDICATOR, OperativeGoal, bare.pk),
        (DefectKind.GOAL_WITHOUT_INDICATOR, StrategicGoal, bare_strategic.pk),
        (DefectKind.GOAL_WITHOUT_PRODUCT, OperativeGoal, bare.pk),
        (DefectKind.GOAL_WITHOUT_PRODUCT, StrategicGoal, bare_strategic.pk),
        (DefectKind.INDICATOR_WITHOUT_TARGET, type(no_target), no_target.pk),
        (DefectKind.INDICATOR_WITHOUT_ACTUAL, type(no_actual), no_actual.pk),
        (DefectKind.MEASURE_WITHOUT_OWNER, type(ownerless), ownerless.pk),
        (DefectKind.MEASURE_WITHOUT_DUE_DATE, type(undated), undated.pk),
        (DefectKind.PRODUCT_WITHOUT_GOAL, type(unlinked), unlinked.pk),
        (DefectKind.PRODUCT_WITHOUT_GOAL, type(own_indicator), own_indicator.pk),
        (DefectKind.DUPLICATE_NUMBER, OperativeGoal, first.pk),
        (DefectKind.DUPLICATE_NUMBER, OperativeGoal, second.pk),
    }
    defects = catalog_defects(body.pk)
    # Listed in the order of the kinds, grouped with counts.
    kinds = [d.kind for d in defects]
    assert kinds == sorted(kinds, key=list(DefectKind).index)
    assert [(g.kind, g.count) for g in defects_grouped(defects)] == [
        (DefectKind.GOAL_WITHOUT_INDICATOR, 3),
        (DefectKind.INDICATOR_WITHOUT_TARGET, 1),
        (DefectKind.INDICATOR_WITHOUT_ACTUAL, 1),
        (DefectKind.MEASURE_WITHOUT_OWNER, 1),
        (DefectKind.MEASURE_WITHOUT_DUE_DATE, 1),
        (DefectKind.GOAL_WITHOUT_PRODUCT, 2),
        (DefectKind.PRODUCT_WITHOUT_GOAL, 2),
        (DefectKind.DUPLICATE_NUMBER, 2),
    ]
    messages = {(d.kind, d.obj.pk): d.message for d in defects}
    assert messages[(DefectKind.MEASURE_WITHOUT_OWNER, ownerless.pk)] == (
        f"Maßnahme „{ownerless.title}“ zu Operatives Ziel 1.3: keine verantwortliche Einheit"
    )
    assert messages[(DefectKind.INDICATOR_WITHOUT_TARGET, no_target.pk)] == (
        f"Kennzahl „{no_target.name}“ ({no_target.key}) zu Operatives Ziel 1.3: kein Zielwert"
    )
    assert messages[(DefectKind.PRODUCT_WITHOUT_GOAL, own_indicator.pk)] == (
        f"Produkt 611 „{own_indicator.name}“: keinem Ziel zugeordnet (nur eigene Kennzahlen)"
    )
    assert messages[(DefectKind.DUPLICATE_NUMBER, second.pk)] == (
        f"Operatives Ziel 1.5 „{second.title}“: Nummer doppelt (auch 1.5 „{first.title}“)"
    )
    assert defects[0].label == "Ziele ohne Kennzahl"


def test_superseded_goals_are_not_checked_and_link_nothing() -> None:
    body = BodyFactory()
    (sgoal,) = complete_catalog(body, 1)
    current = OperativeGoal.objects.get(body=body)
    # The old version of 1.1: no indicator, same number, and the only link of a product.
    old = OperativeGoalFactory(
        body=body, strategic_goal=sgoal, number="1.1", key="1.1-alt", superseded=True
    )
    MeasureFactory(body=body, operative_goal=old, owner=None, due_date=None)
    IndicatorFactory(body=body, operative_goal=old)
    product = ProductFactory(body=body)
    old.products.add(product)
    # The old version of strategic goal 1: nothing hangs on it, and it shares the number.
    StrategicGoalFactory(body=body, policy_field=sgoal.policy_field, number="1", superseded=True)
    assert found(body) == {(DefectKind.PRODUCT_WITHOUT_GOAL, type(product), product.pk)}
    # Once the goal in force takes the product over, the catalog is clean again.
    current.products.add(product)
    assert catalog_defects(body.pk) == []


def test_a_strategic_goal_counts_its_own_indicators_and_products() -> None:
    body = BodyFactory()
    sgoal = StrategicGoalFactory(body=body, number="1")
    measured_indicator(body=body, strategic_goal=sgoal)
    sgoal.products.add(ProductFactory(body=body))
    assert catalog_defects(body.pk) == []


def test_another_bodys_defects_are_not_listed() -> None:
    body = BodyFactory()
    complete_catalog(body, 2)
    other = BodyFactory()
    OperativeGoalFactory(body=other, number="1.1")
    ProductFactory(body=other)
    assert catalog_defects(body.pk) == []
    assert len(catalog_defects(other.pk)) == 5


def test_numbers_are_compared_without_blanks_trailing_dots_and_case() -> None:
    body = BodyFactory()
    field = PolicyFieldFactory(body=body)
    goals = [
        StrategicGoalFactory(body=body, policy_field=field, number="3"),
        StrategicGoalFactory(body=body, policy_field=field, number=" 3."),
        StrategicGoalFactory(body=body, policy_field=field, number="4a"),
        StrategicGoalFactory(body=body, policy_field=field, number="4 A"),
        StrategicGoalFactory(body=body, policy_field=field, number="5"),
    ]
    defects = duplicate_number_defects(goals)
    assert [d.obj for d in defects] == goals[:4]
    assert defects[0].message == (
        f"Strategisches Ziel 3 „{goals[0].title}“: Nummer doppelt (auch  3. „{goals[1].title}“)"
    )
    # In the check: the strategic goals of the body in force.
    assert {d.obj.pk for d in catalog_defects(body.pk) if d.kind == "duplicate_number"} == {
        g.pk for g in goals[:4]
    }


def test_long_titles_are_shortened_in_the_message() -> None:
    body = BodyFactory()
    goal = OperativeGoalFactory(body=body, number="1.1", title="Sehr langer Titel " * 10)
    (defect,) = [d for d in catalog_defects(body.pk) if d.obj == goal][:1]
    assert defect.message.startswith("Operatives Ziel 1.1 „Sehr langer Titel Sehr")
    assert "…“" in defect.message
    assert len(defect.message) < 120


def test_the_peine_catalog_lists_the_duplicate_8_1() -> None:
    catalog_import(acting_user=None, path=PEINE)
    body = Body.objects.get(key="landkreis-peine")
    defects = catalog_defects(body.pk)
    duplicates = [d for d in defects if d.kind == DefectKind.DUPLICATE_NUMBER]
    assert [(d.obj.number, d.obj.key) for d in duplicates] == [  # type: ignore[union-attr]
        ("8.1", "8.1"),
        ("8.1", "8.1 (2)"),
    ]
    assert duplicates[0].message.startswith("Operatives Ziel 8.1 „Aufbau von Präventionsketten")
    assert "Nummer doppelt (auch 8.1 „Intensivierung des Schutzauftrages" in (duplicates[0].message)
    # Peine's catalog names no products, and has two indicators with targets only.
    kinds = {g.kind: g.count for g in defects_grouped(defects)}
    assert kinds[DefectKind.GOAL_WITHOUT_PRODUCT] == 35
    assert kinds[DefectKind.INDICATOR_WITHOUT_ACTUAL] == 2
    assert DefectKind.INDICATOR_WITHOUT_TARGET not in kinds


@pytest.mark.parametrize("size", [2, 20])
def test_the_number_of_queries_does_not_depend_on_the_catalog(
    size: int, django_assert_num_queries
) -> None:
    body = BodyFactory()
    goals = complete_catalog(body, size)
    # Some defects of every kind, growing with the catalog.
    for sgoal in goals:
        goal = OperativeGoalFactory(body=body, strategic_goal=sgoal, number=f"{sgoal.number}.2")
        MeasureFactory(body=body, operative_goal=goal, owner=None, due_date=None)
        IndicatorFactory(body=body, operative_goal=goal)
        ProductFactory(body=body)
    with django_assert_num_queries(CHECK_QUERIES):
        defects = catalog_defects(body.pk)
        messages = [d.message for d in defects]
    assert len(messages) == 6 * size
