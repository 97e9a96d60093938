"""An import refuses actuals of a year whose goal review is accepted; a written one is audited."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from planning_cycle.models import AuditAction, AuditEntry, IndicatorValue, ValueKind
from planning_cycle.services.actuals import SYSTEM, ActualsImport, indicator_actuals_import
from planning_cycle.services.audit import Actor
from tests.support.workflows import walk
from tests.support.world import World
from workflows.models import DepartmentReview

from .actuals_support import Catalog, actuals, build_catalog, csv_bytes

pytestmark = pytest.mark.django_db

YEAR = 2025  # the review of the world's 2026 cycle reports on 2025
URL = "/ziele/istwerte-import/"


@pytest.fixture
def catalog(world: World) -> Catalog:
    """Return the catalog; the quota's goal belongs to the first department, cases to the second."""
    built = build_catalog(world.body)
    assert built.quota.operative_goal is not None
    built.quota.operative_goal.departments.add(world.department)
    product = built.cases.product
    assert product is not None
    product.department = world.departments[1]
    product.save()
    return built


def run(
    world: World, data: bytes, *, dry_run: bool = False, actor: Actor = SYSTEM
) -> ActualsImport:
    handle = io.BytesIO(data)
    handle.name = "C:\\Exporte\\istwerte-2025.csv"
    return indicator_actuals_import(
        acting_user=actor, body=world.body, file=handle, dry_run=dry_run
    )


def accept(world: World) -> None:
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    walk(review, "accepted", world.users)


def stored(world: World, catalog: Catalog) -> None:
    IndicatorValue.objects.create(
        body=world.body, indicator=catalog.quota, year=YEAR, kind=ValueKind.ACTUAL, value=5
    )


def test_a_locked_actual_stops_the_whole_file_naming_row_indicator_and_year(
    world: World, catalog: Catalog
) -> None:
    stored(world, catalog)
    accept(world)
    data = csv_bytes(
        [["Kennzahl", "Jahr", "Wert"], ["faelle", str(YEAR), "1"], ["quote", str(YEAR), "6"]]
    )

    for dry_run in (True, False):
        result = run(world, data, dry_run=dry_run)

        assert not result.written
        assert [str(e) for e in result.errors] == [
            "Zeile 3: Der Istwert der Kennzahl „Quote“ (quote) für 2025, Jahr ist gesperrt, "
            "weil die Zielbilanzierung des Fachdienstes FD 31 im Planungszyklus 2026 "
            "angenommen ist; Korrekturen über die Istwert-Korrektur mit Begründung durch die "
            "Strategische Steuerung oder die Verwaltungsleitung."
        ]
    assert actuals(catalog.quota) == {(YEAR, "year"): 5}
    assert not actuals(catalog.cases)
    assert not AuditEntry.objects.filter(action=AuditAction.ACTUALS_IMPORT).exists()


def test_a_new_actual_of_a_locked_year_is_refused_too(world: World, catalog: Catalog) -> None:
    accept(world)
    data = csv_bytes([["Kennzahl", "Jahr", "Zeitraum", "Wert"], ["quote", str(YEAR), "Q1", "6"]])

    result = run(world, data)

    assert [e.row for e in result.errors] == [2]
    assert "für 2025, 1. Quartal ist gesperrt" in str(result.errors[0])
    assert not actuals(catalog.quota)


def test_unchanged_rows_other_years_and_other_departments_pass(
    world: World, catalog: Catalog
) -> None:
    stored(world, catalog)
    accept(world)
    data = csv_bytes(
        [
            ["Kennzahl", "Jahr", "Wert"],
            ["quote", str(YEAR), "5"],  # unchanged: writes nothing
            ["quote", str(YEAR - 1), "4"],  # reported by another cycle's review
            ["faelle", str(YEAR), "7"],  # the second department's review is open
        ]
    )

    result = run(world, data)

    assert result.written, [str(e) for e in result.errors]
    assert actuals(catalog.quota) == {(YEAR, "year"): 5, (YEAR - 1, "year"): 4}
    assert actuals(catalog.cases) == {(YEAR, "year"): Decimal(7)}


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_only_an_accepted_review_locks(world: World, catalog: Catalog, state: str) -> None:
    stored(world, catalog)
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    walk(review, state, world.users)

    result = run(world, csv_bytes([["Kennzahl", "Jahr", "Wert"], ["quote", str(YEAR), "6"]]))

    assert result.written
    assert actuals(catalog.quota) == {(YEAR, "year"): 6}


def test_the_import_is_audited_with_file_counts_and_periods(world: World, catalog: Catalog) -> None:
    stored(world, catalog)
    data = csv_bytes(
        [
            ["Kennzahl", "Jahr", "Zeitraum", "Wert"],
            ["quote", str(YEAR), "", "6"],
            ["quote", str(YEAR), "Q2", "1"],
            ["faelle", str(YEAR), "", "2"],
            ["faelle", str(YEAR - 1), "", "3"],
        ]
    )
    actor = world.users["strategy_unit"]

    assert run(world, data, dry_run=True).valid
    assert not AuditEntry.objects.filter(action=AuditAction.ACTUALS_IMPORT).exists()
    assert run(world, data, actor=actor).written

    entry = AuditEntry.objects.get(body=world.body, action=AuditAction.ACTUALS_IMPORT)
    assert entry.actor == actor
    assert entry.target == (
        "istwerte-2025.csv: 3 neu, 1 geändert, 0 unverändert; "
        "Zeiträume: 2024 (Jahr); 2025 (Jahr, 2. Quartal)"
    )
    assert str(entry).startswith("Istwerte importiert: ")


def test_the_lock_check_reads_a_constant_number_of_queries(
    world: World, catalog: Catalog, django_assert_num_queries: Any
) -> None:
    small = csv_bytes(
        [
            ["Kennzahl", "Produkt", "Jahr", "Wert"],
            ["quote", "", "2024", "1"],
            ["", "36100", "2024", "1"],
        ]
    )
    rows = [["Kennzahl", "Produkt", "Jahr", "Wert"]]
    rows += [["quote", "", str(year), "1"] for year in range(2000, 2030)]
    rows += [["", "36100", str(year), "1"] for year in range(2000, 2030)]
    accept(world)

    # The file's indicators, products, stored actuals; goal and product departments, reviews.
    with django_assert_num_queries(7):
        assert run(world, small, dry_run=True).valid
    with django_assert_num_queries(7):
        result = run(world, csv_bytes(rows), dry_run=True)
    assert [e.row for e in result.errors] == [27]  # quote 2025: its department's review


def test_the_page_refuses_a_value_locked_since_the_preview(world: World, catalog: Catalog) -> None:
    client = Client()
    client.force_login(world.users["strategy_unit"])
    data = csv_bytes([["Kennzahl", "Jahr", "Wert"], ["quote", str(YEAR), "6"]])
    preview = client.post(URL, {"file": SimpleUploadedFile("ist.csv", data)})
    assert preview.status_code == 200
    accept(world)

    done = client.post(URL, {"token": preview.context["token"]})

    assert done.status_code == 422
    html = done.content.decode()
    assert "Der Istwert der Kennzahl „Quote“ (quote) für 2025, Jahr ist gesperrt" in html
    assert 'name="token"' not in html
    assert not actuals(catalog.quota)
    assert not AuditEntry.objects.filter(action=AuditAction.ACTUALS_IMPORT).exists()

    again = client.post(URL, {"file": SimpleUploadedFile("ist.csv", data)})

    assert again.status_code == 422
    assert "angenommen ist; Korrekturen über" in again.content.decode()
