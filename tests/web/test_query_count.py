"""The cycle overview's number of queries does not grow with the number of departments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.workflows import ANSWERS
from tests.support.world import build_world
from workflows.models import DepartmentReview
from workflows.services.transitions import transition_fire


def overview_queries(client_for, world, role: str) -> int:
    client = client_for(world.users[role])
    url = f"/zyklen/{world.cycle.pk}/"
    client.get(url)  # warm the content type cache and the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["management", "department_head", "council_member"])
def test_overview_query_count_is_constant(db, client_for, role):
    small = build_world(key="klein", departments=5)
    large = build_world(key="gross", departments=50)
    # Some history and mixed states in the large body.
    for review in DepartmentReview.objects.filter(cycle=large.cycle)[:10]:
        head = large.users["department_head"]
        if review.department_id == large.department.pk:
            transition_fire(acting_user=head, obj=review, transition="submit")
    assert DepartmentReview.objects.filter(cycle=large.cycle).count() == 50

    few = overview_queries(client_for, small, role)
    many = overview_queries(client_for, large, role)
    print(f"overview queries as {role}: 5 departments {few}, 50 departments {many}")
    assert few == many


def page_queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_goals(world, count: int, start: int) -> None:
    """Add operative goals with a measure, an indicator value and an agreement each."""
    from planning_cycle.models import (
        Indicator,
        IndicatorValue,
        Measure,
        OperativeGoal,
        PolicyField,
        StrategicGoal,
    )
    from workflows.models import GoalAgreement

    body = world.body
    field, _ = PolicyField.objects.get_or_create(body=body, key="pf", defaults={"name": "PF"})
    sgoal, _ = StrategicGoal.objects.get_or_create(
        body=body, number="1", defaults={"policy_field": field, "title": "SZ"}
    )
    for i in range(start, start + count):
        goal = OperativeGoal.objects.create(
            body=body, strategic_goal=sgoal, key=f"1.{i}", number=f"1.{i}", title=f"Ziel {i}"
        )
        goal.departments.add(world.department)
        Measure.objects.create(body=body, operative_goal=goal, key="m", title="M")
        indicator = Indicator.objects.create(
            body=body, key=f"k{i}", name="K", unit="%", operative_goal=goal
        )
        IndicatorValue.objects.create(
            body=body, indicator=indicator, year=2026, kind="target", value=1
        )
        GoalAgreement.objects.create(
            body=body,
            cycle=world.cycle,
            operative_goal=goal,
            department=world.department,
            **ANSWERS,  # answered: some are submitted below
        )


@pytest.mark.parametrize("role", ["management", "department_head"])
def test_department_page_and_catalog_query_counts_are_constant(world, client_for, role):
    from workflows.models import GoalAgreement

    client = client_for(world.users[role])
    department_url = f"/einheiten/{world.department.pk}/?zyklus={world.cycle.pk}"
    add_goals(world, 2, start=1)
    few = (page_queries(client, department_url), page_queries(client, "/ziele/"))
    add_goals(world, 10, start=3)
    head = world.users["department_head"]
    for agreement in GoalAgreement.objects.all()[:5]:
        transition_fire(acting_user=head, obj=agreement, transition="submit")
    many = (page_queries(client, department_url), page_queries(client, "/ziele/"))
    assert few == many
