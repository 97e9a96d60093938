"""Reads of the council pages: papers with their sequence, coming meetings, overdue steps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from planning_cycle.models import User
from workflows.access import workflow_visible

from ..access import agenda_items_visible, in_own_committees
from ..deadlines import overdue_cutoff
from ..models import AgendaItem, ConsultationStep, Meeting, Paper
from ..states import MeetingState, StepResult, StepState

# A step without a result this many working days after its meeting is overdue.
COMING_STATES = (MeetingState.SCHEDULED, MeetingState.INVITED)


def live_steps() -> Prefetch:
    """Prefetch a paper's steps in sequence order, with committee and meeting."""
    steps = (
        ConsultationStep.objects.filter(deleted=False)
        .select_related("committee", "agenda_item__meeting")
        .order_by("position", "id")
    )
    return Prefetch("steps", queryset=steps, to_attr="live_steps")


def papers_with_steps(queryset: QuerySet[Paper]) -> QuerySet[Paper]:
    """Load papers with their lead unit and their sequence (two queries for any number)."""
    return queryset.select_related("lead_department").prefetch_related(live_steps())


def _short_day(day: dt.date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else ""


@dataclass(frozen=True)
class Position:
    """Where a paper stands in its sequence: the last result and the next step."""

    done: int
    total: int
    last: ConsultationStep | None
    next: ConsultationStep | None

    @property
    def last_text(self) -> str:
        if self.last is None:
            return _("noch nicht beraten")
        return _("%(committee)s: %(result)s am %(date)s") % {
            "committee": self.last.committee.name,
            "result": self.last.get_result_display(),
            "date": _short_day(self.last.result_date),
        }

    @property
    def next_text(self) -> str:
        step = self.next
        if step is None:
            return _("Beratungsfolge abgeschlossen") if self.total else _("keine Beratung geplant")
        what = f"{step.committee.name} ({step.get_role_display()})"
        meeting = step.meeting if step.state == StepState.SCHEDULED else None
        if meeting is None:
            return _("nächster Schritt: %(step)s, noch keine Sitzung") % {"step": what}
        local = timezone.localtime(meeting.start)
        return _("nächster Schritt: %(step)s, Sitzung am %(date)s") % {
            "step": what,
            "date": date_format(local, "d.m."),
        }

    @property
    def text(self) -> str:
        return f"{self.done}/{self.total} {self.last_text}; {self.next_text}"


def position_of(steps: Sequence[ConsultationStep]) -> Position:
    """Return the position of a paper whose live steps (in order) are given."""
    recorded = [s for s in steps if s.state == StepState.RECORDED]
    last = recorded[-1] if recorded else None
    following = next((s for s in steps if s.state != StepState.RECORDED), None)
    return Position(done=len(recorded), total=len(steps), last=last, next=following)


def _coming() -> QuerySet[Meeting]:
    start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    return Meeting.objects.filter(state__in=COMING_STATES, start__gte=start_of_today).order_by(
        "start", "id"
    )


def coming_meetings(body_id: int) -> list[Meeting]:
    """Return the body's meetings that papers can still be put on, soonest first."""
    return list(_coming().filter(body_id=body_id).select_related("committee", "location"))


def schedulable(step: ConsultationStep) -> QuerySet[Meeting]:
    """Return the coming meetings of the step's committee (the choices to put it on)."""
    return _coming().filter(body_id=step.body_id, committee_id=step.committee_id)


def meetings_by_committee(meetings: Iterable[Meeting]) -> dict[int, list[Meeting]]:
    grouped: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        grouped[meeting.committee_id].append(meeting)
    return grouped


def overdue_steps(user: User, *, state: str, mine_only: bool) -> list[ConsultationStep]:
    """Return the visible steps on an agenda whose meeting is past the limit without result."""
    cutoff = overdue_cutoff(timezone.localdate(), state=state)
    until = timezone.make_aware(dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min))
    steps = (
        workflow_visible(ConsultationStep, user=user)
        .filter(state=StepState.SCHEDULED, agenda_item__meeting__start__lt=until)
        .exclude(agenda_item__meeting__state=MeetingState.CANCELLED)
        .order_by("agenda_item__meeting__start", "paper_id", "position")
    )
    if mine_only:
        steps = steps.filter(in_own_committees(user))
    return list(steps)


def step_items(paper: Paper, user: User) -> dict[int, list[AgendaItem]]:
    """Return the visible agenda items of a paper's steps by step, by meeting time."""
    items = (
        agenda_items_visible(AgendaItem.objects.filter(step__paper=paper), user)
        .select_related("meeting", "recorded_by")
        .order_by("meeting__start", "id")
    )
    grouped: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in items:
        assert item.step_id is not None
        grouped[item.step_id].append(item)
    return grouped


def deferred_items(items: Iterable[AgendaItem]) -> list[AgendaItem]:
    return [item for item in items if item.result == StepResult.DEFERRED]


def meeting_agendas(meetings: Sequence[Meeting], user: User) -> dict[int, list[AgendaItem]]:
    """Return the visible agenda items of several meetings (one query), by meeting."""
    items = (
        agenda_items_visible(AgendaItem.objects.filter(meeting__in=list(meetings)), user)
        .select_related("step__paper", "step__committee")
        .order_by("meeting_id", "position", "id")
    )
    grouped: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in items:
        grouped[item.meeting_id].append(item)
    return grouped


def visible_paper_ids(user: User, ids: Iterable[int]) -> set[int]:
    """Return which of the papers the user may open (the rest show without a link)."""
    from .common import papers_for

    return set(papers_for(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


__all__ = [
    "Position",
    "coming_meetings",
    "overdue_steps",
    "papers_with_steps",
    "position_of",
]
