"""The core domain's services: roles bring exactly their permissions; cycles come complete."""

from __future__ import annotations

import datetime as dt

import pytest
from guardian.shortcuts import get_perms

from planning_cycle.models import (
    BodyCalendarEntry,
    Phase,
    PlanningCycle,
    Role,
    RoleAssignment,
    calendar_date,
)
from planning_cycle.permissions import (
    BODY_ROLE_PERMISSIONS,
    DEPARTMENT_ROLE_PERMISSIONS,
    ROLE_TABLE,
    WORKFLOW_PERMISSIONS,
    permissions_of_role,
    scope_of_role,
)
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.cycles import CycleError, cycle_create, cycle_get_or_create_next
from planning_cycle.services.roles import RoleError, role_assign, role_revoke
from tests.support.factories import BodyFactory, DepartmentFactory, UserFactory
from tests.support.world import World
from workflows.models import DepartmentPlan, DepartmentReview

pytestmark = pytest.mark.django_db

CODENAMES = {codename for codename, _label in WORKFLOW_PERMISSIONS}


# --- the role → permission mapping ------------------------------------------------------


def test_every_role_is_mapped_and_every_mapped_permission_is_declared() -> None:
    assert set(ROLE_TABLE) == {r.value for r in Role}
    assert set(DEPARTMENT_ROLE_PERMISSIONS) == {
        Role.DEPARTMENT_HEAD.value,
        Role.DEPARTMENT_EDITOR.value,
    }
    assert scope_of_role(Role.EXTERNAL_STAKEHOLDER) == "organisation"
    for role in Role:
        assert permissions_of_role(role) <= CODENAMES, role


def test_council_members_hold_no_workflow_permission() -> None:
    assert permissions_of_role(Role.COUNCIL_MEMBER) == frozenset()


def test_external_stakeholders_may_only_answer_invitations() -> None:
    assert permissions_of_role(Role.EXTERNAL_STAKEHOLDER) == {
        "statement_edit",
        "statement_release",
        "invitation_respond",
        "view_internal_comments",
    }


# --- granting and revoking roles --------------------------------------------------------


def test_a_body_role_grants_its_permissions_on_the_body(world: World) -> None:
    management = world.users["management"]
    assert set(get_perms(management, world.body)) == BODY_ROLE_PERMISSIONS["management"]
    for department in world.departments:
        assert get_perms(management, department) == []


def test_a_department_role_grants_its_permissions_on_that_department_only(world: World) -> None:
    head = world.users["department_head"]
    own, other, _third = world.departments
    assert set(get_perms(head, own)) == DEPARTMENT_ROLE_PERMISSIONS["department_head"]
    assert get_perms(head, other) == []
    assert get_perms(head, world.body) == []


def test_assigning_a_role_twice_changes_nothing(world: World) -> None:
    head = world.users["department_head"]
    again = role_assign(
        acting_user=SYSTEM, user=head, role=Role.DEPARTMENT_HEAD, scope=world.department
    )
    assert RoleAssignment.objects.filter(user=head).count() == 1
    assert again.department == world.department


@pytest.mark.parametrize(
    ("role", "with_department", "message"),
    [
        (Role.DEPARTMENT_HEAD, False, "braucht als Geltungsbereich: Organisationseinheit"),
        (Role.MANAGEMENT, True, "gilt für die ganze Kommune"),
    ],
)
def test_a_role_needs_a_department_exactly_when_it_is_a_department_role(
    world: World, role: Role, with_department: bool, message: str
) -> None:
    user = UserFactory(body=world.body)
    with pytest.raises(RoleError, match=message):
        role_assign(
            acting_user=SYSTEM,
            user=user,
            role=role,
            scope=world.department if with_department else None,
        )
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_a_department_of_another_body_is_refused(world: World) -> None:
    other_department = DepartmentFactory(body=BodyFactory(key="stadt-anderswo"))
    user = UserFactory(body=world.body)
    with pytest.raises(RoleError, match="anderen Kommune"):
        role_assign(
            acting_user=SYSTEM, user=user, role=Role.DEPARTMENT_HEAD, scope=other_department
        )
    assert get_perms(user, other_department) == []


def test_a_user_without_a_body_gets_no_role(db: None) -> None:
    user = UserFactory(body=None)
    with pytest.raises(RoleError, match="keiner Kommune"):
        role_assign(acting_user=SYSTEM, user=user, role=Role.MANAGEMENT)


def test_revoking_keeps_what_another_role_still_grants(world: World) -> None:
    """Management and strategy unit share agreement_prioritise, agreement_close, view_drafts."""
    user = world.users["strategy_unit"]
    management = role_assign(acting_user=SYSTEM, user=user, role=Role.MANAGEMENT)

    role_revoke(acting_user=SYSTEM, assignment=management)

    assert set(get_perms(user, world.body)) == BODY_ROLE_PERMISSIONS["strategy_unit"]
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == [
        Role.STRATEGY_UNIT
    ]


def test_revoking_a_department_role_leaves_the_other_department(world: World) -> None:
    head = world.users["department_head"]
    second = role_assign(
        acting_user=SYSTEM, user=head, role=Role.DEPARTMENT_HEAD, scope=world.departments[1]
    )
    role_revoke(acting_user=SYSTEM, assignment=second)
    assert get_perms(head, world.departments[1]) == []
    assert set(get_perms(head, world.department)) == DEPARTMENT_ROLE_PERMISSIONS["department_head"]


def test_revoking_the_last_role_removes_every_permission(world: World) -> None:
    head = world.users["department_head"]
    role_revoke(acting_user=SYSTEM, assignment=RoleAssignment.objects.get(user=head))
    assert get_perms(head, world.department) == []


# --- cycles -------------------------------------------------------------------------------


def test_a_new_cycle_has_deadlines_reviews_and_plans(world: World) -> None:
    cycle = world.cycle
    assert cycle.phase == Phase.GOAL_REVIEW
    assert cycle.title == "Planungszyklus 2026"
    deadlines = dict(cycle.deadlines.values_list("phase", "due_date"))
    assert set(deadlines) == {p for p in Phase.values if p != Phase.CLOSED}
    assert deadlines[Phase.GOAL_REVIEW] == dt.date(2026, 4, 30)
    assert deadlines[Phase.BUDGET_RESOLUTION] == dt.date(2027, 3, 31)  # the following year
    for model in (DepartmentReview, DepartmentPlan):
        rows = model.objects.filter(cycle=cycle)
        assert sorted(rows.values_list("department__code", flat=True)) == [
            "FD 31",
            "FD 32",
            "FD 33",
        ]
        assert set(rows.values_list("state", flat=True)) == {"draft"}


def test_departments_that_do_not_take_part_get_no_review_or_plan(world: World) -> None:
    DepartmentFactory(body=world.body, code="FD 99", takes_part=False)
    cycle = cycle_create(acting_user=SYSTEM, body=world.body, year=2027)
    assert not cycle.reviews.filter(department__code="FD 99").exists()
    assert not cycle.plans.filter(department__code="FD 99").exists()


def test_the_body_calendar_overrides_the_default_dates(world: World) -> None:
    BodyCalendarEntry.objects.create(body=world.body, phase=Phase.GOAL_REVIEW, month=2, day=30)
    cycle = cycle_create(acting_user=SYSTEM, body=world.body, year=2028)
    # Clamped to the end of February in a leap year; other phases keep the default.
    assert cycle.deadlines.get(phase=Phase.GOAL_REVIEW).due_date == dt.date(2028, 2, 29)
    assert cycle.deadlines.get(phase=Phase.FRAMEWORK).due_date == dt.date(2028, 4, 30)


def test_a_second_cycle_for_the_same_year_is_refused(world: World) -> None:
    with pytest.raises(CycleError, match="bereits einen Planungszyklus 2026"):
        cycle_create(acting_user=SYSTEM, body=world.body, year=2026)
    assert PlanningCycle.objects.filter(body=world.body).count() == 1
    assert DepartmentReview.objects.filter(cycle=world.cycle).count() == 3


def test_the_next_cycle_is_created_once(world: World) -> None:
    nxt = cycle_get_or_create_next(cycle=world.cycle)
    assert nxt.year == 2027
    assert cycle_get_or_create_next(cycle=world.cycle) == nxt
    assert nxt.reviews.count() == 3


@pytest.mark.parametrize(
    ("year", "month", "day", "offset", "expected"),
    [
        (2026, 4, 30, 0, dt.date(2026, 4, 30)),
        (2026, 3, 31, 1, dt.date(2027, 3, 31)),
        (2026, 2, 31, 0, dt.date(2026, 2, 28)),
        (2027, 2, 29, 1, dt.date(2028, 2, 29)),
        (2026, 6, 31, 0, dt.date(2026, 6, 30)),
    ],
)
def test_calendar_dates_are_clamped_to_the_month(
    year: int, month: int, day: int, offset: int, expected: dt.date
) -> None:
    assert calendar_date(year, month, day, offset) == expected
