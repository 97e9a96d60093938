"""Open, close and extend the deadlines of tasks, inside the transactions that change them.

Which task an object in a state stands for is declared once in TASKS; the transition
service calls `deadlines_follow_transition` in its transaction, and the services that
create workflow objects (cycle creation, proposing or carrying over an agreement) call
`deadlines_open_for`.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import Phase, PhaseDeadline, PlanningCycle, User
from workflows.models import (
    AgreementState,
    DepartmentPlan,
    DepartmentReview,
    GoalAgreement,
    PlanState,
    ReviewState,
    TransitionLog,
)
from workflows.permissions import permission_checker, user_may

from ..models import (
    Audience,
    Deadline,
    DeadlineExtension,
    DeadlineState,
    ReminderPolicy,
    TaskKind,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

EXTEND_PERMISSION = "planning_cycle.deadline_extend"
MAX_REASON_LENGTH = 2_000
# A planning cycle spans little more than a year; a date far beyond is a typing error.
MAX_EXTENSION = dt.timedelta(days=3 * 365)


class DeadlineError(Exception):
    """A deadline could not be changed; the message tells the user why."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DeadlineNotPermitted(DeadlineError):
    status = 403


@dataclass(frozen=True)
class TaskSpec:
    """The task an object stands for in a state: who does it and what sets its due date."""

    kind: TaskKind
    audience: Audience
    url_name: str
    # Due at the end of this phase's calendar date, or (None) decision_days after opening.
    phase: Phase | None


_SUBMIT_REVIEW = TaskSpec(
    TaskKind.REVIEW_SUBMIT, Audience.DEPARTMENT, "review_detail", Phase.GOAL_REVIEW
)
_DECIDE_REVIEW = TaskSpec(TaskKind.REVIEW_DECIDE, Audience.MANAGEMENT, "review_detail", None)
_SUBMIT_PLAN = TaskSpec(TaskKind.PLAN_SUBMIT, Audience.DEPARTMENT, "plan_detail", Phase.PLANNING)
_DECIDE_PLAN = TaskSpec(TaskKind.PLAN_DECIDE, Audience.MANAGEMENT, "plan_detail", None)
# Agreements feed the strategy retreat: they are due when its preparation ends.
_SUBMIT_AGREEMENT = TaskSpec(
    TaskKind.AGREEMENT_SUBMIT, Audience.DEPARTMENT, "agreement_detail", Phase.RETREAT_PREPARATION
)
_DECIDE_AGREEMENT = TaskSpec(
    TaskKind.AGREEMENT_DECIDE, Audience.MANAGEMENT, "agreement_detail", None
)

TASKS: dict[tuple[type[models.Model], str], TaskSpec] = {
    (DepartmentReview, ReviewState.DRAFT): _SUBMIT_REVIEW,
    (DepartmentReview, ReviewState.RETURNED): _SUBMIT_REVIEW,
    (DepartmentReview, ReviewState.SUBMITTED): _DECIDE_REVIEW,
    (DepartmentPlan, PlanState.DRAFT): _SUBMIT_PLAN,
    (DepartmentPlan, PlanState.RETURNED): _SUBMIT_PLAN,
    (DepartmentPlan, PlanState.SUBMITTED): _DECIDE_PLAN,
    (GoalAgreement, AgreementState.PROPOSED): _SUBMIT_AGREEMENT,
    (GoalAgreement, AgreementState.RETURNED): _SUBMIT_AGREEMENT,
    (GoalAgreement, AgreementState.SUBMITTED): _DECIDE_AGREEMENT,
}
TaskObject = DepartmentReview | DepartmentPlan | GoalAgreement


@dataclass(frozen=True)
class TaskWording:
    """A department task that one role finishes and others prepare: each reads their part."""

    # Who holds it does the task (the TaskKind label says what: "… einreichen").
    permission: str
    # Who holds only this prepares it, and reads `prepare_label`.
    prepare_permission: str
    prepare_label: StrPromise


# A department's editors are responsible for its submissions too, but only its head may
# submit: a task must name only what its reader may do (a clerk prepares, the head submits).
TASK_WORDING: dict[str, TaskWording] = {
    TaskKind.REVIEW_SUBMIT: TaskWording(
        "planning_cycle.review_submit",
        "planning_cycle.review_edit",
        gettext_lazy("Zielbilanzierung vorbereiten (Einreichen durch die Fachdienstleitung)"),
    ),
    TaskKind.PLAN_SUBMIT: TaskWording(
        "planning_cycle.plan_submit",
        "planning_cycle.plan_edit",
        gettext_lazy(
            "Ziel- und Haushaltsplanung vorbereiten (Einreichen durch die Fachdienstleitung)"
        ),
    ),
    TaskKind.AGREEMENT_SUBMIT: TaskWording(
        "planning_cycle.agreement_submit",
        "planning_cycle.agreement_edit",
        gettext_lazy("Zielvereinbarung vorbereiten (Einreichen durch die Fachdienstleitung)"),
    ),
}
# The tasks that can be done only while the cycle is in a phase (transition conditions).
PHASE_BOUND_TASKS: dict[str, tuple[TaskKind, ...]] = {
    Phase.GOAL_REVIEW: (TaskKind.REVIEW_SUBMIT, TaskKind.REVIEW_DECIDE),
    Phase.PLANNING: (TaskKind.PLAN_SUBMIT, TaskKind.PLAN_DECIDE),
}


def end_of_day(day: dt.date) -> dt.datetime:
    """Return the last minute of a local calendar day: a task due on a date is due by its end."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=tz)


def _content_type_id(model: type[models.Model]) -> int:
    # ContentType's manager caches this per database: no query after the first call.
    return ContentType.objects.get_for_model(model).pk


def _state_of(obj: models.Model) -> str:
    return str(obj.state)  # type: ignore[attr-defined]


def _decision_days(body_id: int) -> int:
    days = ReminderPolicy.objects.filter(body_id=body_id).values_list("decision_days", flat=True)
    found = list(days)
    return found[0] if found else ReminderPolicy._meta.get_field("decision_days").default  # type: ignore[return-value]


def deadlines_open_for(
    objects: Sequence[TaskObject], *, now: dt.datetime | None = None
) -> list[Deadline]:
    """Open the deadline of the task each object stands for in its current state (bulk)."""
    now = now or timezone.now()
    specs = [(obj, TASKS.get((type(obj), _state_of(obj)))) for obj in objects]
    wanted = [(obj, spec) for obj, spec in specs if spec is not None]
    if not wanted:
        return []
    phase_dates: dict[tuple[int, str], dt.date] = {}
    phases = {spec.phase for _obj, spec in wanted if spec.phase is not None}
    if phases:
        cycles = {obj.cycle_id for obj, _spec in wanted}
        phase_dates = {
            (cycle_id, phase): due
            for cycle_id, phase, due in PhaseDeadline.objects.filter(
                cycle_id__in=cycles, phase__in=phases
            ).values_list("cycle_id", "phase", "due_date")
        }
    decision_days: dict[int, int] = {}
    rows = []
    for obj, spec in wanted:
        if spec.phase is not None:
            due_date = phase_dates.get((obj.cycle_id, spec.phase))
            if due_date is None:  # a cycle without this phase's date has no such deadline
                continue
        else:
            if obj.body_id not in decision_days:
                decision_days[obj.body_id] = _decision_days(obj.body_id)
            due_date = timezone.localdate(now) + dt.timedelta(days=decision_days[obj.body_id])
        rows.append(
            Deadline(
                body_id=obj.body_id,
                cycle_id=obj.cycle_id,
                department_id=obj.department_id,
                kind=spec.kind,
                audience=spec.audience,
                content_type_id=_content_type_id(type(obj)),
                object_id=obj.pk,
                url_path=reverse(spec.url_name, args=[obj.pk]),
                due_at=end_of_day(due_date),
                opened_at=now,
                # The next sweep computes the reminder schedule.
                next_check_at=now,
            )
        )
    return Deadline.objects.bulk_create(rows)


def deadlines_open_missing(queryset: models.QuerySet[Any]) -> list[Deadline]:
    """Open deadlines for the objects of a queryset that have no open deadline."""
    open_deadline = Deadline.objects.filter(
        content_type_id=_content_type_id(queryset.model),
        object_id=OuterRef("pk"),
        state=DeadlineState.OPEN,
    )
    return deadlines_open_for(list(queryset.exclude(Exists(open_deadline))))


def _close_open(
    queryset: models.QuerySet[Deadline], *, state: DeadlineState, now: dt.datetime
) -> int:
    return queryset.filter(state=DeadlineState.OPEN).update(
        state=state, closed_at=now, next_check_at=None
    )


@functools.cache
def _close_sql() -> str:
    table = Deadline._meta.db_table
    return (
        f"UPDATE {table} SET state = %s, closed_at = %s, next_check_at = NULL "  # noqa: S608
        "WHERE content_type_id = %s AND object_id = %s AND state = 'open'"
    )


def deadlines_close_statement(
    obj: models.Model, transition: str, at: dt.datetime
) -> tuple[str, list[Any]] | None:
    """Return the statement closing the object's open task (a transition record companion).

    The transition service runs it with the history and outbox rows: on PostgreSQL in the
    same statement, so that following the task costs no extra round trip.
    """
    if not isinstance(obj, DepartmentReview | DepartmentPlan | GoalAgreement):
        return None
    state = DeadlineState.CANCELLED if transition == "withdraw" else DeadlineState.DONE
    return _close_sql(), [str(state), at, _content_type_id(type(obj)), obj.pk]


def deadlines_follow_transition(obj: models.Model, acting_user: User, log: TransitionLog) -> None:
    """Open the task the object entered (transition listener; the companion closed the old)."""
    now = log.created_at
    if isinstance(obj, PlanningCycle):
        of_cycle = Deadline.objects.filter(cycle_id=obj.pk)
        if obj.phase == Phase.CLOSED:
            # Whatever is still open ends with its cycle (agreements carry over anew).
            _close_open(of_cycle, state=DeadlineState.CANCELLED, now=now)
        elif log.source_state in PHASE_BOUND_TASKS:
            # Reviews and plans can only move in their phase: once management has closed
            # it (with a recorded reason if some were missing), nobody is chased for them.
            kinds = PHASE_BOUND_TASKS[log.source_state]
            _close_open(of_cycle.filter(kind__in=kinds), state=DeadlineState.CANCELLED, now=now)
        return
    if isinstance(obj, DepartmentReview | DepartmentPlan | GoalAgreement):
        deadlines_open_for([obj], now=now)


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DeadlineError(_("Bitte begründen Sie die Fristverlängerung."))
    if len(reason) > MAX_REASON_LENGTH:
        raise DeadlineError(
            _("Die Begründung ist zu lang: höchstens %(limit)s Zeichen, eingegeben %(length)s.")
            % {"limit": MAX_REASON_LENGTH, "length": len(reason)}
        )
    if "\x00" in reason:
        raise DeadlineError(_("Die Begründung enthält ein unzulässiges Steuerzeichen."))
    return reason


def deadline_extend(
    *,
    acting_user: User,
    deadline: Deadline,
    new_due_at: dt.datetime,
    reason: str,
    checker: ObjectPermissionChecker | None = None,
) -> DeadlineExtension:
    """Move an open deadline later, recorded with its reason; reminders start anew."""
    checker = checker or permission_checker(acting_user)
    if not user_may(checker, acting_user, EXTEND_PERMISSION, deadline):
        raise DeadlineNotPermitted(_("Sie dürfen diese Frist nicht verlängern."))
    reason = _check_reason(reason)
    if timezone.is_naive(new_due_at):
        raise ValueError("new_due_at must be timezone-aware")
    now = timezone.now()
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if not locked.is_open:
            raise DeadlineError(
                _("Die Frist ist bereits %(state)s und kann nicht mehr verlängert werden.")
                % {"state": locked.get_state_display()}
            )
        if new_due_at <= locked.due_at:
            raise DeadlineError(
                _("Die neue Frist muss nach der bisherigen liegen (%(due)s).")
                % {"due": date_format(timezone.localtime(locked.due_at), "SHORT_DATE_FORMAT")}
            )
        if new_due_at <= now:
            raise DeadlineError(_("Die neue Frist muss in der Zukunft liegen."))
        if new_due_at > now + MAX_EXTENSION:
            raise DeadlineError(
                _("Eine Frist kann höchstens drei Jahre in die Zukunft verlängert werden.")
            )
        extension = DeadlineExtension.objects.create(
            body_id=locked.body_id,
            deadline=locked,
            previous_due_at=locked.due_at,
            new_due_at=new_due_at,
            reason=reason,
            actor=acting_user,
            created_at=now,
        )
        locked.due_at = new_due_at
        # Reminders are keyed by the due time: the new one gets its own, starting now.
        locked.last_slot_at = None
        locked.next_check_at = now
        locked.save(update_fields=["due_at", "last_slot_at", "next_check_at"])
    deadline.due_at, deadline.last_slot_at = locked.due_at, None
    deadline.next_check_at = locked.next_check_at
    return extension


def deadlines_of(objects: Iterable[models.Model]) -> models.QuerySet[Deadline]:
    """Return the deadlines of the given workflow objects (any state)."""
    by_type: dict[int, list[int]] = {}
    for obj in objects:
        by_type.setdefault(_content_type_id(type(obj)), []).append(obj.pk)
    condition = models.Q(pk__in=[])
    for ct, pks in by_type.items():
        condition |= models.Q(content_type_id=ct, object_id__in=pks)
    return Deadline.objects.filter(condition)
