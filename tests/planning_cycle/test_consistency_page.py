"""The consistency check's page (/ziele/pruefung/) and its link on the catalog page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from planning_cycle.models import Body, OperativeGoal, Role, User
from tests.support.goal_factories import (
    MeasureFactory,
    OperativeGoalFactory,
    ProductFactory,
    complete_catalog,
)
from tests.support.world import World, build_world

URL = "/ziele/pruefung/"
CATALOG = "/ziele/"
LINK = "Konsistenzprüfung des Zielkatalogs öffnen"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_defects(body: Body, count: int) -> list[OperativeGoal]:
    """Add operative goals without indicator and product, each with an undated measure."""
    (sgoal, *_) = complete_catalog(body, 1)
    goals = []
    for i in range(count):
        goal = OperativeGoalFactory(body=body, strategic_goal=sgoal, number=f"1.{i + 2}")
        MeasureFactory(body=body, operative_goal=goal, due_date=None)
        goals.append(goal)
    return goals


@pytest.fixture
def defects(world: World) -> dict[str, object]:
    goals = add_defects(world.body, 2)
    duplicate = OperativeGoalFactory(
        body=world.body, strategic_goal=goals[0].strategic_goal, number="1.2", key="1.2 (2)"
    )
    product = ProductFactory(body=world.body, code="999", name="Unverknüpftes Produkt")
    return {"goals": goals, "duplicate": duplicate, "product": product}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.MANAGEMENT, True),
        (Role.STRATEGY_UNIT, True),
        (Role.DEPARTMENT_HEAD, False),
        (Role.DEPARTMENT_EDITOR, False),
        (Role.COMMITTEE_SECRETARY, False),
        (Role.COMMITTEE_CLERK, False),
        (Role.COUNCIL_MEMBER, False),
    ],
)
def test_who_reads_the_check(world: World, defects, role: Role, allowed: bool) -> None:
    client = client_of(world.users[role.value])
    response = client.get(URL)
    catalog = client.get(CATALOG).content.decode()
    if allowed:
        assert response.status_code == 200
        assert "goals/check.html" in [t.name for t in response.templates]
        assert LINK in catalog
        assert f'href="{URL}"' in catalog
    else:
        assert response.status_code == 403
        assert "403.html" in [t.name for t in response.templates]
        assert "Ziele ohne Kennzahl" not in response.content.decode()
        assert LINK not in catalog


def test_external_stakeholders_and_strangers_do_not_see_it(world: World, defects) -> None:
    response = client_of(world.users[Role.EXTERNAL_STAKEHOLDER.value]).get(URL)
    assert "notices/external.html" in [t.name for t in response.templates]
    assert "Ziele ohne Kennzahl" not in response.content.decode()
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/anmelden/")


def test_the_page_lists_the_defects_grouped_with_counts_and_links(world: World, defects) -> None:
    goals = defects["goals"]
    duplicate = defects["duplicate"]
    response = client_of(world.users["strategy_unit"]).get(URL)
    html = response.content.decode()
    # The count: 3 goals without indicator, 2 undated measures, 3 goals without product, 1 product
    # without goal, 2 goals numbered 1.2.
    assert "11 Mängel gefunden." in html
    for label, count in [
        ("Ziele ohne Kennzahl", 3),
        ("Maßnahmen ohne Frist", 2),
        ("Ziele ohne Produkt", 3),
        ("Produkte ohne Ziel", 1),
        ("Doppelte Nummern", 2),
    ]:
        assert f">{label} ({count})</h2>" in html
    assert "Kennzahlen ohne Zielwert" not in html
    # Each object links to where it is shown: the operative goal's page, its measures.
    assert f'href="/ziele/operativ/{goals[0].pk}/"' in html
    assert f'href="/ziele/operativ/{goals[1].pk}/#massnahmen"' in html
    assert f'href="/ziele/operativ/{duplicate.pk}/"' in html
    assert "Nummer doppelt (auch 1.2 „" in html
    # Products are shown in the admin only: named, without a link for non-staff users.
    assert "Produkt 999 „Unverknüpftes Produkt“: keinem Ziel zugeordnet" in html
    assert "/admin/" not in html


def test_staff_get_an_edit_link_where_they_may_change_the_object(world: World, defects) -> None:
    user = world.users["strategy_unit"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="change_product"))
    html = client_of(user).get(URL).content.decode()
    product = defects["product"]
    assert f'href="/admin/planning_cycle/product/{product.pk}/change/"' in html
    assert "/admin/planning_cycle/operativegoal/" not in html


def test_a_clean_catalog_says_so(world: World) -> None:
    complete_catalog(world.body, 2)
    html = client_of(world.users["management"]).get(URL).content.decode()
    assert "Keine Mängel gefunden" in html
    assert "<h2" not in html.split("<main", 1)[-1]


def test_another_bodys_defects_are_not_shown(world: World, defects) -> None:
    other = build_world(key="andere")
    OperativeGoalFactory(body=other.body, number="7.7", title="Fremdes Ziel")
    html = client_of(world.users["strategy_unit"]).get(URL).content.decode()
    assert "Fremdes Ziel" not in html
    assert "Fremdes Ziel" in client_of(other.users["strategy_unit"]).get(URL).content.decode()


def page_queries(client: Client) -> int:
    client.get(URL)  # warm the session and the content types
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_needs_the_same_queries_for_any_catalog(db) -> None:
    small = build_world(key="klein")
    large = build_world(key="gross")
    add_defects(small.body, 2)
    add_defects(large.body, 30)
    few = page_queries(client_of(small.users["strategy_unit"]))
    many = page_queries(client_of(large.users["strategy_unit"]))
    assert few == many
