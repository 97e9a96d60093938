"""The cycle's guards about goal agreements: proposals approved, prioritised, resolved."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from planning_cycle.models import PlanningCycle
from workflows.guards import listing
from workflows.models import AgreementState, GoalAgreement


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
        "list": listing([f"{number} ({code})" for number, code in rows]),
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
