"""Guards that decide whether the cycle may leave a phase; management may override them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planning_cycle.models import PlanningCycle

from .models import AgreementState, DepartmentPlan, DepartmentReview, GoalAgreement, PlanState
from .models import ReviewState as RS

# A guard returns None when the cycle may move on, else the reason in the user's language.
Guard = Callable[[PlanningCycle], str | None]

LISTED = 10


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:LISTED])
    return shown + (" …" if len(items) > LISTED else "")


def _missing_departments(rows: Iterable[tuple[str, str]], done: str, what: str) -> str | None:
    rows = list(rows)
    missing = [code for code, state in rows if state != done]
    if not missing:
        return None
    return ngettext(
        "%(what)s kann nicht abgeschlossen werden: %(n)d von %(total)d Fachdiensten fehlt: "
        "%(list)s",
        "%(what)s kann nicht abgeschlossen werden: %(n)d von %(total)d Fachdiensten fehlen: "
        "%(list)s",
        len(missing),
    ) % {"what": what, "n": len(missing), "total": len(rows), "list": _listing(missing)}


def all_reviews_accepted(cycle: PlanningCycle) -> str | None:
    """Require every department's goal review to be accepted."""
    rows = DepartmentReview.objects.filter(cycle=cycle).order_by("department__code")
    return _missing_departments(
        rows.values_list("department__code", "state"), RS.ACCEPTED, _("Zielbilanzierung")
    )


def all_plans_approved(cycle: PlanningCycle) -> str | None:
    """Require every department's plan to be approved."""
    rows = DepartmentPlan.objects.filter(cycle=cycle).order_by("department__code")
    return _missing_departments(
        rows.values_list("department__code", "state"),
        PlanState.APPROVED,
        _("Ziel- und Haushaltsplanung"),
    )


def _agreements_in(cycle: PlanningCycle, states: Iterable[str], message: str) -> str | None:
    rows = list(
        GoalAgreement.objects.filter(cycle=cycle, state__in=list(states))
        .order_by("operative_goal__position", "department__code")
        .values_list("operative_goal__number", "department__code")
    )
    if not rows:
        return None
    return message % {
        "n": len(rows),
        "list": _listing([f"{number} ({code})" for number, code in rows]),
    }


def all_proposals_approved(cycle: PlanningCycle) -> str | None:
    """Require every goal proposal to be submitted and approved by management."""
    return _agreements_in(
        cycle,
        (AgreementState.PROPOSED, AgreementState.RETURNED, AgreementState.SUBMITTED),
        _(
            "Vorbereitung der Strategieklausur kann nicht abgeschlossen werden: "
            "%(n)d Zielvorschläge sind noch nicht gebilligt: %(list)s"
        ),
    )


def all_proposals_prioritised(cycle: PlanningCycle) -> str | None:
    """Require the retreat to have decided on every approved proposal."""
    return _agreements_in(
        cycle,
        (AgreementState.APPROVED,),
        _(
            "Strategieklausur kann nicht abgeschlossen werden: "
            "über %(n)d Zielvorschläge ist noch nicht entschieden: %(list)s"
        ),
    )


def all_priorities_resolved(cycle: PlanningCycle) -> str | None:
    """Require the council to have resolved every adopted goal."""
    return _agreements_in(
        cycle,
        (AgreementState.ADOPTED, AgreementState.CHANGED),
        _(
            "Beratung und Beschluss kann nicht abgeschlossen werden: "
            "%(n)d Ziele sind noch nicht beschlossen: %(list)s"
        ),
    )


GUARDS: dict[str, Guard] = {
    "all_reviews_accepted": all_reviews_accepted,
    "all_plans_approved": all_plans_approved,
    "all_proposals_approved": all_proposals_approved,
    "all_proposals_prioritised": all_proposals_prioritised,
    "all_priorities_resolved": all_priorities_resolved,
}
