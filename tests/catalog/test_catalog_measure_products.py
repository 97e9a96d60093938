"""A measure's products in the catalog file: imported, kept when absent, cleared, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from planning_cycle.catalog import CatalogError
from planning_cycle.catalog.importer import catalog_import
from planning_cycle.models import Measure, Product
from tests.catalog.test_catalog_import import MINIMAL, row_counts, write

pytestmark = pytest.mark.django_db

MEASURE = (
    '              - {title: Budgetgespräche führen, owner: "FD 11", due: 2026-06-30, '
    "cost: 1500.50}\n"
)
PRODUCT_222 = """  - code: "222"
    name: Gebäudemanagement
    department: "FD 12"
"""


def catalog(products: str | None) -> str:
    """Return the minimal catalog with a second product and the measure's products as given."""
    field = "" if products is None else f", products: {products}"
    measure = MEASURE.replace("cost: 1500.50}", f"cost: 1500.50{field}}}")
    assert MEASURE in MINIMAL
    return MINIMAL.replace(MEASURE, measure) + PRODUCT_222


def codes() -> set[str]:
    measure = Measure.objects.get(key="Budgetgespräche führen")
    return set(measure.products.values_list("code", flat=True))


def test_measure_products_are_imported_kept_when_absent_and_cleared(tmp_path: Path) -> None:
    report = catalog_import(acting_user=None, path=write(tmp_path, catalog('["111", "222"]')))
    assert report.of(Measure).created == 1
    assert codes() == {"111", "222"}

    again = catalog_import(acting_user=None, path=write(tmp_path, catalog('["111", "222"]')))
    assert (again.total.created, again.total.updated) == (0, 0)

    fewer = catalog_import(acting_user=None, path=write(tmp_path, catalog('["222"]')))
    assert fewer.of(Measure).updated == 1  # only its products changed
    assert codes() == {"222"}

    absent = catalog_import(acting_user=None, path=write(tmp_path, catalog(None)))
    assert absent.of(Measure).updated == 0
    assert codes() == {"222"}  # absent means keep
    assert any("Produkte" in line for line in absent.summary_lines())

    catalog_import(acting_user=None, path=write(tmp_path, catalog("[]")))
    assert codes() == set()
    assert Product.objects.filter(code="222").exists()


def test_an_unknown_product_names_the_measure_and_the_code(tmp_path: Path) -> None:
    before = row_counts()

    with pytest.raises(CatalogError) as info:
        catalog_import(acting_user=None, path=write(tmp_path, catalog('["111", "999"]')))

    assert [str(p) for p in info.value.problems] == [
        "testkreis.yaml, Zeile 19, "
        "policy_fields[0].strategic_goals[0].operative_goals[0].measures[0].products[1]: "
        "Unbekannte Produktnummer „999“ bei der Maßnahme „Budgetgespräche führen“: "
        "das Produkt ist in dieser Datei nicht definiert."
    ]
    assert row_counts() == before


def test_a_product_named_twice_by_a_measure_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as info:
        catalog_import(acting_user=None, path=write(tmp_path, catalog('["111", "111"]')))

    assert "ist doppelt" in str(info.value.problems[0])
