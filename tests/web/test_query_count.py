"""The cycle overview's number of queries does not grow with the number of departments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import build_world
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
