"""Nothing changes on GET: viewing every page as every role leaves the data as it was."""

from __future__ import annotations

import pytest

from planning_cycle.models import Indicator, PlanningCycle
from tests.support.web import ROLES, review_of
from workflows.models import (
    DepartmentPlan,
    DepartmentReview,
    GoalAgreement,
    OutboxMessage,
    TransitionLog,
)


def snapshot():
    return (
        list(PlanningCycle.objects.values_list("pk", "phase", "updated_at")),
        list(DepartmentReview.objects.values_list("pk", "state", "updated_at")),
        list(DepartmentPlan.objects.values_list("pk", "state", "updated_at")),
        list(GoalAgreement.objects.values_list("pk", "state", "updated_at")),
        TransitionLog.objects.count(),
        OutboxMessage.objects.count(),
    )


@pytest.mark.parametrize("role", [*ROLES, "other_department_head"])
def test_get_changes_nothing(world, catalog, client_for, role):
    review = review_of(world)
    urls = [
        "/",
        f"/zyklen/{world.cycle.pk}/",
        f"/einheiten/{world.department.pk}/",
        f"/zielbilanzierungen/{review.pk}/",
        f"/planungen/{review.pk}/",
        f"/zielvereinbarungen/{catalog['own'].pk}/",
        "/ziele/",
        f"/ziele/operativ/{catalog['ogoal'].pk}/",
        "/ziele/pruefung/",
        "/ziele/controlling/",
        "/ziele/controlling/?jahr=2025&zeitraum=h1",
        "/ziele/controlling/zielbilanz.pdf",
        "/ziele/controlling/zielbilanz.xlsx",
        "/ziele/zielkatalog.pdf",
        *(f"/ziele/kennzahl/{pk}/" for pk in Indicator.objects.values_list("pk", flat=True)),
        # GET on the transition endpoint with the parameters of a real step.
        f"/uebergang/zielbilanzierung/{review.pk}/?transition=submit&expected_state=draft",
        f"/uebergang/zyklus/{world.cycle.pk}/?transition=to_framework&override_reason=x",
    ]
    before = snapshot()
    client = client_for(world.users[role])
    for url in urls:
        # 404: a draft the role may not see does not exist for it (the access gate);
        # 403: a page of other roles (the catalog check).
        assert client.get(url).status_code in (200, 403, 404, 405), url
    assert snapshot() == before
