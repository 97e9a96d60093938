"""The catalog page and the catalog API show every status with its reason, products included."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.planning_cycle.controlling.test_selectors import YEAR, add_field
from tests.support.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(world: World) -> Client:
    client = Client()
    client.force_login(world.users["council_member"])
    return client


def catalog(client: Client, query: str = f"?year={YEAR}") -> dict[str, Any]:
    response = client.get(f"/api/v1/catalog/{query}")
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    return data


def test_the_api_gives_status_and_reason_per_indicator_and_goal(
    world: World, reader: Client
) -> None:
    add_field(world, 1)

    data = catalog(reader)

    assert (data["year"], data["period"], data["status"]["code"]) == (YEAR, "year", "missed")
    field = data["policy_fields"][0]
    assert field["status"]["code"] == "missed"
    assert field["status"]["worst"]["label"] == "Strategisches Ziel 1"
    sgoal = field["strategic_goals"][0]
    assert sgoal["status"]["counts"] == {
        "met": 1,
        "within_tolerance": 0,
        "missed": 1,
        "no_data": 0,
    }
    operative = {o["number"]: o for o in sgoal["operative_goals"]}["1.2"]
    energy = operative["indicators"][0]
    assert energy["status"] == {
        "code": "missed",
        "label": "verfehlt",
        "reason": "Ist 90 liegt über dem Höchstwert 70 (Toleranz 10 %: bis 77).",
    }
    assert operative["measure_status"]["code"] == "late"
    assert {m["status"]["code"] for m in operative["measures"]} == {"late", "done"}
    area = data["product_areas"][0]
    assert (area["key"], area["name"], area["status"]["code"]) == (
        "36",
        "Produktbereich 36",
        "within_tolerance",
    )
    product = area["products"][0]
    assert product["code"] == "361"
    assert product["indicators"][0]["status"]["code"] == "within_tolerance"
    kinds = {v["kind"]: v["target_kind"] for v in product["indicators"][0]["values"]}
    assert kinds == {"actual": None, "target": "exactly"}


def test_the_api_takes_a_period_and_refuses_a_bad_one(world: World, reader: Client) -> None:
    add_field(world, 1)

    half = catalog(reader, f"?year={YEAR}&period=h1")
    assert half["period"] == "h1" and half["status"]["code"] == "no_data"

    for query, field in (
        ("?year=zwei", "/year"),
        ("?year=1800", "/year"),
        ("?period=h3", "/period"),
    ):
        response = reader.get(f"/api/v1/catalog/{query}")
        assert response.status_code == 400, query
        assert [e["field"] for e in response.json()["errors"]] == [field]


def queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_and_api_query_counts_do_not_grow_with_the_catalog(
    world: World, reader: Client
) -> None:
    add_field(world, 1)
    few = (
        queries(reader, f"/ziele/?jahr={YEAR}"),
        queries(reader, f"/api/v1/catalog/?year={YEAR}"),
    )
    for n in range(2, 8):
        add_field(world, n)
    many = (
        queries(reader, f"/ziele/?jahr={YEAR}"),
        queries(reader, f"/api/v1/catalog/?year={YEAR}"),
    )
    assert few == many


def test_the_page_shows_targets_actuals_status_and_products(world: World, reader: Client) -> None:
    add_field(world, 1)

    html = reader.get(f"/ziele/?jahr={YEAR}").content.decode()

    for text in (
        "Ziel 2025",
        "≤\xa070\xa0Index",  # the target with its kind
        "90\xa0Index",  # the actual
        'kern-icon--danger" aria-hidden="true"></span>'
        '<span class="kern-label kern-label--small">verfehlt',  # icon and text, not colour only
        "Ist 90 liegt über dem Höchstwert 70 (Toleranz 10 %: bis 77).",
        "Am schlechtesten: Strategisches Ziel 1 (verfehlt).",  # the policy field's roll-up
        "verspätet",  # the late measure
        "Produktbereich 36",
        "361 Produkt 1",
        "=\xa0100\xa0Plätze",
        "im Toleranzbereich",
        "40 bis 60\xa0%",
        "1. Halbjahr 2025: 10\xa0%",  # the actual of another period, in the history
    ):
        assert text in html, text


def test_the_page_shows_a_bad_choice_at_its_field(world: World, reader: Client) -> None:
    add_field(world, 1)

    response = reader.get("/ziele/?jahr=1234&zeitraum=h3")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Für 1234 liegen keine Werte vor" in html
    assert "Den Zeitraum „h3“ gibt es nicht" in html
    assert 'aria-invalid="true"' in html


def test_another_bodys_catalog_is_not_shown(world: World, reader: Client) -> None:
    other = build_world(key="andere")
    add_field(other, 9)

    data = catalog(reader)
    html = reader.get("/ziele/").content.decode()

    assert data["policy_fields"] == [] and data["product_areas"] == []
    assert "Produkt 9" not in html
