"""The consistency check of a body's goal hierarchy (Landkreis Börde's phase 2).

`catalog_defects` lists what is missing or doubled in the goals in force (not superseded):
goals without indicators, indicators without a target or without an actual value,
measures without owner or deadline, goals linked to no product, products linked to no
goal, and goal numbers used twice. Its number of queries does not depend on the
catalog's size. The rules are documented in docs/consistency.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planning_cycle.models import (
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    Product,
    Role,
    StrategicGoal,
    ValueKind,
)

TITLE_LIMIT = 60

Goal = StrategicGoal | OperativeGoal
CheckedObject = StrategicGoal | OperativeGoal | Measure | Indicator | Product


class DefectKind(models.TextChoices):
    """The kinds of defect, in the order the check lists them."""

    GOAL_WITHOUT_INDICATOR = "goal_without_indicator", gettext_lazy("Ziele ohne Kennzahl")
    INDICATOR_WITHOUT_TARGET = "indicator_without_target", gettext_lazy("Kennzahlen ohne Zielwert")
    INDICATOR_WITHOUT_ACTUAL = "indicator_without_actual", gettext_lazy("Kennzahlen ohne Istwert")
    MEASURE_WITHOUT_OWNER = "measure_without_owner", gettext_lazy("Maßnahmen ohne Verantwortliche")
    MEASURE_WITHOUT_DUE_DATE = "measure_without_due_date", gettext_lazy("Maßnahmen ohne Frist")
    GOAL_WITHOUT_PRODUCT = "goal_without_product", gettext_lazy("Ziele ohne Produkt")
    PRODUCT_WITHOUT_GOAL = "product_without_goal", gettext_lazy("Produkte ohne Ziel")
    DUPLICATE_NUMBER = "duplicate_number", gettext_lazy("Doppelte Nummern")


@dataclass(frozen=True)
class Defect:
    """One defect: its kind, the object it concerns and a German message naming the object."""

    kind: DefectKind
    obj: CheckedObject
    message: str

    @property
    def label(self) -> str:
        """The German label of the defect's kind."""
        return str(self.kind.label)


@dataclass(frozen=True)
class DefectGroup:
    """The defects of one kind."""

    kind: DefectKind
    defects: list[Defect]

    @property
    def label(self) -> str:
        """The German label of the kind."""
        return str(self.kind.label)

    @property
    def count(self) -> int:
        """The number of defects of the kind."""
        return len(self.defects)


# --- naming -------------------------------------------------------------------------------


def _short(text: str, limit: int = TITLE_LIMIT) -> str:
    """Return text on one line, cut to limit characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def goal_name(goal: Goal) -> str:
    """Name a goal with its level, number and (shortened) title."""
    values = {"number": goal.number, "title": _short(goal.title)}
    if isinstance(goal, StrategicGoal):
        return _("Strategisches Ziel %(number)s „%(title)s“") % values
    return _("Operatives Ziel %(number)s „%(title)s“") % values


def _goal_reference(goal: Goal) -> str:
    """Name a goal by its level and number only."""
    if isinstance(goal, StrategicGoal):
        return _("Strategisches Ziel %(number)s") % {"number": goal.number}
    return _("Operatives Ziel %(number)s") % {"number": goal.number}


def product_name(product: Product) -> str:
    """Name a product with its code and name."""
    return _("Produkt %(code)s „%(name)s“") % {"code": product.code, "name": _short(product.name)}


def indicator_name(indicator: Indicator) -> str:
    """Name an indicator with its name, key and the goal or product it measures."""
    if indicator.operative_goal is not None:
        subject = _goal_reference(indicator.operative_goal)
    elif indicator.strategic_goal is not None:
        subject = _goal_reference(indicator.strategic_goal)
    else:
        assert indicator.product is not None  # the table's check constraint: one subject
        subject = _("Produkt %(code)s") % {"code": indicator.product.code}
    return _("Kennzahl „%(name)s“ (%(key)s) zu %(subject)s") % {
        "name": _short(indicator.name),
        "key": indicator.key,
        "subject": subject,
    }


def measure_name(measure: Measure) -> str:
    """Name a measure with its title and its operative goal's number."""
    return _("Maßnahme „%(title)s“ zu %(goal)s") % {
        "title": _short(measure.title),
        "goal": _goal_reference(measure.operative_goal),
    }


# --- the queries (each a fixed number, whatever the catalog's size) -----------------------


def _strategic_goals(body_id: int) -> QuerySet[StrategicGoal]:
    """Return the body's strategic goals in force with what hangs on them and their goals."""
    operative_indicators = Indicator.objects.filter(
        operative_goal__strategic_goal=OuterRef("pk"), operative_goal__superseded=False
    )
    operative_products = OperativeGoal.products.through.objects.filter(
        operativegoal__strategic_goal=OuterRef("pk"), operativegoal__superseded=False
    )
    return (
        StrategicGoal.objects.filter(body_id=body_id, superseded=False)
        .annotate(
            has_indicator=Exists(Indicator.objects.filter(strategic_goal=OuterRef("pk"))),
            has_operative_indicator=Exists(operative_indicators),
            has_product=Exists(
                StrategicGoal.products.through.objects.filter(strategicgoal_id=OuterRef("pk"))
            ),
            has_operative_product=Exists(operative_products),
        )
        .order_by("policy_field__position", "policy_field__key", "position", "number", "pk")
    )


def _operative_goals(body_id: int) -> QuerySet[OperativeGoal]:
    """Return the body's operative goals in force, flagged for indicators and products."""
    return (
        OperativeGoal.objects.filter(body_id=body_id, superseded=False)
        .annotate(
            has_indicator=Exists(Indicator.objects.filter(operative_goal=OuterRef("pk"))),
            has_product=Exists(
                OperativeGoal.products.through.objects.filter(operativegoal_id=OuterRef("pk"))
            ),
        )
        .order_by(
            "strategic_goal__policy_field__position",
            "strategic_goal__policy_field__key",
            "strategic_goal__position",
            "strategic_goal__number",
            "position",
            "number",
            "pk",
        )
    )


def _measures(body_id: int) -> QuerySet[Measure]:
    """Return the measures of goals in force that lack an owner or a deadline."""
    return (
        Measure.objects.filter(body_id=body_id, operative_goal__superseded=False)
        .filter(Q(owner__isnull=True) | Q(due_date__isnull=True))
        .select_related("operative_goal")
        .order_by(
            "operative_goal__strategic_goal__policy_field__position",
            "operative_goal__strategic_goal__position",
            "operative_goal__position",
            "operative_goal__number",
            "position",
            "pk",
        )
    )


def _indicators(body_id: int) -> QuerySet[Indicator]:
    """Return the body's indicators of goals in force and of products."""
    return (
        Indicator.objects.filter(body_id=body_id)
        .filter(
            Q(strategic_goal__superseded=False)
            | Q(operative_goal__superseded=False)
            | Q(product__isnull=False)
        )
        .select_related("strategic_goal", "operative_goal", "product")
        .order_by("key", "pk")
    )


def _indicators_without_target(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Return those of the indicators that have no target.

    The one place that knows how targets are stored: a target is a value of kind target.
    """
    targets = IndicatorValue.objects.filter(indicator=OuterRef("pk"), kind=ValueKind.TARGET)
    return indicators.filter(~Exists(targets))


def _products_without_goal(body_id: int) -> QuerySet[Product]:
    """Return the body's products that no goal in force is linked to."""
    strategic = StrategicGoal.products.through.objects.filter(
        product_id=OuterRef("pk"), strategicgoal__superseded=False
    )
    operative = OperativeGoal.products.through.objects.filter(
        product_id=OuterRef("pk"), operativegoal__superseded=False
    )
    return (
        Product.objects.filter(body_id=body_id)
        .filter(~Exists(strategic), ~Exists(operative))
        .annotate(has_indicator=Exists(Indicator.objects.filter(product=OuterRef("pk"))))
        .order_by("code", "pk")
    )


# --- the rules ----------------------------------------------------------------------------


def _normalised_number(number: str) -> str:
    """Return a goal number as compared for doubles: no blanks, no trailing dot, any case."""
    return re.sub(r"\s+", "", number).rstrip(".").casefold()


def duplicate_number_defects(goals: Iterable[Goal]) -> list[Defect]:
    """Return a defect for every goal whose number another goal of the list uses too."""
    by_number: dict[str, list[Goal]] = defaultdict(list)
    ordered = list(goals)
    for goal in ordered:
        by_number[_normalised_number(goal.number)].append(goal)
    defects = []
    for goal in ordered:
        others = [g for g in by_number[_normalised_number(goal.number)] if g is not goal]
        if not others:
            continue
        also = "; ".join(f"{g.number} „{_short(g.title)}“" for g in others)
        defects.append(
            Defect(
                DefectKind.DUPLICATE_NUMBER,
                goal,
                _("%(goal)s: Nummer doppelt (auch %(others)s)")
                % {"goal": goal_name(goal), "others": also},
            )
        )
    return defects


def _goal_defects(strategic: list[StrategicGoal], operative: list[OperativeGoal]) -> list[Defect]:
    """Return the goals without indicator and those linked to no product."""
    without_indicator: list[Defect] = []
    without_product: list[Defect] = []
    for sgoal in strategic:
        # A strategic goal is measured and budgeted through its operative goals too.
        if not (sgoal.has_indicator or sgoal.has_operative_indicator):  # type: ignore[attr-defined]
            without_indicator.append(
                Defect(
                    DefectKind.GOAL_WITHOUT_INDICATOR,
                    sgoal,
                    _("%(goal)s: keine Kennzahl, auch nicht an seinen operativen Zielen")
                    % {"goal": goal_name(sgoal)},
                )
            )
        if not (sgoal.has_product or sgoal.has_operative_product):  # type: ignore[attr-defined]
            without_product.append(
                Defect(
                    DefectKind.GOAL_WITHOUT_PRODUCT,
                    sgoal,
                    _("%(goal)s: keinem Produkt zugeordnet, auch nicht über seine operativen Ziele")
                    % {"goal": goal_name(sgoal)},
                )
            )
    for ogoal in operative:
        if not ogoal.has_indicator:  # type: ignore[attr-defined]
            without_indicator.append(
                Defect(
                    DefectKind.GOAL_WITHOUT_INDICATOR,
                    ogoal,
                    _("%(goal)s: keine Kennzahl") % {"goal": goal_name(ogoal)},
                )
            )
        if not ogoal.has_product:  # type: ignore[attr-defined]
            without_product.append(
                Defect(
                    DefectKind.GOAL_WITHOUT_PRODUCT,
                    ogoal,
                    _("%(goal)s: keinem Produkt zugeordnet") % {"goal": goal_name(ogoal)},
                )
            )
    return without_indicator + without_product


def _indicator_defects(body_id: int) -> list[Defect]:
    """Return the indicators without a target and those without an actual value."""
    indicators = _indicators(body_id)
    without_target = set(_indicators_without_target(indicators).values_list("pk", flat=True))
    actuals = IndicatorValue.objects.filter(indicator=OuterRef("pk"), kind=ValueKind.ACTUAL)
    rows = list(indicators.annotate(has_actual=Exists(actuals)))
    return [
        Defect(
            DefectKind.INDICATOR_WITHOUT_TARGET,
            i,
            _("%(indicator)s: kein Zielwert") % {"indicator": indicator_name(i)},
        )
        for i in rows
        if i.pk in without_target
    ] + [
        Defect(
            DefectKind.INDICATOR_WITHOUT_ACTUAL,
            i,
            _("%(indicator)s: kein Istwert") % {"indicator": indicator_name(i)},
        )
        for i in rows
        if not i.has_actual  # type: ignore[attr-defined]
    ]


def _measure_defects(body_id: int) -> list[Defect]:
    """Return the measures without an owner and those without a deadline."""
    measures = list(_measures(body_id))
    return [
        Defect(
            DefectKind.MEASURE_WITHOUT_OWNER,
            m,
            _("%(measure)s: keine verantwortliche Einheit") % {"measure": measure_name(m)},
        )
        for m in measures
        if m.owner_id is None
    ] + [
        Defect(
            DefectKind.MEASURE_WITHOUT_DUE_DATE,
            m,
            _("%(measure)s: keine Frist") % {"measure": measure_name(m)},
        )
        for m in measures
        if m.due_date is None
    ]


def _product_defects(body_id: int) -> list[Defect]:
    """Return the products that no goal in force is linked to."""
    defects = []
    for product in _products_without_goal(body_id):
        if product.has_indicator:  # type: ignore[attr-defined]
            message = _("%(product)s: keinem Ziel zugeordnet (nur eigene Kennzahlen)")
        else:
            message = _("%(product)s: keinem Ziel zugeordnet")
        defects.append(
            Defect(
                DefectKind.PRODUCT_WITHOUT_GOAL,
                product,
                message % {"product": product_name(product)},
            )
        )
    return defects


def catalog_defects(body_id: int) -> list[Defect]:
    """Return the defects of the body's goal hierarchy, in the order of `DefectKind`.

    Six queries, whatever the size of the catalog.
    """
    strategic = list(_strategic_goals(body_id))
    operative = list(_operative_goals(body_id))
    defects = (
        _goal_defects(strategic, operative)
        + _indicator_defects(body_id)
        + _measure_defects(body_id)
        + _product_defects(body_id)
        + duplicate_number_defects(strategic)
        + duplicate_number_defects(operative)
    )
    order = {kind: index for index, kind in enumerate(DefectKind)}
    # A stable sort: within a kind, the objects keep the catalog's order.
    return sorted(defects, key=lambda d: order[d.kind])


def defects_grouped(defects: Iterable[Defect]) -> list[DefectGroup]:
    """Group defects by kind, in the order of `DefectKind`; kinds without defects are left out."""
    by_kind: dict[DefectKind, list[Defect]] = defaultdict(list)
    for defect in defects:
        by_kind[defect.kind].append(defect)
    return [DefectGroup(kind, by_kind[kind]) for kind in DefectKind if by_kind.get(kind)]


# Who reads the check: the strategy unit runs it, management may read it.
CHECK_ROLES = frozenset({Role.STRATEGY_UNIT.value, Role.MANAGEMENT.value})


def catalog_check_allowed(roles: frozenset[str]) -> bool:
    """Tell whether a user holding these roles may read the consistency check."""
    return bool(roles & CHECK_ROLES)
