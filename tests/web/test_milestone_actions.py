"""Management adds, marks done and removes a cycle's milestones on the cycle's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from notifications.models import Deadline, DeadlineState
from notifications.services.milestones import (
    MilestoneNotPermitted,
    milestone_add,
    milestone_remove,
)
from planning_cycle.models import CycleMilestone, Phase, Role, User
from planning_cycle.services.calendar import CalendarError
from tests.support.world import World, build_world

pytestmark = pytest.mark.django_db

# The world's cycle is of 2026: its phases run to 31.03.2027.
GOOD = {
    "title": "Zwischenbericht II",
    "kind": "interim_report",
    "due_date": "2026-09-15",
    "audience": "council_office",
    "phase": "planning",
}


def deadlines_of(milestone_id: int) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(CycleMilestone), object_id=milestone_id
        )
    )


def add_url(world: World) -> str:
    return reverse("milestone_new", args=[world.cycle.pk])


def test_management_adds_a_milestone_that_opens_its_deadline(
    world: World, client_for: Callable[[User], Client]
) -> None:
    client = client_for(world.users[Role.MANAGEMENT])
    page = client.get(reverse("cycle_overview", args=[world.cycle.pk]))
    assert "Termin hinzufügen" in page.content.decode()
    response = client.post(add_url(world), GOOD)
    assert response.status_code == 302
    milestone = CycleMilestone.objects.get(cycle=world.cycle, title="Zwischenbericht II")
    assert (milestone.kind, milestone.due_date, milestone.phase) == (
        "interim_report",
        dt.date(2026, 9, 15),
        Phase.PLANNING,
    )
    [deadline] = deadlines_of(milestone.pk)
    assert deadline.state == DeadlineState.OPEN and deadline.audience == "council_office"
    page = client.get(response["Location"])
    assert "Zwischenbericht II" in page.content.decode()


def test_a_second_submit_is_refused_with_a_message_not_a_500(
    world: World, client_for: Callable[[User], Client]
) -> None:
    client = client_for(world.users[Role.MANAGEMENT])
    assert client.post(add_url(world), GOOD).status_code == 302
    again = client.post(add_url(world), GOOD)
    assert again.status_code == 400
    assert "Den Termin „Zwischenbericht II“ am 15.09.2026 gibt es in diesem Zyklus schon." in (
        again.content.decode()
    )
    assert CycleMilestone.objects.filter(cycle=world.cycle).count() == 1
    assert Deadline.objects.filter(kind__startswith="milestone_").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"due_date": "2025-12-31"},
            "Der Termin „Zwischenbericht II“ am 31.12.2025 liegt außerhalb des Zyklus "
            "(01.01.2026 bis 31.03.2027).",
        ),
        (
            {"due_date": "2027-04-01"},
            "Der Termin „Zwischenbericht II“ am 01.04.2027 liegt außerhalb des Zyklus "
            "(01.01.2026 bis 31.03.2027).",
        ),
        ({"title": "   "}, "Dieses Feld ist zwingend erforderlich."),
        ({"due_date": "31.02.2026"}, "Bitte ein gültiges Datum eingeben."),
    ],
)
def test_bad_input_is_refused_naming_what_is_wrong(
    world: World, client_for: Callable[[User], Client], change: dict[str, str], message: str
) -> None:
    client = client_for(world.users[Role.MANAGEMENT])
    response = client.post(add_url(world), {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'value="Zwischenbericht II"' in response.content.decode() or change.get("title")
    assert not CycleMilestone.objects.exists()


def test_a_switched_off_phase_is_refused_by_the_service(world: World) -> None:
    world.cycle.deadlines.filter(phase=Phase.RETREAT).update(switched_off=True, due_date=None)
    with pytest.raises(CalendarError, match="gehört zur Phase „Strategieklausur“"):
        milestone_add(
            acting_user=world.users[Role.MANAGEMENT],
            cycle=world.cycle,
            title="Klausur vorbereiten",
            kind="preparation",
            due_date=dt.date(2026, 6, 1),
            audience="departments",
            phase=Phase.RETREAT,
        )


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.STRATEGY_UNIT, Role.COUNCIL_MEMBER])
def test_anyone_but_management_gets_403_and_no_form(
    world: World, client_for: Callable[[User], Client], role: Role
) -> None:
    milestone = milestone_add(
        acting_user=world.users[Role.MANAGEMENT],
        cycle=world.cycle,
        title="Kennzahlen sichten",
        kind="other",
        due_date=dt.date(2026, 5, 4),
        audience="strategy_unit",
    )
    client = client_for(world.users[role])
    page = client.get(reverse("cycle_overview", args=[world.cycle.pk])).content.decode()
    assert "Termin hinzufügen" not in page
    assert reverse("milestone_done", args=[world.cycle.pk, milestone.pk]) not in page
    assert client.post(add_url(world), GOOD).status_code == 403
    args = [world.cycle.pk, milestone.pk]
    assert client.post(reverse("milestone_done", args=args)).status_code == 403
    assert client.post(reverse("milestone_remove", args=args)).status_code == 403
    milestone.refresh_from_db()
    assert milestone.done_at is None
    assert CycleMilestone.objects.count() == 1


def test_another_bodys_cycle_and_milestone_are_unknown(
    world: World, client_for: Callable[[User], Client]
) -> None:
    other = build_world("landkreis-anders")
    theirs = milestone_add(
        acting_user=other.users[Role.MANAGEMENT],
        cycle=other.cycle,
        title="Fremder Termin",
        kind="other",
        due_date=dt.date(2026, 5, 4),
        audience="management",
    )
    client = client_for(world.users[Role.MANAGEMENT])
    assert client.post(reverse("milestone_new", args=[other.cycle.pk]), GOOD).status_code == 404
    for name in ("milestone_done", "milestone_remove"):
        assert client.post(reverse(name, args=[other.cycle.pk, theirs.pk])).status_code == 404
    # Their milestone under our cycle's address is not ours: unknown, or "already removed".
    ours = [world.cycle.pk, theirs.pk]
    assert client.post(reverse("milestone_done", args=ours)).status_code == 404
    assert client.post(reverse("milestone_remove", args=ours)).status_code == 302
    theirs.refresh_from_db()
    assert theirs.done_at is None


def test_done_closes_the_deadline_and_twice_is_harmless(
    world: World, client_for: Callable[[User], Client]
) -> None:
    client = client_for(world.users[Role.MANAGEMENT])
    client.post(add_url(world), GOOD)
    milestone = CycleMilestone.objects.get()
    url = reverse("milestone_done", args=[world.cycle.pk, milestone.pk])
    assert client.post(url).status_code == 302
    milestone.refresh_from_db()
    first = milestone.done_at
    assert first is not None
    [deadline] = deadlines_of(milestone.pk)
    assert deadline.state == DeadlineState.DONE and deadline.next_check_at is None
    assert client.post(url).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_at == first
    page = client.get(reverse("cycle_overview", args=[world.cycle.pk])).content.decode()
    assert url not in page  # no button for a milestone that is done


def test_remove_cancels_the_deadline_and_refuses_a_done_milestone(
    world: World, client_for: Callable[[User], Client]
) -> None:
    client = client_for(world.users[Role.MANAGEMENT])
    client.post(add_url(world), GOOD)
    client.post(add_url(world), {**GOOD, "title": "Zwischenbericht III", "due_date": "2026-12-01"})
    first, second = CycleMilestone.objects.order_by("due_date")
    url = reverse("milestone_remove", args=[world.cycle.pk, first.pk])
    assert client.post(url).status_code == 302
    assert not CycleMilestone.objects.filter(pk=first.pk).exists()
    [deadline] = deadlines_of(first.pk)
    assert deadline.state == DeadlineState.CANCELLED
    again = client.post(url, follow=True)
    assert "Der Termin ist bereits entfernt." in again.content.decode()
    client.post(reverse("milestone_done", args=[world.cycle.pk, second.pk]))
    second.refresh_from_db()
    with pytest.raises(CalendarError, match="ist erledigt und bleibt im Kalender"):
        milestone_remove(acting_user=world.users[Role.MANAGEMENT], milestone=second)
    assert CycleMilestone.objects.filter(pk=second.pk).exists()


def test_the_service_refuses_a_department_head(world: World) -> None:
    with pytest.raises(MilestoneNotPermitted):
        milestone_add(
            acting_user=world.users[Role.DEPARTMENT_HEAD],
            cycle=world.cycle,
            title="X",
            kind="other",
            due_date=dt.date(2026, 5, 4),
            audience="management",
        )
