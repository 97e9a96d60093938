"""A user never sees or changes another body's rows: they answer 404."""

from __future__ import annotations

import pytest

from tests.support.web import review_of
from tests.support.world import build_world
from workflows.models import DepartmentPlan, ReviewState, TransitionLog


@pytest.fixture
def foreign(world, catalog):
    """Another body's world; the world's users look at it."""
    other = build_world(key="andere-kommune")
    plan = DepartmentPlan.objects.get(cycle=other.cycle, department=other.department)
    return other, plan


@pytest.mark.parametrize("role", ["management", "strategy_unit", "council_member"])
def test_other_bodys_pages_are_404(world, foreign, client_for, role):
    other, plan = foreign
    client = client_for(world.users[role])
    for url in (
        f"/zyklen/{other.cycle.pk}/",
        f"/einheiten/{other.department.pk}/",
        f"/einheiten/{world.department.pk}/?zyklus={other.cycle.pk}",
        f"/zielbilanzierungen/{review_of(other).pk}/",
        f"/planungen/{plan.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_other_bodys_goals_and_agreements_are_404(world, catalog, client_for):
    client = client_for(build_world(key="andere-kommune").users["management"])
    assert client.get(f"/ziele/operativ/{catalog['ogoal'].pk}/").status_code == 404
    assert client.get(f"/zielvereinbarungen/{catalog['own'].pk}/").status_code == 404
    html = client.get("/ziele/").content.decode()
    assert "Bildung und Teilhabe" not in html


def test_home_and_overview_show_only_own_body(world, foreign, client_for):
    other, _plan = foreign
    html = client_for(world.users["management"]).get("/").content.decode()
    assert world.body.name in html
    assert other.body.name not in html


def test_other_bodys_objects_cannot_be_transitioned(world, foreign, client_for):
    other, _plan = foreign
    review = review_of(other)
    client = client_for(world.users["management"])
    for slug, pk, name in (
        ("zielbilanzierung", review.pk, "submit"),
        ("zyklus", other.cycle.pk, "to_framework"),
    ):
        response = client.post(
            f"/uebergang/{slug}/{pk}/",
            {"transition": name, "override_reason": "x"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 404
    assert review_of(other).state == ReviewState.DRAFT
    assert not TransitionLog.objects.exists()


def test_user_without_body_sees_a_notice(db, client_for):
    from tests.support.factories import UserFactory

    user = UserFactory(body=None)
    response = client_for(user).get("/")
    assert response.status_code == 403
    assert "Ihr Konto gehört zu keiner Kommune." in response.content.decode()
