"""Builders of the council tests: committees, meetings, papers with their sequence.

Everything is made through the council services (as the council office of the world),
and results through `agenda_item_result_record` as a secretary of the committee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from planning_cycle.models import Committee, CommitteeKind, Department, Role, User
from tests.support.factories import council_of, user_with_role
from tests.support.world import World
from workflows.council.models import AgendaItem, ConsultationStep, Meeting, Paper
from workflows.council.services.meetings import meeting_create
from workflows.council.services.papers import StepPlan, paper_create
from workflows.council.services.results import agenda_item_result_record, step_schedule
from workflows.council.states import PaperType, StepRole


@dataclass
class Committees:
    """The test body's committees: the council, the main committee and two others."""

    council: Committee
    main: Committee
    social: Committee
    youth: Committee

    def all(self) -> list[Committee]:
        return [self.council, self.main, self.social, self.youth]


def committees_build(world: World) -> Committees:
    """Create (or return) the four committees of the world's body."""
    body = world.body

    def one(name: str, short: str, kind: str, position: int) -> Committee:
        committee, _ = Committee.objects.get_or_create(
            body=body,
            name=name,
            defaults={"short_name": short, "kind": kind, "position": position},
        )
        return committee

    return Committees(
        council=council_of(body),
        main=one("Kreisausschuss", "KA", CommitteeKind.MAIN_COMMITTEE, 1),
        social=one("Kultur- und Sozialausschuss", "KSA", CommitteeKind.COMMITTEE, 2),
        youth=one("Jugendhilfeausschuss", "JHA", CommitteeKind.COMMITTEE, 3),
    )


def office(world: World) -> User:
    """Return the council office (Sitzungsdienst) of the world."""
    return world.users[Role.COMMITTEE_SECRETARY]


def clerk_of(world: World, committee: Committee) -> User:
    """Create a secretary (Schriftführung) of one committee."""
    return user_with_role(world.body, Role.COMMITTEE_CLERK, committee=committee)


def meeting_build(
    world: World, committee: Committee, *, days: int = 7, hour: int = 17, name: str = ""
) -> Meeting:
    """Schedule a meeting of the committee `days` from today (negative: in the past)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    return meeting_create(
        acting_user=office(world),
        committee=committee,
        name=name or f"Sitzung des {committee.name}",
        start=start,
    )


def paper_build(
    world: World,
    steps: Sequence[tuple[Committee, str] | tuple[Committee, str, str]],
    *,
    title: str = "Strategische Ziele des Landkreises",
    public: bool = True,
    department: Department | None = None,
    paper_type: str = PaperType.RESOLUTION,
    **extra: object,
) -> Paper:
    """Create a paper with its sequence of (committee, role[, part])."""
    plans = [StepPlan(committee=s[0], role=s[1], part=s[2] if len(s) > 2 else "") for s in steps]
    return paper_create(
        acting_user=office(world),
        title=title,
        paper_type=paper_type,
        lead_department=department or world.department,
        public=public,
        proposed_resolution="Der Kreistag beschließt die Ziele.",
        steps=plans,
        **extra,  # type: ignore[arg-type]
    )


def steps_of(paper: Paper) -> list[ConsultationStep]:
    return list(paper.steps.filter(deleted=False).order_by("position"))


def schedule(world: World, step: ConsultationStep, meeting: Meeting) -> AgendaItem:
    """Put the step on the meeting's agenda; return its agenda item."""
    step_schedule(acting_user=office(world), step=step, meeting=meeting)
    step.refresh_from_db()
    assert step.agenda_item is not None
    return step.agenda_item


def record(clerk: User, item: AgendaItem, result: str, **values: object) -> ConsultationStep:
    """Record a result as the committee's secretary; return the step as stored."""
    outcome = agenda_item_result_record(acting_user=clerk, item=item, result=result, **values)  # type: ignore[arg-type]
    return ConsultationStep.objects.get(pk=outcome.obj.pk)


DECISION = StepRole.DECISION
PRE = StepRole.PRE_DELIBERATION
