"""Reading, checking and writing a file of indicator actuals through the service."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

from planning_cycle.controlling.actuals_file import ACTUALS_MAX_BYTES
from planning_cycle.models import IndicatorValue, ValueKind
from planning_cycle.services.actuals import (
    SYSTEM,
    ActualsImport,
    Change,
    indicator_actuals_import,
)
from planning_cycle.services.audit import Actor, NotPermitted
from tests.support.world import World, build_world

from .actuals_support import HEADER, Catalog, actuals, build_catalog, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(world: World) -> Catalog:
    return build_catalog(world.body)


def run(
    world: World,
    data: bytes,
    name: str = "ist.csv",
    *,
    dry_run: bool = False,
    actor: Actor = SYSTEM,
) -> ActualsImport:
    handle = io.BytesIO(data)
    handle.name = name
    return indicator_actuals_import(
        acting_user=actor, body=world.body, file=handle, dry_run=dry_run
    )


def messages(result: ActualsImport) -> list[str]:
    return [str(error) for error in result.errors]


@pytest.mark.parametrize(
    ("sep", "value", "expected"),
    [
        (";", "1.234,5", Decimal("1234.5")),
        (";", "12,25", Decimal("12.25")),
        (",", "1234.5", Decimal("1234.5")),
        (",", "1,234.5", Decimal("1234.5")),
        (",", "12,5", Decimal("12.5")),  # quoted: a decimal comma in a comma file
        ("\t", "-3", Decimal(-3)),
    ],
)
def test_csv_separators_and_decimal_styles(
    world: World, catalog: Catalog, sep: str, value: str, expected: Decimal
) -> None:
    data = csv_bytes([["Kennzahl", "Jahr", "Wert"], ["quote", "2025", value]], sep=sep)

    result = run(world, data)

    assert result.written, messages(result)
    assert actuals(catalog.quota) == {(2025, "year"): expected}


def test_bom_and_windows_1252_are_read(world: World, catalog: Catalog) -> None:
    bom = b"\xef\xbb\xbf" + csv_bytes([["Kennzahl", "Jahr", "Wert"], ["quote", "2024", "1"]])
    latin = csv_bytes(
        [["Kennzahl", "Jahr", "Wert", "Kommentar"], ["quote", "2025", "2", "Größe ändern"]],
        encoding="cp1252",
    )

    assert run(world, bom).written
    assert run(world, latin).written

    assert actuals(catalog.quota) == {(2024, "year"): 1, (2025, "year"): 2}
    stored = IndicatorValue.objects.get(indicator=catalog.quota, year=2025)
    assert stored.comment == "Größe ändern"


def test_xlsx_takes_the_istwerte_sheet_and_numbers_as_written(
    world: World, catalog: Catalog
) -> None:
    data = xlsx_bytes(
        [
            ["kennzahl", "JAHR", "Zeitraum", "Wert"],
            ["quote", 2025, "Q2", 12.3],
            ["quote", 2025, "h1", "4,5"],
        ],
        title="Istwerte",
        before=True,
    )

    result = run(world, data, "export.xlsx")

    assert result.written, messages(result)
    assert actuals(catalog.quota) == {(2025, "q2"): Decimal("12.3"), (2025, "h1"): Decimal("4.5")}


def test_a_product_with_one_indicator_is_matched_by_its_code(
    world: World, catalog: Catalog
) -> None:
    data = xlsx_bytes([["Produkt", "Jahr", "Wert", "Quelle"], [36100, 2025, 17, "Finanzverfahren"]])

    result = run(world, data, "fin.xlsx")

    assert result.written, messages(result)
    assert actuals(catalog.cases) == {(2025, "year"): 17}
    assert IndicatorValue.objects.get(indicator=catalog.cases).source == "Finanzverfahren"


def test_preview_writes_nothing_and_tells_new_changed_unchanged(
    world: World, catalog: Catalog
) -> None:
    IndicatorValue.objects.create(
        body=world.body, indicator=catalog.quota, year=2025, kind=ValueKind.ACTUAL, value=5
    )
    IndicatorValue.objects.create(
        body=world.body, indicator=catalog.cases, year=2025, kind=ValueKind.ACTUAL, value=7
    )
    data = csv_bytes(
        [
            HEADER,
            ["quote", "", "2025", "", "6", "", ""],
            ["faelle", "", "2025", "Jahr", "7", "", ""],
            ["beratung-a", "", "2025", "", "1", "", ""],
        ]
    )

    preview = run(world, data, dry_run=True)

    assert not preview.written and preview.valid
    assert [(r.indicator.key, r.old_value, r.new_value, r.change) for r in preview.rows] == [
        ("quote", 5, 6, Change.CHANGED),
        ("faelle", 7, 7, Change.UNCHANGED),
        ("beratung-a", None, 1, Change.NEW),
    ]
    assert actuals(catalog.quota) == {(2025, "year"): 5}
    assert not actuals(catalog.twin_a)

    written = run(world, data)

    assert written.written
    assert (written.count(Change.NEW), written.count(Change.CHANGED)) == (1, 1)
    assert actuals(catalog.quota) == {(2025, "year"): 6}
    assert actuals(catalog.twin_a) == {(2025, "year"): 1}


BROKEN = [
    (["quote", "", "2025", "", "12,3,4"], "Zeile 2, Spalte „Wert“: „12,3,4“ ist keine Zahl."),
    (["quote", "", "2025", "", ""], "Zeile 2, Spalte „Wert“: Der Wert fehlt."),
    (["quote", "", "20x5", "", "1"], "Zeile 2, Spalte „Jahr“: „20x5“ ist kein Jahr"),
    (["quote", "", "", "", "1"], "Zeile 2, Spalte „Jahr“: Das Jahr fehlt."),
    (["quote", "", "2025", "Q5", "1"], "Zeile 2, Spalte „Zeitraum“: „Q5“ ist kein Zeitraum"),
    (["nix", "", "2025", "", "1"], "Zeile 2, Spalte „Kennzahl“: Eine Kennzahl „nix“ gibt es"),
    (["", "99999", "2025", "", "1"], "Zeile 2, Spalte „Produkt“: Ein Produkt „99999“ gibt es"),
    (
        ["", "36200", "2025", "", "1"],
        "Zeile 2, Spalte „Produkt“: Das Produkt „36200“ hat mehrere Kennzahlen "
        "(beratung-a, beratung-b)",
    ),
    (
        ["quote", "36100", "2025", "", "1"],
        "Zeile 2, Spalte „Kennzahl“: Die Kennzahl „quote“ gehört nicht zum Produkt „36100“.",
    ),
    (
        ["", "", "2025", "", "1"],
        "Zeile 2, Spalte „Kennzahl“: Keine Kennzahl und kein Produkt angegeben.",
    ),
    (
        ["quote", "", "2025", "", "1234567890123"],
        "Zeile 2, Spalte „Wert“: „1234567890123“ ist zu lang",
    ),
    (["quote", "", "2025", "", "1,23456"], "Zeile 2, Spalte „Wert“: „1,23456“ ist zu lang"),
]


@pytest.mark.parametrize(("row", "message"), BROKEN)
def test_each_broken_row_names_row_and_column_and_nothing_is_written(
    world: World, catalog: Catalog, row: list[str], message: str
) -> None:
    good = ["faelle", "", "2025", "", "3"]
    data = csv_bytes([HEADER[:5], row, good])

    result = run(world, data)

    assert not result.written
    assert len(result.errors) == 1, messages(result)
    assert messages(result)[0].startswith(message), messages(result)
    assert not IndicatorValue.objects.exists()


def test_a_duplicate_row_names_the_first_one(world: World, catalog: Catalog) -> None:
    data = csv_bytes(
        [
            ["Kennzahl", "Produkt", "Jahr", "Zeitraum", "Wert"],
            ["faelle", "", "2025", "H1", "1"],
            ["quote", "", "2025", "", "1"],
            ["", "36100", "2025", "1. Halbjahr", "2"],
        ]
    )

    result = run(world, data)

    assert messages(result) == [
        "Zeile 4: Der Istwert von Kennzahl „faelle“ für 2025, 1. Halbjahr steht schon in Zeile 2."
    ]
    assert not IndicatorValue.objects.exists()


def test_another_bodys_keys_are_not_found(world: World, catalog: Catalog) -> None:
    other = build_world("stadt-anders")
    build_catalog(other.body, prefix="x-")
    data = csv_bytes([["Kennzahl", "Jahr", "Wert"], ["x-quote", "2025", "1"]])

    result = run(world, data)

    assert messages(result) == [
        "Zeile 2, Spalte „Kennzahl“: Eine Kennzahl „x-quote“ gibt es in dieser Kommune nicht."
    ]
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "leer.csv", "Die Datei „leer.csv“ ist leer."),
        (b"Kennzahl;Jahr;Wert\r\n", "kopf.csv", "Die Datei „kopf.csv“ enthält keine Datenzeilen"),
        (b"%PDF-1.7 ...", "bericht.pdf", "Die Datei „bericht.pdf“ ist keine CSV- oder XLSX-Datei."),
        (
            b"PK\x03\x04kaputt",
            "kaputt.xlsx",
            "Die Datei „kaputt.xlsx“ ist keine lesbare XLSX-Datei.",
        ),
        (b"a\x00b", "bin.csv", "Die Datei „bin.csv“ ist keine CSV- oder XLSX-Datei."),
        (b"x" * (ACTUALS_MAX_BYTES + 1), "gross.csv", "Die Datei „gross.csv“ ist zu groß"),
        (
            b"Kennzahl;Wert\r\nquote;1\r\n",
            "ohne.csv",
            "Zeile 1: Die Kopfzeile hat keine Spalte „Jahr“.",
        ),
        (
            b"Name;Jahr;Wert\r\nquote;2025;1\r\n",
            "ohne.csv",
            "Zeile 1: Die Kopfzeile braucht eine Spalte",
        ),
    ],
)
def test_whole_file_errors(
    world: World, catalog: Catalog, data: bytes, name: str, message: str
) -> None:
    result = run(world, data, name)

    assert not result.written
    assert messages(result)[0].startswith(message), messages(result)


def test_every_error_of_a_file_is_listed(world: World, catalog: Catalog) -> None:
    data = csv_bytes(
        [
            ["Kennzahl", "Jahr", "Wert"],
            ["quote", "2025", "x"],
            ["ok?", "2025", "1"],
            ["quote", "1", "1"],
        ]
    )

    result = run(world, data)

    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Wert"),
        (4, "Jahr"),
        (3, "Kennzahl"),
    ]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("strategy_unit", True),
        ("management", True),
        ("department_head", False),
        ("department_editor", False),
        ("committee_secretary", False),
        ("council_member", False),
        ("external_stakeholder", False),
    ],
)
def test_only_strategy_unit_and_management_may_import(
    world: World, catalog: Catalog, role: str, allowed: bool
) -> None:
    data = csv_bytes([["Kennzahl", "Jahr", "Wert"], ["quote", "2025", "1"]])

    if allowed:
        assert run(world, data, actor=world.users[role]).written
    else:
        with pytest.raises(NotPermitted):
            run(world, data, actor=world.users[role])
        assert not IndicatorValue.objects.exists()


def test_management_of_another_body_may_not_import(world: World, catalog: Catalog) -> None:
    other = build_world("stadt-anders")
    data = csv_bytes([["Kennzahl", "Jahr", "Wert"], ["quote", "2025", "1"]])

    with pytest.raises(NotPermitted):
        run(world, data, actor=other.users["management"])


def test_the_check_reads_a_constant_number_of_queries(
    world: World, catalog: Catalog, django_assert_num_queries: Any
) -> None:
    small = csv_bytes(
        [
            ["Kennzahl", "Produkt", "Jahr", "Wert"],
            ["quote", "", "2025", "1"],
            ["", "36100", "2025", "1"],
        ]
    )
    rows = [["Kennzahl", "Produkt", "Jahr", "Wert"]]
    rows += [["quote", "", str(year), "1"] for year in range(2000, 2030)]
    rows += [["", "36100", str(year), "1"] for year in range(2000, 2030)]
    large = csv_bytes(rows)

    # Indicators by key, by product, the product codes, the stored actuals; the lock check's
    # goal and product departments (no department here: no reviews to read).
    with django_assert_num_queries(6):
        assert run(world, small, dry_run=True).valid
    with django_assert_num_queries(6):
        assert len(run(world, large, dry_run=True).rows) == 60
