"""Proposing a goal agreement on the operative goal page and in the admin."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests.support.factories import DepartmentFactory, UserFactory
from tests.support.workflows import operative_goal
from workflows.agreements import admin as workflows_admin
from workflows.models import AgreementState, GoalAgreement
from workflows.services.content import ContentError


def test_department_head_proposes_on_the_goal_page(world, catalog, client_for):
    goal = operative_goal(world.body, "1.2", position=1)
    page = reverse("operative_goal_detail", args=[goal.pk])
    url = reverse("operative_goal_propose", args=[goal.pk])
    head = client_for(world.users["department_head"])

    html = head.get(page).content.decode()
    assert "Zielvereinbarung vorschlagen" in html
    assert f'<option value="{world.departments[0].pk}"' in html
    assert f'<option value="{world.departments[1].pk}"' not in html  # not theirs

    response = head.post(url, {"department": world.departments[0].pk}, follow=True)
    assert response.redirect_chain == [(f"{page}#vereinbarungen", 302)]
    assert "wurde vorgeschlagen" in response.content.decode()
    created = GoalAgreement.objects.get(operative_goal=goal)
    assert (created.department, created.cycle, created.state) == (
        world.departments[0],
        world.cycle,
        AgreementState.PROPOSED,
    )

    # Twice: refused with the message, the choice kept, still one agreement.
    response = head.post(url, {"department": world.departments[0].pk})
    assert response.status_code == 409
    html = response.content.decode()
    assert "gibt es im Planungszyklus 2026 bereits eine Zielvereinbarung" in html
    assert f'<option value="{world.departments[0].pk}" selected>' in html
    assert GoalAgreement.objects.filter(operative_goal=goal).count() == 1

    # Another department's id is not a choice for them.
    assert head.post(url, {"department": world.departments[1].pk}).status_code == 400

    # Roles without agreement_edit see no form and are refused.
    council = client_for(world.users["council_member"])
    assert "Zielvereinbarung vorschlagen" not in council.get(page).content.decode()
    response = council.post(url, {"department": world.departments[2].pk})
    assert response.status_code == 403
    assert "keine Zielvereinbarung vorschlagen" in response.content.decode()
    assert GoalAgreement.objects.filter(operative_goal=goal).count() == 1


@pytest.fixture
def superuser(db):
    return UserFactory(body=None, is_staff=True, is_superuser=True)


def _admin_post(client, data):
    return client.post(reverse("admin:workflows_goalagreement_add"), data)


def test_admin_adds_through_the_service_and_shows_refusals(
    world, catalog, superuser, client_for, monkeypatch
):
    client = client_for(superuser)
    goal = operative_goal(world.body, "1.2", position=1)
    staff_unit = DepartmentFactory(body=world.body, code="StS", takes_part=False)
    data = {"cycle": world.cycle.pk, "operative_goal": goal.pk, "effects": "Mehr Plätze"}

    # Refused by the service: the form comes back with the message and the input.
    response = _admin_post(client, {**data, "department": staff_unit.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "nimmt nicht am Planungszyklus teil" in html
    assert "Mehr Plätze" in html
    assert not GoalAgreement.objects.filter(operative_goal=goal).exists()

    # Accepted: proposed through the service, body taken from the cycle, answers stored.
    response = _admin_post(client, {**data, "department": world.departments[2].pk})
    assert response.status_code == 302
    created = GoalAgreement.objects.get(operative_goal=goal)
    assert (created.body, created.state, created.effects) == (
        world.body,
        AgreementState.PROPOSED,
        "Mehr Plätze",
    )

    # Refused only when saving (changed since the form was checked): an error message,
    # no row, no "added" log entry, and no crash building the response.
    real = workflows_admin._propose
    calls = []

    def refuse_on_save(user, obj):
        calls.append(obj)
        if len(calls) == 2:
            raise ContentError("Inzwischen abgeschlossen.", status=409)
        return real(user, obj)

    monkeypatch.setattr(workflows_admin, "_propose", refuse_on_save)
    logged = LogEntry.objects.count()
    response = _admin_post(client, {**data, "department": world.departments[1].pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:workflows_goalagreement_add")
    assert len(calls) == 2
    assert GoalAgreement.objects.filter(operative_goal=goal).count() == 1
    assert LogEntry.objects.count() == logged
    page = client.get(response["Location"]).content.decode()
    assert "Inzwischen abgeschlossen." in page
