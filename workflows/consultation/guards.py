"""The round's guard: it is weighed only when every current statement has its disposition."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import ngettext

from workflows.guards import listing

from .states import EvaluationState, StatementState


def round_all_disposed(round_: Any) -> str | None:
    """Name the released statements (current versions) still without a recorded disposition."""
    from .models import Statement

    missing = (
        Statement.objects.filter(round_id=round_.pk, state=StatementState.RELEASED)
        .filter(Q(superseded_by__isnull=True) | ~Q(superseded_by__state=StatementState.RELEASED))
        .exclude(evaluation__state=EvaluationState.RECORDED)
        .select_related("department", "organisation", "section", "evaluation__department")
        .order_by("id")
    )
    rows = list(missing)
    if not rows:
        return None
    places = []
    for s in rows:
        where = str(s.invitee)
        if s.section is not None:
            where += f" ({s.section.number})"
        evaluation = getattr(s, "evaluation", None)
        if evaluation is None:
            where += ": " + str(_not_assigned())
        elif evaluation.department is not None:
            where += f": {evaluation.department.code}"
        places.append(where)
    return ngettext(
        "%(n)d Stellungnahme ist noch nicht abgewogen: %(list)s",
        "%(n)d Stellungnahmen sind noch nicht abgewogen: %(list)s",
        len(rows),
    ) % {"n": len(rows), "list": listing(places)}


def _not_assigned() -> str:
    from django.utils.translation import gettext as _

    return _("niemandem zugewiesen")
