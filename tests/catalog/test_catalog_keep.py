"""A re-import never removes what the file does not mention; an explicit null clears."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from planning_cycle.catalog.importer import catalog_import
from planning_cycle.models import (
    Department,
    Indicator,
    Measure,
    OperativeGoal,
    PolicyField,
    Product,
    StrategicGoal,
    Vision,
)

FULL = """\
format: 1
body: {key: testkreis, name: Testkreis, kind: landkreis, state: NI}
departments:
  - {code: "FB 1", name: Fachbereich 1, takes_part: false}
  - {code: "FD 11", name: Fachdienst 11, parent: "FB 1"}
visions:
  - {key: leitbild, title: Leitbild, text: Eine lebenswerte Region.}
policy_fields:
  - key: finanzen
    name: Finanzen
    vision: leitbild
    baseline: Defizit
    objective: Ausgleich
    strategic_goals:
      - number: "1"
        title: Haushalt ausgleichen
        description: Bis 2030.
        valid_from: 2026
        products: ["111"]
        operative_goals:
          - number: "1.1"
            title: Budgets einhalten
            description: Jedes Jahr.
            departments: ["FD 11"]
            measures:
              - title: Budgetgespräche führen
                description: Quartalsweise.
                owner: "FD 11"
                partners: [Kämmerei]
                due: 2026-06-30
                cost: 1500.50
            indicators:
              - {key: einsparung, name: Einsparung, unit: "%", direction: lower}
products:
  - {code: "111", name: Verwaltungssteuerung, department: "FD 11"}
"""

# The same catalog with every optional field left out.
BARE = """\
format: 1
body: {key: testkreis, name: Testkreis, kind: landkreis, state: NI}
departments:
  - {code: "FB 1", name: Fachbereich 1}
  - {code: "FD 11", name: Fachdienst 11}
visions:
  - {key: leitbild, title: Leitbild}
policy_fields:
  - key: finanzen
    name: Finanzen
    strategic_goals:
      - number: "1"
        title: Haushalt ausgleichen
        operative_goals:
          - number: "1.1"
            title: Budgets einhalten
            measures:
              - title: Budgetgespräche führen
            indicators:
              - {key: einsparung, name: Einsparung, unit: "%"}
products:
  - {code: "111", name: Verwaltungssteuerung}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "testkreis.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def assert_full_catalog_stored() -> None:
    field = PolicyField.objects.get(key="finanzen")
    assert field.vision == Vision.objects.get(key="leitbild")
    assert (field.baseline, field.objective) == ("Defizit", "Ausgleich")
    assert Vision.objects.get(key="leitbild").text == "Eine lebenswerte Region."
    fd11 = Department.objects.get(code="FD 11")
    assert fd11.parent == Department.objects.get(code="FB 1")
    assert Department.objects.get(code="FB 1").takes_part is False
    goal = StrategicGoal.objects.get(number="1")
    assert (goal.description, goal.valid_from) == ("Bis 2030.", 2026)
    assert list(goal.products.values_list("code", flat=True)) == ["111"]
    operative = OperativeGoal.objects.get(key="1.1")
    assert operative.description == "Jedes Jahr."
    assert list(operative.departments.all()) == [fd11]
    measure = Measure.objects.get(operative_goal=operative)
    assert (measure.description, measure.owner, measure.partners) == (
        "Quartalsweise.",
        fd11,
        ["Kämmerei"],
    )
    assert (str(measure.due_date), measure.cost) == ("2026-06-30", Decimal("1500.50"))
    assert Indicator.objects.get(key="einsparung").direction == "lower"
    assert Product.objects.get(code="111").department == fd11


@pytest.mark.django_db
def test_reimport_without_optional_fields_keeps_what_is_stored(tmp_path: Path) -> None:
    catalog_import(acting_user=None, path=write(tmp_path, FULL))
    report = catalog_import(acting_user=None, path=write(tmp_path, BARE))

    assert_full_catalog_stored()
    assert (report.total.created, report.total.updated) == (0, 0), report.summary_lines()
    kept = {str(k) for k in report.kept}
    assert "Politikfeld „Finanzen“: Leitbild" in kept
    assert "Produkt „111 Verwaltungssteuerung“: verantwortliche Einheit" in kept
    assert "Organisationseinheit „FD 11 Fachdienst 11“: übergeordnete Einheit" in kept
    assert "Strategisches Ziel „1 Haushalt ausgleichen“: Produkte" in kept
    assert len(report.kept) == 18, kept
    lines = "\n".join(report.summary_lines())
    assert "Beibehalten, weil in der Datei nicht angegeben" in lines
    assert "Politikfeld „Finanzen“: Leitbild" in lines


@pytest.mark.django_db
def test_explicit_null_and_empty_values_clear(tmp_path: Path) -> None:
    catalog_import(acting_user=None, path=write(tmp_path, FULL))
    cleared = (
        FULL.replace("vision: leitbild", "vision: null")
        .replace('department: "FD 11"}', "department: null}")
        .replace('products: ["111"]', "products: []")
        .replace('parent: "FB 1"}', "parent: null}")
    )
    report = catalog_import(acting_user=None, path=write(tmp_path, cleared))

    assert PolicyField.objects.get(key="finanzen").vision is None
    assert Product.objects.get(code="111").department is None
    assert not StrategicGoal.objects.get(number="1").products.exists()
    assert Department.objects.get(code="FD 11").parent is None
    assert report.kept == []


@pytest.mark.django_db
def test_new_rows_get_the_defaults_of_omitted_fields(tmp_path: Path) -> None:
    report = catalog_import(acting_user=None, path=write(tmp_path, BARE))
    assert report.kept == []
    assert PolicyField.objects.get(key="finanzen").vision is None
    assert Department.objects.get(code="FB 1").takes_part is True
    assert Indicator.objects.get(key="einsparung").direction == "higher"


@pytest.mark.django_db
def test_command_prints_the_kept_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog_import(acting_user=None, path=write(tmp_path, FULL))
    call_command("import_catalog", str(write(tmp_path, BARE)))
    out = capsys.readouterr().out
    assert "Beibehalten, weil in der Datei nicht angegeben" in out
    assert "Politikfeld „Finanzen“: Leitbild" in out
    assert_full_catalog_stored()
