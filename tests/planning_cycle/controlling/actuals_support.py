"""A small catalog to import actuals into, and files built in memory."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook

from planning_cycle.models import (
    Body,
    Indicator,
    IndicatorValue,
    OperativeGoal,
    PolicyField,
    Product,
    StrategicGoal,
    ValueKind,
)

HEADER = ["Kennzahl", "Produkt", "Jahr", "Zeitraum", "Wert", "Kommentar", "Quelle"]


@dataclass
class Catalog:
    """Indicators of a goal and of products: one product with one, one with two."""

    quota: Indicator
    cases: Indicator
    twin_a: Indicator
    twin_b: Indicator


def build_catalog(body: Body, prefix: str = "") -> Catalog:
    """Create a policy field, goal and products with indicators in the body."""
    field = PolicyField.objects.create(body=body, key=f"{prefix}pf", name="Feld", position=1)
    sgoal = StrategicGoal.objects.create(
        body=body, policy_field=field, number="1", title="Ziel", position=1
    )
    ogoal = OperativeGoal.objects.create(
        body=body, strategic_goal=sgoal, key=f"{prefix}1.1", number="1.1", title="Quote"
    )
    single = Product.objects.create(body=body, code="36100", name="Hilfe")
    double = Product.objects.create(body=body, code="36200", name="Beratung")
    return Catalog(
        quota=Indicator.objects.create(
            body=body, key=f"{prefix}quote", name="Quote", unit="%", operative_goal=ogoal
        ),
        cases=Indicator.objects.create(
            body=body, key=f"{prefix}faelle", name="Fälle", unit="Fälle", product=single
        ),
        twin_a=Indicator.objects.create(
            body=body, key=f"{prefix}beratung-a", name="A", unit="Fälle", product=double
        ),
        twin_b=Indicator.objects.create(
            body=body, key=f"{prefix}beratung-b", name="B", unit="Fälle", product=double
        ),
    )


def csv_bytes(rows: list[list[str]], sep: str = ";", encoding: str = "utf-8") -> bytes:
    """Return a CSV file of header and rows (fields with the separator quoted)."""
    lines = []
    for row in rows:
        cells = [f'"{c}"' if sep in c or '"' in c else c for c in row]
        lines.append(sep.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]], title: str = "Tabelle1", before: bool = False) -> bytes:
    """Return an XLSX workbook with the rows on a sheet (optionally after a decoy sheet)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if before:
        sheet.title = "Hinweise"
        sheet.append(["nur Text"])
        sheet = workbook.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def actuals(indicator: Indicator) -> dict[tuple[int, str], Decimal]:
    """Return the indicator's stored actuals by year and period."""
    return {
        (v.year, v.period): v.value
        for v in IndicatorValue.objects.filter(indicator=indicator, kind=ValueKind.ACTUAL)
    }
