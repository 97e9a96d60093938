"""The reports: the Zielbilanz as PDF and XLSX, the catalog as PDF, the indicator page."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from planning_cycle.models import IndicatorValue, ValueKind
from tests.planning_cycle.controlling.test_overview import client_of, count
from tests.planning_cycle.controlling.test_selectors import YEAR, add_field
from tests.support.world import World, build_world

pytestmark = pytest.mark.django_db
PDF = f"/ziele/controlling/zielbilanz.pdf?jahr={YEAR}"
XLSX = f"/ziele/controlling/zielbilanz.xlsx?jahr={YEAR}"


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_zielbilanz_pdf_has_pages_goals_statuses_and_the_body(world: World) -> None:
    add_field(world, 1)

    response = client_of(world, "strategy_unit").get(PDF)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Zielbilanz_2025.pdf"'
    pages, text = pdf_text(response.content)
    assert pages >= 1
    for expected in (
        "Zielbilanz 2025",
        world.body.name,
        "Feld 1",
        "1 Ziel 1",
        "1.2 verfehlt",
        "Energieverbrauch",
        "Ist 90 liegt über dem Höchstwert 70",
        "verfehlt: 1",  # the chart's text label
        f"Seite 1 von {pages}",
    ):
        assert expected in text, expected


def test_the_zielbilanz_xlsx_has_the_sheets_and_values(world: World) -> None:
    add_field(world, 1)

    response = client_of(world, "management").get(XLSX)

    assert response.status_code == 200
    assert 'filename="Zielbilanz_2025.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Übersicht", "Kennzahlen", "Maßnahmen"]
    overview = list(book["Übersicht"].iter_rows(values_only=True))
    assert overview[0][:2] == ("Politikfeld", "Status")
    assert overview[1][:6] == ("Feld 1", "verfehlt", 1, 0, 1, 0)
    indicators = {row[3]: row for row in book["Kennzahlen"].iter_rows(min_row=2, values_only=True)}
    energy = indicators["Energieverbrauch"]
    assert (energy[1], energy[6], energy[7], energy[8]) == ("1.2", 70, 90, "verfehlt")
    assert book["Kennzahlen"]["G2"].number_format == "#,##0.####"
    assert book["Kennzahlen"].freeze_panes == "A2"
    measures = {row[1]: row for row in book["Maßnahmen"].iter_rows(min_row=2, values_only=True)}
    assert measures["spät"][5] == "verspätet"
    assert book["Maßnahmen"]["D2"].number_format == "DD.MM.YYYY"


def test_the_catalog_pdf_has_the_goals(world: World) -> None:
    add_field(world, 1)

    response = client_of(world, "council_member").get("/ziele/zielkatalog.pdf")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Zielkatalog.pdf"'
    pages, text = pdf_text(response.content)
    assert pages >= 1 and "Zielkatalog" in text and "1.2 verfehlt" in text and "Feld 1" in text


@pytest.mark.parametrize("role", ["department_head", "department_editor", "council_member"])
def test_department_and_council_users_get_no_zielbilanz(world: World, role: str) -> None:
    add_field(world, 1)
    client = client_of(world, role)

    assert client.get(PDF).status_code == 403
    assert client.get(XLSX).status_code == 403


def test_downloads_change_nothing_and_refuse_post(world: World) -> None:
    add_field(world, 1)
    client = client_of(world, "management")
    before = list(IndicatorValue.objects.values_list("pk", "value"))

    assert client.get(XLSX).status_code == 200
    assert client.post(XLSX).status_code == 405
    assert list(IndicatorValue.objects.values_list("pk", "value")) == before


def test_the_indicator_page_has_a_trend_chart_and_a_table(world: World) -> None:
    rows = add_field(world, 1)
    energy = rows["energy"]
    IndicatorValue.objects.create(
        body=world.body, indicator=energy, kind=ValueKind.TARGET, year=2024, value=Decimal(80)
    )
    IndicatorValue.objects.create(
        body=world.body, indicator=energy, kind=ValueKind.ACTUAL, year=2024, value=Decimal(85)
    )

    html = client_of(world, "council_member").get(f"/ziele/kennzahl/{energy.pk}/").content.decode()

    assert "<svg" in html and 'stroke-dasharray="6 4"' in html  # targets dashed
    assert "Zielwert (gestrichelt, Quadrate)" in html  # a legend in text
    assert "<caption" in html and "Ziel- und Istwerte je Zeitraum" in html
    assert html.index(">2024<") < html.index(">2025<")  # oldest first
    assert "Ist 90 liegt über dem Höchstwert 70" in html
    assert " style=" not in html


def test_another_bodys_indicator_is_404(world: World) -> None:
    other = add_field(build_world(key="andere"), 9)

    response = client_of(world, "management").get(f"/ziele/kennzahl/{other['energy'].pk}/")

    assert response.status_code == 404


def test_the_indicator_page_is_linked_from_the_catalog(world: World) -> None:
    rows = add_field(world, 1)

    html = client_of(world, "council_member").get(f"/ziele/?jahr={YEAR}").content.decode()

    assert f'href="/ziele/kennzahl/{rows["energy"].pk}/"' in html


def test_the_xlsx_query_count_does_not_grow_with_the_catalog(world: World) -> None:
    client: Client = client_of(world, "management")
    add_field(world, 1)
    few = count(client, XLSX)
    for n in range(2, 6):
        add_field(world, n)

    assert count(client, XLSX) == few
