"""Importing catalogs: counts, idempotence, all-or-nothing and permissions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models

from planning_cycle.catalog import CatalogError
from planning_cycle.catalog.importer import (
    IMPORTED_MODELS,
    CatalogImportDenied,
    ImportReport,
    catalog_import,
    catalog_import_many,
)
from planning_cycle.models import (
    DEFAULT_CALENDAR,
    Body,
    BodyCalendarEntry,
    Department,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    PolicyField,
    Product,
    ProductBudget,
    Role,
    StrategicGoal,
    ValueKind,
)
from planning_cycle.services.cycles import body_calendar
from tests.support.factories import UserFactory, user_with_role

CATALOGS = Path(settings.BASE_DIR) / "catalogs"
PEINE = CATALOGS / "landkreis-peine.yaml"
PEINE_SOCIAL = CATALOGS / "landkreis-peine-sozialpolitik.yaml"
LAATZEN = CATALOGS / "stadt-laatzen.yaml"
SOEST = CATALOGS / "kreis-soest.yaml"

MINIMAL = """\
format: 1
body: {key: testkreis, name: Testkreis, kind: landkreis, state: NI}
departments:
  - {code: "FB 1", name: Fachbereich 1, takes_part: false}
  - {code: "FD 11", name: Fachdienst 11, parent: "FB 1"}
  - {code: "FD 12", name: Fachdienst 12, parent: "FB 1"}
policy_fields:
  - key: finanzen
    name: Finanzen
    strategic_goals:
      - number: "1"
        title: Haushalt ausgleichen
        products: ["111"]
        operative_goals:
          - number: "1.1"
            title: Budgets einhalten
            departments: ["FD 11"]
            measures:
              - {title: Budgetgespräche führen, owner: "FD 11", due: 2026-06-30, cost: 1500.50}
            indicators:
              - key: einsparung
                name: Einsparung je Budget
                unit: "%"
                baseline: {year: 2025, value: 0}
                targets: [{year: 2026, value: 1}]
                actuals: [{year: 2026, value: 0.8}]
products:
  - code: "111"
    name: Verwaltungssteuerung
    department: "FD 11"
    budgets: [{year: 2026, amount: 250000.00}]
"""


def write(tmp_path: Path, text: str, name: str = "testkreis.yaml") -> Path:
    """Write a catalog file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def row_counts() -> dict[str, int]:
    """Return the number of rows of every model the importer writes."""
    return {m._meta.label: m._default_manager.count() for m in IMPORTED_MODELS}


def created(report: ImportReport, model: type[models.Model]) -> int:
    """Return how many rows of a model the import created."""
    return report.of(model).created


def assert_nothing_changed(report: ImportReport) -> None:
    """Assert that a re-import created and updated nothing."""
    assert (report.total.created, report.total.updated) == (0, 0), report.summary_lines()


@pytest.mark.django_db
def test_peine_imports_every_goal_and_reports_the_duplicate() -> None:
    report = catalog_import(acting_user=None, path=PEINE)
    body = Body.objects.get(key="landkreis-peine")
    assert body.name == "Landkreis Peine"
    assert created(report, StrategicGoal) == 10
    assert created(report, OperativeGoal) == 25
    assert StrategicGoal.objects.filter(body=body).count() == 10
    assert OperativeGoal.objects.filter(body=body).count() == 25
    duplicates = OperativeGoal.objects.filter(body=body, number="8.1").order_by("position")
    assert [(o.key, o.title[:20]) for o in duplicates] == [
        ("8.1", "Aufbau von Präventio"),
        ("8.1 (2)", "Intensivierung des S"),
    ]
    assert len(report.warnings) == 1
    assert report.warnings[0].file == "landkreis-peine.yaml"
    assert report.warnings[0].line is not None
    assert "8.1 (2)" in str(report.warnings[0])
    # Every operative goal has a lead department that takes part in the cycle.
    for operative in OperativeGoal.objects.filter(body=body):
        assert [d.takes_part for d in operative.departments.all()] == [True]
    energy = Indicator.objects.get(body=body, key="energieverbrauch-kreisgebaeude")
    assert energy.direction == "lower"
    assert energy.operative_goal is not None and energy.operative_goal.number == "4.2"
    target = IndicatorValue.objects.get(indicator=energy, kind=ValueKind.TARGET)
    assert target.value == Decimal("70")
    # No calendar in the file: the Kreis Soest default applies.
    assert not BodyCalendarEntry.objects.filter(body=body).exists()
    assert body_calendar(body) == {str(k): v for k, v in DEFAULT_CALENDAR.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", [PEINE, PEINE_SOCIAL, LAATZEN, SOEST], ids=lambda p: p.stem)
def test_reimport_changes_nothing(path: Path) -> None:
    first = catalog_import(acting_user=None, path=path)
    assert first.total.created > 0
    before = row_counts()
    second = catalog_import(acting_user=None, path=path)
    assert_nothing_changed(second)
    assert second.total.unchanged == first.total.created
    assert row_counts() == before


@pytest.mark.django_db
def test_both_peine_catalogs_build_one_body() -> None:
    catalog_import(acting_user=None, path=PEINE)
    social = catalog_import(acting_user=None, path=PEINE_SOCIAL)
    assert Body.objects.filter(key="landkreis-peine").count() == 1
    assert social.of(Department).created == 0
    assert social.of(Department).updated == 0
    assert social.of(Body).unchanged == 1
    body = Body.objects.get(key="landkreis-peine")
    assert PolicyField.objects.filter(body=body).count() == 15
    assert StrategicGoal.objects.filter(body=body).count() == 15
    assert OperativeGoal.objects.filter(body=body).count() == 30
    assert Measure.objects.filter(body=body).count() == 21
    evaluations = Measure.objects.filter(body=body, title="Evaluation des Maßnahmenkatalogs")
    assert evaluations.count() == 5
    assert {str(m.due_date) for m in evaluations} == {"2016-03-31"}
    kvhs = Measure.objects.get(body=body, key="sl-2.1.1-qualifizierung-gruppenleitungen")
    assert kvhs.partners == ["Kreisvolkshochschule"]
    # The second file's goals follow the first file's, in file order.
    fields = list(PolicyField.objects.filter(body=body).values_list("key", flat=True))
    assert fields[:10] == [
        "verwaltungsmodernisierung",
        "finanzen",
        "interkommunale-zusammenarbeit",
        "umwelt-klimaschutz",
        "gesundheit",
        "bildung-erziehung",
        "arbeit-soziales",
        "familie",
        "regionale-entwicklung",
        "sicherheit-ordnung",
    ]
    assert fields[10] == "sl-demografie-aeltere-menschen"
    but = Indicator.objects.get(body=body, key="sl-but-kinder-migrationshintergrund")
    values = {(v.kind, v.year): v.value for v in but.values.all()}
    assert values == {(ValueKind.BASELINE, 2013): 100, (ValueKind.TARGET, 2015): 110}
    # Importing both again, in the other order, changes nothing.
    for report in catalog_import_many(acting_user=None, paths=[PEINE_SOCIAL, PEINE]):
        assert_nothing_changed(report)


@pytest.mark.django_db
def test_soest_calendar_goes_to_the_body_calendar() -> None:
    catalog_import(acting_user=None, path=SOEST)
    body = Body.objects.get(key="kreis-soest")
    entries = {e.phase: (e.month, e.day, e.year_offset) for e in body.calendar.all()}
    assert entries == {str(k): v for k, v in DEFAULT_CALENDAR.items()}
    jugend = StrategicGoal.objects.get(body=body, title="Förderung der Jugendarbeit")
    assert jugend.operative_goals.count() == 4
    assert jugend.policy_field.vision is not None
    assert "Hellweg-Region" in jugend.policy_field.vision.text


@pytest.mark.django_db
def test_laatzen_products_budgets_and_indicators() -> None:
    report = catalog_import(acting_user=None, path=LAATZEN)
    body = Body.objects.get(key="stadt-laatzen")
    assert created(report, Product) == 9
    assert created(report, ProductBudget) == 18
    kita = Product.objects.get(body=body, code="365")
    assert kita.name == "Kindertagesbetreuung"
    assert kita.department is not None and kita.department.code == "FD 21"
    assert kita.budgets.get(year=2024).amount == Decimal("21400000.00")
    assert {i.key for i in kita.indicators.all()} == {"betreuungsquote-u3", "kita-ganztagsplaetze"}
    family = StrategicGoal.objects.get(body=body, title="Familienfreundliche Stadt sein")
    assert set(family.products.values_list("code", flat=True)) == {"365", "211", "366"}


@pytest.mark.django_db
def test_changed_values_are_updated_and_counted(tmp_path: Path) -> None:
    catalog_import(acting_user=None, path=write(tmp_path, MINIMAL))
    changed = (
        MINIMAL.replace("title: Haushalt ausgleichen", "title: Haushalt dauerhaft ausgleichen")
        .replace('departments: ["FD 11"]', 'departments: ["FD 11", "FD 12"]')
        .replace("amount: 250000.00", "amount: 260000.00")
        .replace("value: 0.8", "value: 0.9")
    )
    report = catalog_import(acting_user=None, path=write(tmp_path, changed))
    assert report.of(StrategicGoal).updated == 1
    assert report.of(OperativeGoal).updated == 1  # only its departments changed
    assert report.of(ProductBudget).updated == 1
    assert report.of(IndicatorValue).updated == 1
    assert report.total.updated == 4
    assert report.total.created == 0
    goal = StrategicGoal.objects.get(number="1")
    assert goal.title == "Haushalt dauerhaft ausgleichen"
    operative = OperativeGoal.objects.get(key="1.1")
    assert set(operative.departments.values_list("code", flat=True)) == {"FD 11", "FD 12"}
    measure = Measure.objects.get(operative_goal=operative)
    assert measure.key == "Budgetgespräche führen"
    assert measure.cost == Decimal("1500.50")


@pytest.mark.django_db
def test_dry_run_counts_but_writes_nothing(tmp_path: Path) -> None:
    before = row_counts()
    report = catalog_import(acting_user=None, path=write(tmp_path, MINIMAL), dry_run=True)
    assert report.dry_run
    assert created(report, OperativeGoal) == 1
    assert row_counts() == before


BROKEN = {
    "yaml-syntax": ("    name: Finanzen\n", "    name: Finanzen: Haushalt\n", "Zeile 9:"),
    "missing-field": (
        "        title: Haushalt ausgleichen\n",
        "",
        "Zeile 11, policy_fields[0].strategic_goals[0].title: Pflichtfeld fehlt",
    ),
    "unknown-field": (
        "    name: Finanzen\n",
        "    name: Finanzen\n    colour: blau\n",
        "Zeile 10, policy_fields[0].colour",
    ),
    "bad-reference": (
        'departments: ["FD 11"]',
        'departments: ["FD 99"]',
        "Zeile 17, policy_fields[0].strategic_goals[0].operative_goals[0].departments[0]",
    ),
    "wrong-type": (
        'number: "1.1"',
        "number: 1.1",
        "Zeile 15, policy_fields[0].strategic_goals[0].operative_goals[0].number: Text erwartet",
    ),
    "duplicate-department": (
        '  - {code: "FD 12", name: Fachdienst 12',
        '  - {code: "FD 11", name: Fachdienst 12',
        "Zeile 6, departments[2].code",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_file_writes_nothing(tmp_path: Path, case: str) -> None:
    old, new, where = BROKEN[case]
    catalog_import(acting_user=None, path=write(tmp_path, MINIMAL))
    catalog_import(acting_user=None, path=LAATZEN)
    before = row_counts()
    # A valid change to the body comes with the breakage: it must not be written either.
    text = MINIMAL.replace("name: Testkreis", "name: Testkreis Neu").replace(old, new, 1)
    assert text != MINIMAL.replace("name: Testkreis", "name: Testkreis Neu")
    with pytest.raises(CatalogError) as info:
        catalog_import(acting_user=None, path=write(tmp_path, text))
    assert any(str(p).startswith(f"testkreis.yaml, {where}") for p in info.value.problems), [
        str(p) for p in info.value.problems
    ]
    assert row_counts() == before
    assert Body.objects.get(key="testkreis").name == "Testkreis"


@pytest.mark.django_db
def test_one_broken_file_stops_all_files(tmp_path: Path) -> None:
    broken = write(tmp_path, MINIMAL.replace("kind: landkreis", "kind: bezirk"))
    before = row_counts()
    with pytest.raises(CatalogError) as info:
        catalog_import_many(acting_user=None, paths=[PEINE, broken])
    assert [p.file for p in info.value.problems] == ["testkreis.yaml"]
    assert row_counts() == before
    assert not Body.objects.filter(key="landkreis-peine").exists()


@pytest.mark.django_db
def test_key_reused_across_files_moves_the_goal_with_a_warning(tmp_path: Path) -> None:
    catalog_import(acting_user=None, path=write(tmp_path, MINIMAL))
    other = (
        MINIMAL.replace("key: finanzen", "key: personal")
        .replace("name: Finanzen", "name: Personal")
        .replace('number: "1"', 'number: "2"')
        .replace("key: einsparung", "key: einsparung-personal")
    )
    report = catalog_import(acting_user=None, path=write(tmp_path, other, "other.yaml"))
    assert any("„1.1“ gab es schon unter" in str(w) for w in report.warnings)
    assert OperativeGoal.objects.get(key="1.1").strategic_goal.number == "2"


@pytest.mark.django_db
def test_only_management_or_strategy_unit_of_the_body_may_import(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    catalog_import(acting_user=None, path=path)
    body = Body.objects.get(key="testkreis")
    strategy = user_with_role(body, Role.STRATEGY_UNIT)
    assert_nothing_changed(catalog_import(acting_user=strategy, path=path))
    editor = user_with_role(body, Role.DEPARTMENT_EDITOR, Department.objects.get(code="FD 11"))
    with pytest.raises(CatalogImportDenied):
        catalog_import(acting_user=editor, path=path)
    stranger = user_with_role(
        Body.objects.create(key="anderswo", name="Anderswo", kind="stadt", state="NI"),
        Role.STRATEGY_UNIT,
    )
    with pytest.raises(CatalogImportDenied):
        catalog_import(acting_user=stranger, path=path)
    admin = UserFactory(body=None, is_superuser=True)
    assert_nothing_changed(catalog_import(acting_user=admin, path=path))
