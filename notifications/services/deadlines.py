"""Open, close and extend the deadlines of tasks, inside the transactions that change them.

Which task an object in a state stands for is declared with its workflow (the registry's
`Task`); the deadlines follow every transition in its transaction (`deadlines_follow_transition`,
registered with `on_transition`), and open for the objects that services create (cycle
creation, proposing or carrying over an agreement: `deadlines_open_for`, registered
with `on_created`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import permission_checker, user_may
from planning_cycle.models import PHASE_ORDER, Phase, PhaseDeadline, PlanningCycle, User
from planning_cycle.text import TextRefused, text_clean
from workflows.models import TransitionLog
from workflows.registry import Task, is_workflow, state_of, tasks, workflow_of

from ..models import (
    Audience,
    Deadline,
    DeadlineExtension,
    DeadlineState,
    ReminderPolicy,
)

if TYPE_CHECKING:
    pass

EXTEND_PERMISSION = "planning_cycle.deadline_extend"
# Transitions after which the task they leave was not done but dropped.
CANCELLING = frozenset({"withdraw", "unschedule"})
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


def _phase_bound_kinds(phase: str) -> tuple[str, ...]:
    """Return the kinds of task that can be done only while the cycle is in `phase`."""
    return tuple(task.kind for _workflow, task in tasks() if task.phase_bound == phase)


def end_of_day(day: dt.date) -> dt.datetime:
    """Return the last minute of a local calendar day: a task due on a date is due by its end."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=tz)


def _content_type_id(model: type[models.Model]) -> int:
    # ContentType's manager caches this per database: no query after the first call.
    return ContentType.objects.get_for_model(model).pk


def _decision_days(body_id: int) -> int:
    days = ReminderPolicy.objects.filter(body_id=body_id).values_list("decision_days", flat=True)
    found = list(days)
    return found[0] if found else ReminderPolicy._meta.get_field("decision_days").default  # type: ignore[return-value]


def _task_of(obj: models.Model) -> Task | None:
    if not is_workflow(obj):
        return None
    return workflow_of(obj).task_for(state_of(obj))


def _due_dates(wanted: list[tuple[Any, Task]]) -> dict[tuple[str, int], dt.date]:
    """Return the due dates of the tasks that declare a `due` hook: one call per task kind."""
    by_kind: dict[str, tuple[Task, list[Any]]] = {}
    for obj, spec in wanted:
        if spec.due:
            by_kind.setdefault(spec.kind, (spec, []))[1].append(obj)
    dates: dict[tuple[str, int], dt.date] = {}
    for kind, (spec, objs) in by_kind.items():
        due_dates = import_string(spec.due)
        dates.update({(kind, pk): day for pk, day in due_dates(objs).items() if day is not None})
    return dates


def deadlines_open_for(
    objects: Sequence[Any], *, now: dt.datetime | None = None, returning: bool = True
) -> list[Deadline]:
    """Open the deadline of the task each object stands for in its current state (bulk).

    The due date comes from the task's `due` hook when it declares one (objects it gives
    no date have no deadline), else from the cycle's phase date, else the body's decision
    period. The responsible are the object's department or organisation (audience
    "department"/"invitee"), its committee's secretaries (audience "committee") or
    management; an object naming none for a task that needs one gets no deadline (e.g. an
    evaluation the strategy unit does itself).
    """
    now = now or timezone.now()
    specs = [(obj, _task_of(obj)) for obj in objects]
    wanted = [(obj, spec) for obj, spec in specs if spec is not None]
    if not wanted:
        return []
    due_dates = _due_dates(wanted)
    phase_dates: dict[tuple[int, str], dt.date] = {}
    phases = {spec.phase for _obj, spec in wanted if spec.phase is not None and not spec.due}
    if phases:
        cycles = {obj.cycle_id for obj, _spec in wanted}
        phase_dates = _phase_dates(cycles, phases)
    decision_days: dict[int, int] = {}
    paths: dict[type[models.Model], tuple[str, str] | None] = {}
    rows = []
    for obj, spec in wanted:
        department_id = getattr(obj, "department_id", None)
        organisation_id = getattr(obj, "organisation_id", None)
        committee_id = (
            getattr(obj, "committee_id", None) if spec.audience == Audience.COMMITTEE else None
        )
        if (
            spec.audience != Audience.MANAGEMENT
            and department_id is None
            and not organisation_id
            and committee_id is None
        ):
            continue  # nobody of a department, organisation or committee answers for it
        if spec.due:
            due_date = due_dates.get((spec.kind, obj.pk))
            if due_date is None:  # the hook knows no date for it: no deadline
                continue
        elif spec.phase is not None:
            due_date = phase_dates.get((obj.cycle_id, spec.phase))
            if due_date is None:  # a cycle without this phase's date has no such deadline
                continue
        else:
            if obj.body_id not in decision_days:
                decision_days[obj.body_id] = _decision_days(obj.body_id)
            due_date = timezone.localdate(now) + dt.timedelta(days=decision_days[obj.body_id])
        rows.append(
            {
                "body_id": obj.body_id,
                "cycle_id": getattr(obj, "cycle_id", None),
                "department_id": department_id,
                "organisation_id": organisation_id,
                "committee_id": committee_id,
                "kind": spec.kind,
                "audience": spec.audience,
                "content_type_id": _content_type_id(type(obj)),
                "object_id": obj.pk,
                "url_path": _detail_path(paths, obj),
                "due_at": end_of_day(due_date),
                "state": DeadlineState.OPEN.value,
                "opened_at": now,
                # The next sweep computes the reminder schedule.
                "next_check_at": now,
            }
        )
    if connection.vendor == "postgresql" and len(rows) > 1:
        ids = _insert_unnest(rows)
        return list(Deadline.objects.filter(pk__in=ids).order_by("id")) if returning else []
    return Deadline.objects.bulk_create(Deadline(**row) for row in rows)


def _phase_dates(cycles: set[int], phases: set[str]) -> dict[tuple[int, str], dt.date]:
    """Return each cycle's date of each phase; a switched-off phase's tasks fall due at the
    date of the next phase the cycle runs (one query)."""
    rows = PhaseDeadline.objects.filter(cycle_id__in=cycles).values_list(
        "cycle_id", "phase", "due_date"
    )
    calendars: dict[int, dict[str, dt.date | None]] = {}
    for cycle_id, phase, due in rows:
        calendars.setdefault(cycle_id, {})[phase] = due
    dates: dict[tuple[int, str], dt.date] = {}
    for cycle_id, calendar in calendars.items():
        for phase in phases:
            following = PHASE_ORDER[PHASE_ORDER.index(phase) :]
            due = next((calendar[p] for p in following if calendar.get(p) is not None), None)
            if phase in calendar and due is not None:
                dates[(cycle_id, phase)] = due
    return dates


def deadlines_due_refresh(objects: Sequence[Any]) -> None:
    """Move the open deadlines of objects whose due date changed (`on_due_changed`).

    Only tasks with a `due` hook depend on more than their state; the sweep then plans
    the reminders anew from the new date (reminders already sent are not sent again).
    """
    wanted = [(obj, spec) for obj in objects if (spec := _task_of(obj)) is not None and spec.due]
    if not wanted:
        return
    due_dates = _due_dates(wanted)
    now = timezone.now()
    for obj, spec in wanted:
        day = due_dates.get((spec.kind, obj.pk))
        if day is None:
            continue
        Deadline.objects.filter(
            content_type_id=_content_type_id(type(obj)),
            object_id=obj.pk,
            kind=spec.kind,
            state=DeadlineState.OPEN,
        ).exclude(due_at=end_of_day(day)).update(due_at=end_of_day(day), next_check_at=now)


def deadlines_open_for_created(objects: Sequence[Any]) -> None:
    """Open the deadlines of objects a service created (`on_created`; nothing returned)."""
    deadlines_open_for(objects, returning=False)


# A primary key no object has: reversing the page of one gives the path around any other.
_PK_MARK = 987654321


def _detail_path(paths: dict[type[models.Model], tuple[str, str] | None], obj: Any) -> str:
    """Return the object's page, reversing its URL once per model (a reverse per row is slow)."""
    model = type(obj)
    if model not in paths:
        path = workflow_of(model).detail_path(_PK_MARK)
        pieces = path.split(str(_PK_MARK))
        paths[model] = (pieces[0], pieces[1]) if len(pieces) == 2 else None
    parts = paths[model]
    if parts is None:
        return workflow_of(model).detail_path(obj.pk)
    return f"{parts[0]}{obj.pk}{parts[1]}"


_INSERT_COLUMNS = (
    "body_id",
    "cycle_id",
    "department_id",
    "organisation_id",
    "committee_id",
    "kind",
    "audience",
    "content_type_id",
    "object_id",
    "url_path",
    "due_at",
    "state",
    "opened_at",
    "next_check_at",
)
_ARRAY_TYPES = (
    "bigint[]",
    "bigint[]",
    "bigint[]",
    "bigint[]",
    "bigint[]",
    "text[]",
    "text[]",
    "integer[]",
    "bigint[]",
    "text[]",
    "timestamptz[]",
    "text[]",
    "timestamptz[]",
    "timestamptz[]",
)
_INSERT_SQL = (
    f"INSERT INTO {Deadline._meta.db_table} ({', '.join(_INSERT_COLUMNS)}) "  # noqa: S608
    f"SELECT * FROM unnest({', '.join(f'%s::{t}' for t in _ARRAY_TYPES)}) RETURNING id"
)


def _insert_unnest(rows: list[dict[str, Any]]) -> list[int]:
    """Insert many deadlines in one statement of arrays (PostgreSQL); return their ids.

    Opening a round with hundreds of invitees opens as many deadlines in its transaction:
    building model instances and compiling the ORM's multi-row INSERT for them cost
    several times what the database needed (benchmarks/consultation_open.py).
    """
    columns = [[row[name] for row in rows] for name in _INSERT_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, columns)
        return [found[0] for found in cursor.fetchall()]


def _close_open(
    queryset: models.QuerySet[Deadline], *, state: DeadlineState, now: dt.datetime
) -> int:
    return queryset.filter(state=DeadlineState.OPEN).update(
        state=state, closed_at=now, next_check_at=None
    )


def deadlines_follow_transition(obj: models.Model, acting_user: User, log: TransitionLog) -> None:
    """Close the task the object left and open the one it entered (`on_transition`)."""
    now = log.created_at
    if isinstance(obj, PlanningCycle):
        of_cycle = Deadline.objects.filter(cycle_id=obj.pk)
        if obj.phase == Phase.CLOSED:
            # Whatever is still open ends with its cycle (agreements carry over anew).
            _close_open(of_cycle, state=DeadlineState.CANCELLED, now=now)
        elif kinds := _phase_bound_kinds(log.source_state):
            # Reviews and plans can only move in their phase: once management has closed
            # it (with a recorded reason if some were missing), nobody is chased for them.
            _close_open(of_cycle.filter(kind__in=kinds), state=DeadlineState.CANCELLED, now=now)
        return
    if not workflow_of(obj).tasks:
        return
    # Withdrawing (or taking a paper off the agenda) cancels the task; any other step
    # finishes it. Every transition runs this: the statement is written once (compiling
    # the ORM's UPDATE cost more than running it).
    state = DeadlineState.CANCELLED if log.transition in CANCELLING else DeadlineState.DONE
    with connection.cursor() as cursor:
        cursor.execute(_CLOSE_TASK_SQL, [str(state), now, _content_type_id(type(obj)), obj.pk])
    deadlines_open_for([obj], now=now)


_CLOSE_TASK_SQL = (
    f"UPDATE {Deadline._meta.db_table} SET state = %s, closed_at = %s, "  # noqa: S608
    "next_check_at = NULL WHERE content_type_id = %s AND object_id = %s AND state = 'open'"
)


def _check_reason(reason: str) -> str:
    try:
        reason = text_clean(reason, what=_("Die Begründung"), limit=MAX_REASON_LENGTH)
    except TextRefused as exc:
        raise DeadlineError(exc.message) from None
    if not reason:
        raise DeadlineError(_("Bitte begründen Sie die Fristverlängerung."))
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
