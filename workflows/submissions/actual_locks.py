"""Actuals locked by an accepted goal review, found for many indicators and years at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.utils.translation import gettext as _

from planning_cycle.models import Body, Indicator, OperativeGoal, Product
from planning_cycle.services.actual_locks import YearSlot
from workflows.models import DepartmentReview, ReviewState


def _departments(indicators: Sequence[Indicator]) -> dict[int, set[int]]:
    """Return each indicator's departments (its goal's and its product's) in two queries."""
    goal_ids = {i.operative_goal_id for i in indicators if i.operative_goal_id is not None}
    product_ids = {i.product_id for i in indicators if i.product_id is not None}
    of_goal: dict[int, set[int]] = defaultdict(set)
    if goal_ids:
        through = OperativeGoal.departments.through.objects.filter(operativegoal_id__in=goal_ids)
        for goal_id, department_id in through.values_list("operativegoal_id", "department_id"):
            of_goal[goal_id].add(department_id)
    of_product: dict[int, int] = {}
    if product_ids:
        of_product = dict(
            Product.objects.filter(pk__in=product_ids, department__isnull=False).values_list(
                "pk", "department_id"
            )
        )
    result: dict[int, set[int]] = {}
    for indicator in indicators:
        departments = set(of_goal.get(indicator.operative_goal_id or 0, ()))
        if indicator.product_id in of_product:
            departments.add(of_product[indicator.product_id])
        result[indicator.pk] = departments
    return result


def review_locks(
    body: Body, slots: Sequence[tuple[Indicator, int]], lock: bool
) -> dict[YearSlot, str]:
    """Return the slots whose year a department's accepted review reports, with the reason.

    An actual of year Y is locked once the review of cycle Y + 1 of one of the indicator's
    departments is accepted (as `indicator_actual_correct` decides). Three queries at most;
    with `lock`, the reviews read are row-locked so none is accepted meanwhile.
    """
    departments = _departments([indicator for indicator, _year in slots])
    wanted = set().union(*departments.values()) if departments else set()
    if not wanted:
        return {}
    reviews = DepartmentReview.objects.filter(
        body_id=body.pk,
        cycle__year__in={year + 1 for _indicator, year in slots},
        department_id__in=wanted,
    ).select_related("cycle", "department")
    if lock:
        reviews = reviews.select_for_update(of=("self",))
    accepted = {
        (review.department_id, review.cycle.year - 1): review
        for review in reviews.order_by("department__code")
        if review.state == ReviewState.ACCEPTED
    }
    reasons: dict[YearSlot, str] = {}
    for indicator, year in slots:
        found = [accepted[(d, year)] for d in departments[indicator.pk] if (d, year) in accepted]
        if not found:
            continue
        review = min(found, key=lambda r: r.department.code)
        reasons[(indicator.pk, year)] = _(
            "die Zielbilanzierung des Fachdienstes %(department)s im Planungszyklus "
            "%(cycle)d angenommen ist; Korrekturen über die Istwert-Korrektur mit "
            "Begründung durch die Strategische Steuerung oder die Verwaltungsleitung"
        ) % {"department": review.department.code, "cycle": review.cycle.year}
    return reasons
