"""Role by state: who reads the comments in a workflow object's history (issue 9, item 7).

The comments and reasons of the history are the administration's internal exchange (why
management returned a review, why a phase was closed with open points). Council members
read papers and see resolved goals (DOMAIN.md), not drafts and not these comments; the
same holds for committee secretaries, external stakeholders and the heads of other
departments. The expected table is written out here as the specification.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import models, transaction
from django.test import Client

from planning_cycle.access import permission_checker
from planning_cycle.models import OperativeGoal, User
from tests.support.workflows import WALK_COMMENT, agreement, operative_goal, walk
from tests.support.world import World, build_world
from workflows.models import DepartmentPlan, DepartmentReview
from workflows.selectors import workflow_item

pytestmark = pytest.mark.django_db

# Who reads the comments of the history (of their own department's objects, or all).
READS_COMMENTS = frozenset({"management", "strategy_unit", "department_head", "department_editor"})
# The cycle belongs to no department: its reasons (a phase closed with open points) are
# read by those who hold the permission on the body.
READS_CYCLE_COMMENTS = frozenset({"management", "strategy_unit"})
ROLES = (
    "management",
    "strategy_unit",
    "department_head",
    "department_editor",
    "committee_secretary",
    "council_member",
    "external_stakeholder",
    "other_department_head",
)
# States whose history holds comments; released ones are visible to every member of the body.
STATES = [
    ("review", "submitted"),
    ("review", "returned"),
    ("review", "accepted"),
    ("plan", "approved"),
    ("agreement", "submitted"),
    ("agreement", "returned"),
    ("agreement", "approved"),
    ("agreement", "resolved"),
    ("agreement", "achieved"),
    ("cycle", "framework"),
]
UNRELEASED = {("review", "returned"), ("agreement", "returned")}
DRAFT_READERS = READS_COMMENTS  # view_drafts: the same roles


@dataclass
class CommentWorld:
    world: World
    goal: OperativeGoal

    def object_in(self, machine: str, state: str) -> models.Model:
        cycle, department = self.world.cycle, self.world.department
        obj: models.Model
        if machine == "cycle":
            obj = type(cycle).objects.get(pk=cycle.pk)
        elif machine == "review":
            obj = DepartmentReview.objects.get(cycle=cycle, department=department)
        elif machine == "plan":
            obj = DepartmentPlan.objects.get(cycle=cycle, department=department)
        else:
            obj = agreement(cycle, department, self.goal)
        return walk(obj, state, self.world.users)


@pytest.fixture(scope="module")
def comment_world(django_db_setup: None, django_db_blocker: object) -> Iterator[CommentWorld]:
    """One world for the module, rolled back at its end; every test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        world = build_world(key="kommentare")
        yield CommentWorld(world=world, goal=operative_goal(world.body))
        transaction.set_rollback(True)


def _cells() -> list[object]:
    return [
        pytest.param(machine, state, role, id=f"{machine}-{state}-{role}")
        for machine, state in STATES
        for role in ROLES
    ]


@pytest.mark.parametrize(("machine", "state", "role"), _cells())
def test_who_reads_the_history_comments(
    comment_world: CommentWorld, machine: str, state: str, role: str
) -> None:
    obj = comment_world.object_in(machine, state)
    user: User = comment_world.world.users[role]

    item = workflow_item(user=user, checker=permission_checker(user), obj=obj)

    if (machine, state) in UNRELEASED and role not in DRAFT_READERS:
        # A draft stays hidden altogether: no history at all.
        assert not item.content_visible and item.history == []
        return
    assert item.history, "the steps themselves are shown"
    comments = [e.comment for e in item.history]
    if role in (READS_CYCLE_COMMENTS if machine == "cycle" else READS_COMMENTS):
        assert comments and all(c == WALK_COMMENT for c in comments)
        assert not any(e.comment_hidden for e in item.history)
    else:
        assert all(c == "" for c in comments)
        assert all(e.override_reason == "" for e in item.history)
        assert all(e.comment_hidden for e in item.history)


RETURN_COMMENT = "Intern: die Wirkungen sind zu vage, bitte mit dem Landrat abstimmen."


@pytest.fixture
def resubmitted(world: World):  # type: ignore[no-untyped-def]
    """An agreement management returned with a comment and its department resubmitted."""
    item = agreement(world.cycle, world.department, operative_goal(world.body))
    item = walk(item, "submitted", world.users)
    from workflows.services.transitions import transition_fire

    transition_fire(
        acting_user=world.users["management"],
        obj=item,
        transition="return_",
        comment=RETURN_COMMENT,
    )
    transition_fire(acting_user=world.users["department_head"], obj=item, transition="submit")
    return item


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        ("council_member", False),
        ("committee_secretary", False),
        ("other_department_head", False),
        ("management", True),
        ("department_editor", True),
    ],
)
def test_the_agreement_page_shows_the_return_comment_only_to_the_administration(
    world: World, resubmitted, role: str, reads: bool
) -> None:
    client = Client()
    client.force_login(world.users[role])
    html = client.get(f"/zielvereinbarungen/{resubmitted.pk}/").content.decode()

    assert "Zurückgeben" in html  # the step itself is part of the history
    assert (RETURN_COMMENT in html) is reads
    assert ("interner Vermerk, nicht einsehbar" in html) is not reads


def test_the_api_does_not_hand_the_return_comment_to_a_council_member(
    world: World, resubmitted
) -> None:
    client = Client()
    client.force_login(world.users["council_member"])
    for path in (
        f"/api/v1/goal-agreements/{resubmitted.pk}/",
        f"/api/v1/goal-agreements/{resubmitted.pk}/transitions/",
        "/api/v1/goal-agreements/",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert RETURN_COMMENT not in response.content.decode()
