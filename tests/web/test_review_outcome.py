"""The review page sets the achievement of the past cycle's agreements (issue 12, item 4)."""

from __future__ import annotations

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from tests.support.factories import cycle_for
from tests.support.workflows import agreement, current_state, operative_goal, walk
from tests.support.world import World, build_world
from workflows.models import AgreementState, DepartmentReview, GoalAgreement
from workflows.models.states import Outcome

pytestmark = pytest.mark.django_db

S = AgreementState
REPORTS = {
    "report_achieved": S.ACHIEVED,
    "report_partly_achieved": S.PARTLY_ACHIEVED,
    "report_not_achieved": S.NOT_ACHIEVED,
    "report_carried_over": S.CARRIED_OVER,
}


def review(world: World) -> DepartmentReview:
    return DepartmentReview.objects.get(cycle=world.cycle, department=world.department)


def past_agreement(world: World, number: str = "1.1", state: str = S.IN_IMPLEMENTATION):
    goal = operative_goal(world.body, number=number)
    goal.departments.add(world.department)
    cycle = world.body.cycles.filter(year=2025).first() or cycle_for(world.body, year=2025)
    return walk(agreement(cycle, world.department, goal), state, world.users)


def url(world: World, item: models.Model) -> str:
    return f"/zielbilanzierungen/{review(world).pk}/zielvereinbarungen/{item.pk}/zielerreichung/"


def post(client, world: World, item: models.Model, transition: str, comment: str = "Grund"):
    return client.post(
        url(world, item),
        {"transition": transition, "comment": comment, "expected_state": S.IN_IMPLEMENTATION},
    )


@pytest.mark.parametrize("transition", list(REPORTS))
def test_the_department_head_sets_each_outcome(world, client_for, transition):
    item = past_agreement(world)
    client = client_for(world.users["department_head"])
    page = client.get(f"/zielbilanzierungen/{review(world).pk}/").content.decode()
    assert "Zielerreichung melden" in page and f'value="{transition}"' in page

    response = post(client, world, item, transition)

    assert response.status_code == 302
    assert response["Location"].endswith(f"#zv-{item.pk}")
    stored = GoalAgreement.objects.get(pk=item.pk)
    assert (stored.state, stored.outcome) == (REPORTS[transition], Outcome(REPORTS[transition]))
    page = client.get(f"/zielbilanzierungen/{review(world).pk}/").content.decode()
    assert stored.get_outcome_display() in page
    assert f'action="{url(world, item)}"' not in page  # reported: no form any more


def test_a_missing_comment_is_refused_by_the_transition_service(world, client_for):
    item = past_agreement(world)
    response = post(
        client_for(world.users["department_head"]), world, item, "report_not_achieved", ""
    )
    assert response.status_code == 400
    assert "Für „Ziel nicht erreicht“ ist ein Kommentar erforderlich." in response.content.decode()
    assert current_state(item) == S.IN_IMPLEMENTATION


def test_no_outcome_chosen_is_a_clear_400(world, client_for):
    item = past_agreement(world)
    response = post(client_for(world.users["department_head"]), world, item, "")
    assert response.status_code == 400
    assert "Bitte wählen Sie die Zielerreichung aus." in response.content.decode()
    # Another transition of the agreement is not fired through this form.
    response = post(client_for(world.users["department_head"]), world, item, "withdraw")
    assert response.status_code == 400
    assert current_state(item) == S.IN_IMPLEMENTATION


def test_a_double_submit_is_a_409_with_a_german_message(world, client_for):
    item = past_agreement(world)
    client = client_for(world.users["department_head"])
    assert post(client, world, item, "report_achieved").status_code == 302
    again = post(client, world, item, "report_achieved")
    assert again.status_code == 409
    text = again.content.decode()
    assert (
        "„Ziel erreicht“ ist nicht mehr möglich" in text
        and "Bitte laden Sie die Seite neu." in text
    )
    # The other outcome after the first one won is refused the same way.
    assert post(client, world, item, "report_carried_over").status_code == 409
    assert current_state(item) == S.ACHIEVED


ROLES = [
    "department_head",
    "department_editor",
    "other_department_head",
    "management",
    "strategy_unit",
    "committee_secretary",
    "council_member",
]
STATES = [S.RESOLVED, S.IN_IMPLEMENTATION, S.ACHIEVED]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_matrix_role_by_state(world, client_for, role, state):
    item = past_agreement(world, state=state)
    client = client_for(world.users[role])
    response = client.post(
        url(world, item),
        {"transition": "report_achieved", "comment": "x", "expected_state": state},
    )
    if role == "department_head":
        expected = {S.IN_IMPLEMENTATION: 302}.get(state, 409)
        assert response.status_code == expected
    elif role in ("management", "strategy_unit", "department_editor"):
        assert response.status_code == 403  # sees the review, may not report
    else:
        assert response.status_code in (403, 404)
    reported = role == "department_head" and state == S.IN_IMPLEMENTATION
    assert current_state(item) == (S.ACHIEVED if reported else state)
    if role != "department_head" and state == S.IN_IMPLEMENTATION:
        page = client.get(f"/zielbilanzierungen/{review(world).pk}/")
        assert "Zielerreichung melden" not in page.content.decode()


def test_another_departments_or_bodys_agreement_is_404(world, client_for):
    other = build_world(key="landkreis-anders")
    foreign = past_agreement(other)
    goal = operative_goal(world.body, number="2.1")
    goal.departments.add(world.departments[1])
    neighbour = walk(
        agreement(cycle_for(world.body, year=2025), world.departments[1], goal),
        S.IN_IMPLEMENTATION,
        {**world.users, "department_head": world.users["other_department_head"]},
    )
    client = client_for(world.users["department_head"])
    for item in (foreign, neighbour):
        assert post(client, world, item, "report_achieved").status_code == 404
        assert current_state(item) == S.IN_IMPLEMENTATION


def page_queries(world: World, client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/zielbilanzierungen/{review(world).pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_query_count_with_forms_is_constant_in_the_number_of_agreements(world, client_for):
    client = client_for(world.users["department_head"])
    past_agreement(world, "1.1")
    past_agreement(world, "1.2")
    two = page_queries(world, client)
    for n in range(3, 6):
        past_agreement(world, f"1.{n}")
    assert page_queries(world, client) == two
