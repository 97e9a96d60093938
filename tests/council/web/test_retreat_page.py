"""The strategy retreat's page: dates, one result per goal, the goals paper; refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning_cycle.models import OperativeGoal, Role, StrategicGoal, User
from tests.support.council import committees_build
from tests.support.workflows import operative_goal
from tests.support.world import World, build_world
from workflows.council.models import Paper, Retreat, RetreatResult
from workflows.council.states import CyclePaper, RetreatOutcome

pytestmark = pytest.mark.django_db


def page_of(world: World) -> str:
    return reverse("workflows:retreat_detail", kwargs={"cycle_id": world.cycle.pk})


def dates_url(world: World) -> str:
    return reverse("workflows:retreat_dates", kwargs={"cycle_id": world.cycle.pk})


def result_url(world: World, kind: str, goal: StrategicGoal | OperativeGoal) -> str:
    args = {"cycle_id": world.cycle.pk, "kind": kind, "goal_id": goal.pk}
    return reverse("workflows:retreat_result", kwargs=args)


def unit_client(client: Client, world: World) -> Client:
    client.force_login(world.users[Role.STRATEGY_UNIT])
    return client


def goals(world: World) -> tuple[StrategicGoal, OperativeGoal, OperativeGoal, OperativeGoal]:
    first = operative_goal(world.body, "1.1", position=1)
    second = operative_goal(world.body, "1.2", position=2)
    third = operative_goal(world.body, "1.3", position=3)
    return first.strategic_goal, first, second, third


def post_result(
    client: Client, world: World, kind: str, goal: StrategicGoal | OperativeGoal, **data: str
) -> Any:
    prefix = f"{kind}-{goal.pk}"
    return client.post(
        result_url(world, kind, goal), {f"{prefix}-{name}": value for name, value in data.items()}
    )


def dates_record(client: Client, world: World) -> None:
    response = client.post(
        dates_url(world),
        {"start_date": "2026-11-12", "end_date": "2026-11-13", "place": "Haus Düsse"},
    )
    assert response.status_code == 302


def test_the_strategy_unit_records_the_retreat_and_generates_the_goals_paper(
    client: Client, world: World
) -> None:
    committees_build(world)
    strategic, first, second, third = goals(world)
    unit_client(client, world)
    assert "Strategieklausur" in client.get(reverse("workflows:paper_list")).content.decode()

    dates_record(client, world)
    retreat = Retreat.objects.get(cycle=world.cycle)
    assert (str(retreat.start_date), str(retreat.end_date), retreat.place) == (
        "2026-11-12",
        "2026-11-13",
        "Haus Düsse",
    )
    page = client.get(page_of(world)).content.decode()
    assert 'value="2026-11-12"' in page and "Haus Düsse" in page

    assert post_result(client, world, "sz", strategic, outcome="adopt").status_code == 302
    changed = post_result(
        client, world, "oz", first, outcome="change", changed_title="Ganztag ausbauen", note="neu"
    )
    assert changed.status_code == 302
    assert post_result(client, world, "oz", second, outcome="defer").status_code == 302
    assert post_result(client, world, "oz", third, outcome="drop").status_code == 302
    outcomes = dict(RetreatResult.objects.values_list("outcome", "changed_title"))
    assert outcomes == {"adopt": "", "change": "Ganztag ausbauen", "defer": "", "drop": ""}
    page = client.get(page_of(world)).content.decode()
    assert "Ganztag ausbauen" in page and "zurückstellen" in page

    paper_url = reverse("workflows:retreat_paper", kwargs={"cycle_id": world.cycle.pk})
    nobody = client.post(paper_url)
    assert nobody.status_code == 400
    assert "Bitte wählen Sie die federführende Einheit." in nobody.content.decode()
    response = client.post(paper_url, {"lead_department": str(world.department.pk)})

    paper = Paper.objects.get(cycle=world.cycle, cycle_phase=CyclePaper.COUNCIL_RESOLUTION)
    assert response.status_code == 302
    assert response["Location"] == reverse("workflows:paper_detail", args=[paper.pk])
    assert "Gute Bildung für alle" in paper.proposed_resolution
    assert "Ganztag ausbauen" in paper.proposed_resolution
    assert "Operatives Ziel 1.2" not in paper.proposed_resolution
    page = client.get(page_of(world)).content.decode()
    assert paper.reference in page
    assert "Beschlussvorlage erzeugen" not in page

    again = client.post(paper_url, {"lead_department": str(world.department.pk)})
    assert again.status_code == 400
    assert "gibt es schon eine Vorlage" in again.content.decode()
    assert Paper.objects.filter(cycle=world.cycle).count() == 1


def test_bad_input_shows_the_message_at_the_field_and_writes_nothing(
    client: Client, world: World
) -> None:
    _strategic, first, _second, _third = goals(world)
    unit_client(client, world)
    backwards = client.post(
        dates_url(world), {"start_date": "2026-11-13", "end_date": "2026-11-12", "place": "Soest"}
    )
    assert backwards.status_code == 400
    text = backwards.content.decode()
    assert "darf nicht vor dem ersten liegen" in text
    assert 'value="Soest"' in text
    assert not Retreat.objects.exists()

    dates_record(client, world)
    wordless = post_result(client, world, "oz", first, outcome="change", note="Anmerkung X")
    assert wordless.status_code == 400
    text = wordless.content.decode()
    assert "Bitte geben Sie für ein geändertes Ziel die neue Fassung an." in text
    assert f'id="id_oz-{first.pk}-changed_title-error"' in text
    assert "Anmerkung X" in text
    assert not RetreatResult.objects.exists()
    assert OperativeGoal.objects.count() == 3


def test_others_are_refused(client: Client, world: World) -> None:
    strategic, *_rest = goals(world)
    head: User = world.users[Role.DEPARTMENT_HEAD]
    client.force_login(head)
    assert client.get(page_of(world)).status_code == 403
    response = client.post(dates_url(world), {"start_date": "2026-11-12", "end_date": "2026-11-13"})
    assert response.status_code == 403
    assert not Retreat.objects.exists()
    assert "Strategieklausur" not in client.get(reverse("workflows:paper_list")).content.decode()

    other = build_world("anderer-kreis")
    client.force_login(other.users[Role.STRATEGY_UNIT])
    assert client.get(page_of(world)).status_code == 404
    assert client.post(dates_url(world), {"start_date": "2026-11-12"}).status_code == 404
    assert post_result(client, world, "sz", strategic, outcome="adopt").status_code == 404


def test_the_page_reads_with_a_constant_number_of_queries(
    client: Client, world: World, django_assert_num_queries
) -> None:
    strategic, first, _second, _third = goals(world)
    unit_client(client, world)
    dates_record(client, world)
    post_result(client, world, "oz", first, outcome="change", changed_title="Neu gefasst")
    client.get(page_of(world))
    with CaptureQueriesContext(connection) as few:
        assert client.get(page_of(world)).status_code == 200
    few_count = len(few)  # read now: the log is cleared by the next request
    for n in range(4, 9):
        goal = operative_goal(world.body, f"1.{n}", position=n)
        post_result(client, world, "oz", goal, outcome=RetreatOutcome.ADOPT)
    StrategicGoal.objects.create(
        body=world.body, policy_field=strategic.policy_field, number="2", title="Wirtschaft"
    )

    with django_assert_num_queries(few_count):
        response = client.get(page_of(world))

    text = response.content.decode()
    assert "Operatives Ziel 1.8" in text and "Wirtschaft" in text
    assert text.count("Neu gefasst") >= 1
