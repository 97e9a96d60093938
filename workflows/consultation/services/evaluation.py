"""Write services of the evaluation (Abwägung): assign statements, weigh, record, reopen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import Department, User
from workflows.registry import workflow_objects_created
from workflows.services.content import ContentError, content_update, may_edit
from workflows.services.transitions import TransitionResult, transition_fire

from ..models import ConsultationRound, Evaluation, Statement
from ..selectors.evaluation import MANAGE, statements_current
from ..states import Disposition, EvaluationState, RoundState

WEIGHING_STATES = (RoundState.OPEN, RoundState.CLOSED)


class EvaluationError(Exception):
    """An evaluation change was refused; the message tells the user why, `field` where."""

    def __init__(self, message: str, field: str | None = None, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def _names(statements: Iterable[Statement]) -> str:
    return ", ".join(
        f"{s.invitee}" + (f" ({s.section.number})" if s.section_id and s.section else "")
        for s in statements
    )


def _round_weighable(round_: ConsultationRound) -> None:
    if round_.state not in WEIGHING_STATES:
        raise EvaluationError(
            _("Das Beteiligungsverfahren ist %(state)s; die Abwägung ist nicht mehr änderbar.")
            % {"state": RoundState(round_.state).label},
            status=409,
        )


def evaluation_assign(
    *,
    acting_user: User,
    round_: ConsultationRound,
    statement_ids: Iterable[int],
    department: Department | None,
    checker: ObjectPermissionChecker | None = None,
) -> list[Evaluation]:
    """Assign released, current statements to an evaluating department (None: ourselves).

    Several statements at once; one already assigned but not yet weighed is reassigned.
    The database allows one evaluation per statement: an assignment made meanwhile by
    someone else is refused with a message, nothing is half-written.
    """
    checker = checker or ObjectPermissionChecker(acting_user)
    if not user_may(checker, acting_user, MANAGE, round_):
        raise EvaluationError(
            _("Sie dürfen in diesem Beteiligungsverfahren keine Abwägung zuweisen."), status=403
        )
    if department is not None and department.body_id != round_.body_id:
        raise EvaluationError(
            _("Die Organisationseinheit gehört nicht zu dieser Kommune."), "department"
        )
    ids = list(dict.fromkeys(int(i) for i in statement_ids))
    if not ids:
        raise EvaluationError(
            _("Bitte wählen Sie mindestens eine Stellungnahme aus."), "statements"
        )
    try:
        with transaction.atomic():
            return _assign(acting_user, round_, ids, department)
    except IntegrityError as exc:
        if "evaluation" not in str(exc).lower():
            raise
        raise EvaluationError(
            _(
                "Zu einer der gewählten Stellungnahmen wurde inzwischen eine Abwägung angelegt "
                "(je Stellungnahme gibt es genau eine). Es wurde nichts zugewiesen; bitte laden "
                "Sie die Seite neu."
            ),
            status=409,
        ) from exc


def _assign(
    acting_user: User, round_: ConsultationRound, ids: list[int], department: Department | None
) -> list[Evaluation]:
    # Serialise with the round's transitions (closing, evaluating, concluding).
    locked = ConsultationRound.objects.select_for_update(of=("self",)).get(pk=round_.pk)
    _round_weighable(locked)
    found = {
        s.pk: s
        for s in Statement.objects.filter(round_id=locked.pk, pk__in=ids).select_related(
            "department", "organisation", "section"
        )
    }
    if len(found) != len(ids):
        raise EvaluationError(
            _("Mindestens eine der gewählten Stellungnahmen gehört nicht zu diesem Verfahren."),
            "statements",
        )
    current = set(statements_current(locked.pk).filter(pk__in=ids).values_list("pk", flat=True))
    stale = [found[i] for i in ids if i not in current]
    if stale:
        raise EvaluationError(
            _(
                "Nur freigegebene Stellungnahmen in ihrer aktuellen Fassung können abgewogen "
                "werden: %(list)s"
            )
            % {"list": _names(stale)},
            "statements",
        )
    existing = {
        e.statement_id: e
        for e in Evaluation.objects.select_for_update(of=("self",)).filter(statement_id__in=ids)
    }
    recorded = [
        found[e.statement_id] for e in existing.values() if e.state != EvaluationState.ASSIGNED
    ]
    if recorded:
        raise EvaluationError(
            _(
                "Bereits abgewogen und daher nicht neu zuzuweisen: %(list)s. Öffnen Sie die "
                "Abwägung zuerst erneut."
            )
            % {"list": _names(recorded)},
            "statements",
        )
    department_id = department.pk if department is not None else None
    moved = [e for e in existing.values() if e.department_id != department_id]
    if moved:
        Evaluation.objects.filter(pk__in=[e.pk for e in moved]).update(
            department_id=department_id, assigned_by=acting_user, updated_at=timezone.now()
        )
        for e in moved:
            e.department_id = department_id
    created = Evaluation.objects.bulk_create(
        [
            Evaluation(
                body_id=locked.body_id,
                round=locked,
                statement_id=i,
                department=department,
                assigned_by=acting_user,
            )
            for i in ids
            if i not in existing
        ]
    )
    # The evaluating department's deadline opens for each new evaluation; what the strategy
    # unit weighs itself is its own work, on the conflict list, not a department's task.
    workflow_objects_created([e for e in created if e.department_id is not None])
    return [*created, *existing.values()]


def evaluation_update(
    *,
    acting_user: User,
    evaluation: Evaluation,
    disposition: str,
    reason: str,
    expected_updated_at: dt.datetime | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> Evaluation:
    """Write the disposition and its reason while the evaluation is assigned."""
    checker = checker or ObjectPermissionChecker(acting_user)
    # Permission first: a refused user learns nothing about the evaluation.
    if not may_edit(acting_user, checker, evaluation):
        raise EvaluationError(_("Sie dürfen diese Abwägung nicht bearbeiten."), status=403)
    if disposition and disposition not in Disposition.values:
        raise EvaluationError(
            _("Bitte wählen Sie eines der angebotenen Abwägungsergebnisse."), "disposition"
        )
    _round_weighable(evaluation.round)
    try:
        result = content_update(
            acting_user=acting_user,
            obj=evaluation,
            values={"disposition": disposition, "reason": reason},
            expected_updated_at=expected_updated_at,
            checker=checker,
        )
    except ContentError as exc:
        raise EvaluationError(exc.message, exc.field, status=exc.status) from exc
    assert isinstance(result, Evaluation)
    return result


def evaluation_record(
    *,
    acting_user: User,
    evaluation: Evaluation,
    disposition: str | None = None,
    reason: str | None = None,
    comment: str = "",
    expected_updated_at: dt.datetime | None = None,
    expected_state: str | None = EvaluationState.ASSIGNED,
    checker: ObjectPermissionChecker | None = None,
) -> TransitionResult:
    """Record the disposition (fire "record"); with values, save them first, both or neither."""
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        if disposition is not None or reason is not None:
            evaluation = evaluation_update(
                acting_user=acting_user,
                evaluation=evaluation,
                disposition=evaluation.disposition if disposition is None else disposition,
                reason=evaluation.reason if reason is None else reason,
                expected_updated_at=expected_updated_at,
                checker=checker,
            )
        return transition_fire(
            acting_user=acting_user,
            obj=evaluation,
            transition="record",
            comment=comment,
            expected_state=expected_state,
            checker=checker,
        )


def evaluation_reopen(
    *,
    acting_user: User,
    evaluation: Evaluation,
    reason: str,
    expected_state: str | None = EvaluationState.RECORDED,
    checker: ObjectPermissionChecker | None = None,
) -> TransitionResult:
    """Open a recorded disposition for rework (fire "reopen"); the reason is required."""
    return transition_fire(
        acting_user=acting_user,
        obj=evaluation,
        transition="reopen",
        comment=reason,
        expected_state=expected_state,
        checker=checker,
    )
