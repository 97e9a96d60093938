"""The controlling overview: statuses rolled up per policy field, for controlling roles only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from planning_cycle.controlling.overview import controlling_overview
from planning_cycle.models import Indicator, OperativeGoal
from tests.planning_cycle.controlling.test_selectors import YEAR, add_field
from tests.support.world import World, build_world

pytestmark = pytest.mark.django_db
URL = f"/ziele/controlling/?jahr={YEAR}"


def client_of(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_overview_shows_the_roll_up_per_policy_field(world: World) -> None:
    rows = add_field(world, 1)

    html = client_of(world, "management").get(URL).content.decode()

    assert "Feld 1" in html
    assert "Am schlechtesten: Strategisches Ziel 1 (verfehlt)." in html  # the field's reason
    # The worst child is linked: the strategic goal in the catalog, the operative goal's page.
    assert f"#strategisch-{rows['sgoal'].pk}" in html
    assert f'href="/ziele/operativ/{rows["missed"].pk}/">1.2 verfehlt</a>' in html
    # Icon and text, never colour alone; the chart has text labels per status.
    assert 'kern-icon--danger" aria-hidden="true"></span><span class="kern-label' in html
    assert "verfehlt: 1" in html and "erfüllt: 1" in html
    assert f'href="/ziele/kennzahl/{rows["energy"].pk}/"' in html
    assert "/ziele/controlling/zielbilanz.pdf?jahr=2025&amp;zeitraum=year" in html
    assert "/ziele/controlling/zielbilanz.xlsx?jahr=2025&amp;zeitraum=year" in html


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("management", 200),
        ("strategy_unit", 200),
        ("department_head", 403),
        ("department_editor", 403),
        ("council_member", 403),
    ],
)
def test_only_management_and_the_strategy_unit_see_the_overview(
    world: World, role: str, code: int
) -> None:
    add_field(world, 1)

    assert client_of(world, role).get(URL).status_code == code


def test_another_bodys_goals_are_not_shown(world: World) -> None:
    other = build_world(key="andere")
    add_field(other, 9)

    html = client_of(world, "management").get(URL).content.decode()

    assert "Feld 9" not in html


def count(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_indicators(world: World) -> None:
    client = client_of(world, "management")
    add_field(world, 1)
    few = count(client, URL)
    for n in range(2, 9):
        add_field(world, n)

    assert count(client, URL) == few


def test_the_overview_reads_only_the_statuses_queries(world: World) -> None:
    add_field(world, 1)
    add_field(world, 2)
    with CaptureQueriesContext(connection) as captured:
        overview = controlling_overview(body_id=world.body.pk, year=YEAR)
    # body_status's seven; the goals and fields shown come from the same rows.
    assert len(captured) == 7
    assert [row.policy_field.name for row in overview.fields] == ["Feld 1", "Feld 2"]
    assert all(goal.children for row in overview.fields for goal in row.goals)


def test_goal_titles_and_names_are_escaped(world: World) -> None:
    add_field(world, 1)
    OperativeGoal.objects.filter(number="1.2").update(title='<script>alert("x")</script> & Co')
    Indicator.objects.filter(key="energie-1").update(name="<b>Energie</b>")

    html = client_of(world, "management").get(URL).content.decode()

    assert "<script>alert" not in html and "<b>Energie</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert "&lt;b&gt;Energie&lt;/b&gt;" in html  # the worst child's link text
