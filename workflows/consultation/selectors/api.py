"""Reads of the consultation API that cross models: the weighing table's rows.

Until the evaluation package's selector (`selectors.evaluation`) is on main, the API reads
the weighing table here, through the access gate: a row is a released statement (its
current version) the user may see, with its evaluation only where the user may see that.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from planning_cycle.models import User
from workflows.access import workflow_visible

from ..models import ConsultationRound, Evaluation, Invitation, Statement
from ..states import StatementState


def weighing_table_rows(
    *,
    user: User,
    round_: ConsultationRound,
    position: str = "",
    disposition: str = "",
    evaluator_id: int | None = None,
    section_id: int | None = None,
) -> QuerySet[Statement, Any]:
    """Return the weighing table of a round as the user may see it, filtered.

    Each statement carries `evaluation_shown`: whether its evaluation (if any) is visible
    to the user; the filters by disposition and evaluator only look at shown evaluations.
    """
    released = StatementState.RELEASED
    shown = workflow_visible(Evaluation, user=user).filter(statement_id=OuterRef("pk"))
    rows = (
        workflow_visible(Statement, user=user)
        .filter(round_id=round_.pk, state=released)
        # A corrected statement is weighed in its current (latest released) version.
        .filter(Q(superseded_by__isnull=True) | ~Q(superseded_by__state=released))
        .annotate(evaluation_shown=Exists(shown))
        .select_related("evaluation", "evaluation__department")
        .prefetch_related(
            Prefetch(
                "co_signers",
                queryset=Invitation.objects.select_related("department", "organisation").order_by(
                    "id"
                ),
            )
        )
    )
    if position:
        rows = rows.filter(position=position)
    if section_id is not None:
        rows = rows.filter(section_id=section_id)
    if disposition:
        rows = rows.filter(evaluation_shown=True, evaluation__disposition=disposition)
    if evaluator_id is not None:
        rows = rows.filter(evaluation_shown=True, evaluation__department_id=evaluator_id)
    return rows
