"""Query parameters are what the schema declares: `page_size`, id filters and `ordering`.

The schema states the range of `page_size` (1 to 100) and of every id filter (1 to the
largest id), and that `ordering` names at least one field; the server refuses what lies
outside with a 400 naming the parameter, and takes everything inside.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from planning_cycle.api.ids import MAX_ID
from tests.support.world import World

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
PAGE_SIZE_MESSAGE = "Bitte genau eine ganze Zahl von 1 bis 100 angeben."
EMPTY_ORDERING_MESSAGE = "Bitte mindestens ein Feld angeben, nach dem sortiert wird."


@pytest.fixture
def management(world: World, client: Client) -> Client:
    client.force_login(world.users["management"])
    return client


def errors(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    found: list[dict[str, str]] = response.json()["errors"]
    return found


@pytest.mark.parametrize(
    "query",
    [
        "page_size=true",
        "page_size=null",
        "page_size=abc",
        "page_size=2.5",
        "page_size=",
        "page_size=0",
        "page_size=-1",
        "page_size=101",
        "page_size=99999999999999999999999",
        "page_size=+5",
        "page_size=%205",
        "page_size=5&page_size=6",
    ],
)
def test_a_page_size_that_is_not_one_whole_number_from_1_to_100_is_a_400(
    management: Client, query: str
) -> None:
    response = management.get(f"/api/v1/departments/?{query}")

    assert errors(response) == [{"field": "/page_size", "message": PAGE_SIZE_MESSAGE}]


@pytest.mark.parametrize(("size", "rows"), [("1", 1), ("2", 2), ("100", 3), ("007", 3)])
def test_a_page_size_from_1_to_100_is_taken(management: Client, size: str, rows: int) -> None:
    response = management.get(f"/api/v1/departments/?page_size={size}")

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == rows


def test_the_page_size_message_speaks_english(management: Client) -> None:
    with translation.override(translation.get_language()):
        response = management.get("/api/v1/departments/?page_size=true", HTTP_ACCEPT_LANGUAGE="en")

    assert errors(response) == [
        {"field": "/page_size", "message": "Please give exactly one whole number from 1 to 100."}
    ]


@pytest.mark.parametrize("query", ["ordering=", "ordering=code,", "ordering=,code"])
def test_an_empty_ordering_is_a_400_naming_it(management: Client, query: str) -> None:
    response = management.get(f"/api/v1/departments/?{query}")

    assert errors(response) == [{"field": "/ordering", "message": EMPTY_ORDERING_MESSAGE}]


def test_an_ordering_sorts(management: Client) -> None:
    response = management.get("/api/v1/departments/?ordering=-code")

    codes = [row["code"] for row in response.json()["results"]]
    assert codes == ["FD 33", "FD 32", "FD 31"]


@pytest.mark.parametrize("value", ["0", "-1", str(MAX_ID + 1), "x"])
def test_an_id_filter_out_of_its_range_is_a_400_naming_it(management: Client, value: str) -> None:
    response = management.get(f"/api/v1/reviews/?department={value}")

    assert [error["field"] for error in errors(response)] == ["/department"]


@pytest.mark.parametrize("value", ["1", str(MAX_ID)])
def test_an_id_filter_in_its_range_is_taken(management: Client, value: str) -> None:
    assert management.get(f"/api/v1/reviews/?department={value}").status_code == 200


@pytest.fixture(scope="module")
def schema(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    loaded: dict[str, Any] = response.json()
    return loaded


def parameters(schema: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found = [
        parameter["schema"]
        for item in schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter["name"] == name and parameter["in"] == "query"
    ]
    assert found, name
    return found


def test_the_schema_declares_the_range_of_page_size(schema: dict[str, Any]) -> None:
    for declared in parameters(schema, "page_size"):
        assert declared == {"type": "integer", "minimum": 1, "maximum": 100}


@pytest.mark.parametrize(
    "name", ["cycle", "department", "operative_goal", "indicator", "product", "parent"]
)
def test_the_schema_declares_the_range_of_every_id_filter(
    schema: dict[str, Any], name: str
) -> None:
    for declared in parameters(schema, name):
        assert declared == {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def test_the_schema_declares_that_an_ordering_names_a_field(schema: dict[str, Any]) -> None:
    for declared in parameters(schema, "ordering"):
        assert declared["type"] == "array" and declared["minItems"] == 1


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("takes_part=null", "takes_part", "Bitte „true“ oder „false“ angeben."),
        ("takes_part=1", "takes_part", "Bitte „true“ oder „false“ angeben."),
        ("takes_part=", "takes_part", "Bitte „true“ oder „false“ angeben."),
        (
            "takes_part=true&takes_part=false",
            "takes_part",
            "Bitte diesen Parameter höchstens einmal angeben.",
        ),
        ("parent=", "parent", "Bitte einen Wert angeben oder den Parameter weglassen."),
        (
            "ordering=code&ordering=name",
            "ordering",
            "Bitte diesen Parameter höchstens einmal angeben.",
        ),
    ],
)
def test_a_filter_given_twice_empty_or_not_a_boolean_is_a_400_naming_it(
    management: Client, query: str, field: str, message: str
) -> None:
    response = management.get(f"/api/v1/departments/?{query}")

    assert errors(response) == [{"field": f"/{field}", "message": message}]


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/reviews/", "state=", "state"),
        ("/api/v1/reviews/", "cycle=", "cycle"),
        ("/api/v1/cycles/", "year=", "year"),
        ("/api/v1/notifications/", "unread=null", "unread"),
        ("/api/v1/notifications/", "unread=true&unread=true", "unread"),
    ],
)
def test_every_list_refuses_what_its_schema_does_not_declare(
    management: Client, path: str, query: str, field: str
) -> None:
    assert [error["field"] for error in errors(management.get(f"{path}?{query}"))] == [f"/{field}"]


@pytest.mark.parametrize(("query", "rows"), [("takes_part=true", 3), ("takes_part=false", 0)])
def test_a_boolean_filter_is_taken(management: Client, query: str, rows: int) -> None:
    response = management.get(f"/api/v1/departments/?{query}")

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == rows


def test_an_empty_text_filter_is_taken(management: Client) -> None:
    # A text may be empty (the schema declares a string): no product has the code "".
    response = management.get("/api/v1/products/?code=")

    assert response.status_code == 200, response.content
    assert response.json()["results"] == []
