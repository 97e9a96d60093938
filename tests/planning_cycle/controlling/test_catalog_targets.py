"""The catalog format takes targets of a kind, periods, unit kind and tolerance; old files stay."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from planning_cycle.catalog import CatalogError
from planning_cycle.catalog.importer import catalog_import
from planning_cycle.catalog.loader import load_catalog
from planning_cycle.models import Indicator, IndicatorValue, TargetKind, UnitKind, ValueKind

CATALOGS = Path(settings.BASE_DIR) / "catalogs"

NEW = """\
format: 1
body: {key: zielkreis, name: Zielkreis, kind: landkreis, state: NI}
departments:
  - {code: "FD 11", name: Fachdienst 11}
policy_fields:
  - key: finanzen
    name: Finanzen
    strategic_goals:
      - number: "1"
        title: Haushalt ausgleichen
        operative_goals:
          - number: "1.1"
            title: Budgets einhalten
            departments: ["FD 11"]
            indicators:
              - key: bearbeitungsdauer
                name: Bearbeitungsdauer von Anträgen
                unit: Tage
                direction: lower
                tolerance: 5
                targets:
                  - year: 2025
                    value: 10
                    kind: at_most
                    comment: Ratsbeschluss
                    source: KT 12/2024
                  - {year: 2025, period: h1, value: 12}
                actuals:
                  - {year: 2025, value: 10.4, source: "Fachverfahren"}
                  - {year: 2025, period: h1, value: 13}
              - key: betreuungsschluessel
                name: Betreuungsschlüssel
                unit: Kinder je Fachkraft
                unit_kind: ratio
                targets: [{year: 2025, value: 8, kind: range, upper: 10}]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "zielkreis.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(CATALOGS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_catalogs_import_unchanged(path: Path) -> None:
    catalog_import(acting_user=None, path=path)

    targets = IndicatorValue.objects.filter(kind=ValueKind.TARGET)
    assert targets.exists() or path.name == "kreis-soest.yaml"
    # Old targets have no kind (the direction decides), every value is a whole year.
    assert not targets.exclude(target_kind=None).exists()
    assert set(IndicatorValue.objects.values_list("period", flat=True)) <= {"year"}
    assert set(Indicator.objects.values_list("tolerance", flat=True)) <= {Decimal(10)}
    again = catalog_import(acting_user=None, path=path)
    assert (again.total.created, again.total.updated) == (0, 0)


@pytest.mark.django_db
def test_a_percent_label_makes_a_percent_indicator() -> None:
    catalog_import(acting_user=None, path=CATALOGS / "stadt-laatzen.yaml")
    quota = Indicator.objects.get(key="grundschulen-ganztag")
    assert (quota.unit, quota.unit_kind) == ("%", UnitKind.PERCENT)


@pytest.mark.django_db
def test_new_fields_are_imported_and_a_reimport_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, NEW)
    catalog_import(acting_user=None, path=path)

    duration = Indicator.objects.get(key="bearbeitungsdauer")
    assert (duration.unit_kind, duration.tolerance) == (UnitKind.DAYS, Decimal(5))
    half, year = IndicatorValue.objects.filter(indicator=duration, kind=ValueKind.TARGET).order_by(
        "period"
    )
    assert (half.period, half.target_kind, half.value) == ("h1", None, Decimal(12))
    assert (year.period, year.target_kind) == ("year", TargetKind.AT_MOST)
    assert (year.comment, year.source) == ("Ratsbeschluss", "KT 12/2024")
    assert IndicatorValue.objects.filter(indicator=duration, kind=ValueKind.ACTUAL).count() == 2
    ratio = Indicator.objects.get(key="betreuungsschluessel")
    target = IndicatorValue.objects.get(indicator=ratio, kind=ValueKind.TARGET)
    assert (ratio.unit_kind, target.target_kind, target.upper_value) == (
        UnitKind.RATIO,
        TargetKind.RANGE,
        Decimal(10),
    )
    again = catalog_import(acting_user=None, path=path)
    assert (again.total.created, again.total.updated) == (0, 0)


@pytest.mark.django_db
def test_an_omitted_kind_keeps_the_stored_one(tmp_path: Path) -> None:
    catalog_import(acting_user=None, path=write(tmp_path, NEW))
    catalog_import(
        acting_user=None,
        path=write(
            tmp_path, NEW.replace(", kind: range, upper: 10", "").replace("value: 8", "value: 9")
        ),
    )

    target = IndicatorValue.objects.get(indicator__key="betreuungsschluessel")
    assert (target.value, target.target_kind, target.upper_value) == (
        Decimal(9),
        TargetKind.RANGE,
        Decimal(10),
    )


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            (", kind: range, upper: 10", ", kind: range"),
            "targets[0]",
            "Ein Zielbereich (kind: range) braucht eine Obergrenze (upper).",
        ),
        (
            ("upper: 10", "upper: 7"),
            "targets[0]",
            "Die Obergrenze 7 liegt unter dem Wert 8.",
        ),
        (
            ("kind: range, upper: 10", "kind: at_least, upper: 10"),
            "targets[0]",
            "Eine Obergrenze (upper) gibt es nur bei einem Zielbereich (kind: range).",
        ),
        (("kind: at_most", "kind: maximal"), "targets[0].kind", "Ungültiger Wert „maximal“"),
        (("tolerance: 5", "tolerance: 120"), "tolerance", "Darf höchstens 100 sein."),
        (("unit_kind: ratio", "unit_kind: stück"), "unit_kind", "Ungültiger Wert „stück“"),
        (("period: h1, value: 12", "period: h3, value: 12"), "targets[1].period", "„h3“"),
        (
            ("period: h1, value: 12", "period: year, value: 12"),
            "targets[1].year",
            "Jahr „2025“ ist doppelt",
        ),
    ],
)
def test_broken_targets_are_refused_with_a_message(
    tmp_path: Path, change: tuple[str, str], path: str, message: str
) -> None:
    assert change[0] in NEW
    with pytest.raises(CatalogError) as refused:
        load_catalog(write(tmp_path, NEW.replace(change[0], change[1], 1)))

    problems = [str(p) for p in refused.value.problems]
    assert any(path in p and message in p for p in problems), problems
