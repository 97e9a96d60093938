"""What the council page tests share: a body with committees, a paper in its sequence."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from planning_cycle.models import Role, User
from tests.support.council import (
    DECISION,
    PRE,
    Committees,
    clerk_of,
    committees_build,
    meeting_build,
    office,
    paper_build,
    record,
    schedule,
    steps_of,
)
from tests.support.world import World, build_world
from workflows.council.models import AgendaItem, Meeting, Paper
from workflows.council.states import StepResult


@dataclass
class Council:
    """The world's committees, a paper recommended by the main committee and on the
    council's agenda, the meetings, and the users the tests act as."""

    world: World
    c: Committees
    paper: Paper
    main_meeting: Meeting
    council_meeting: Meeting
    council_item: AgendaItem
    office: User
    main_clerk: User
    council_clerk: User

    def user(self, role: str) -> User:
        return self.world.users[role]


def council_build(world: World) -> Council:
    """Build the paper: Kreisausschuss recommended (past), Kreistag on the agenda (past)."""
    c = committees_build(world)
    paper = paper_build(world, [(c.main, PRE), (c.council, DECISION)])
    main_step, council_step = steps_of(paper)
    main_meeting = meeting_build(world, c.main, days=-10, name="Sitzung des Kreisausschusses")
    main_clerk = clerk_of(world, c.main)
    record(main_clerk, schedule(world, main_step, main_meeting), StepResult.RECOMMENDED)
    council_meeting = meeting_build(world, c.council, days=-1, name="Sitzung des Kreistages")
    council_item = schedule(world, council_step, council_meeting)
    return Council(
        world=world,
        c=c,
        paper=Paper.objects.get(pk=paper.pk),
        main_meeting=main_meeting,
        council_meeting=council_meeting,
        council_item=council_item,
        office=office(world),
        main_clerk=main_clerk,
        council_clerk=clerk_of(world, c.council),
    )


@pytest.fixture
def council(world: World) -> Council:
    return council_build(world)


def logged_in(client: Client, user: User | None) -> Client:
    if user is not None:
        client.force_login(user)
    return client


def other_body_user() -> User:
    """Return the council office of another body."""
    other = build_world(key="anderer-kreis", departments=2)
    return other.users[Role.COMMITTEE_SECRETARY]


__all__ = ["Council", "council", "council_build", "logged_in", "other_body_user"]
