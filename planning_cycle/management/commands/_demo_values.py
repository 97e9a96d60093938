"""Demo indicators of FD 67 with targets of each kind and 2025 actuals (issue 12).

The review page of FD 67 then shows met, within tolerance, missed (a "lower is better"
indicator above its maximum) and no data (the value FD 67 still has to enter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from planning_cycle.models import (
    Body,
    Direction,
    Indicator,
    IndicatorValue,
    OperativeGoal,
    TargetKind,
    UnitKind,
    ValueKind,
)

YEAR = 2025
DEPARTMENT = "FD 67"


@dataclass(frozen=True)
class DemoIndicator:
    key: str
    goal: str  # the operative goal's number
    name: str
    unit: str
    unit_kind: str
    direction: str
    target_kind: str
    target: Decimal
    upper: Decimal | None
    actual: Decimal | None
    source: str = ""


DEMO_INDICATORS = (
    DemoIndicator(
        "fd67-solaranlagen",
        "4.5",
        "Neu installierte Solaranlagen auf Kreisliegenschaften",
        "Anlagen",
        UnitKind.COUNT,
        Direction.HIGHER,
        TargetKind.AT_LEAST,
        Decimal(12),
        None,
        Decimal(14),
        "Gebäudemanagement",
    ),
    DemoIndicator(
        "fd67-co2-kreisgebaeude",
        "4.5",
        "CO₂-Ausstoß der Kreisgebäude",
        "t",
        UnitKind.COUNT,
        Direction.LOWER,
        TargetKind.AT_MOST,
        Decimal(1000),
        None,
        Decimal(1180),
        "Energiebericht 2025",
    ),
    DemoIndicator(
        "fd67-bearbeitungsdauer-naturschutz",
        "4.1",
        "Bearbeitungsdauer naturschutzrechtlicher Genehmigungen",
        "Tage",
        UnitKind.DAYS,
        Direction.LOWER,
        TargetKind.AT_MOST,
        Decimal(60),
        None,
        Decimal(64),
        "Fachverfahren",
    ),
    DemoIndicator(
        "fd67-umweltbildung-teilnehmende",
        "4.4",
        "Teilnehmende an Umweltbildungsangeboten",
        "Personen",
        UnitKind.COUNT,
        Direction.HIGHER,
        TargetKind.RANGE,
        Decimal(800),
        Decimal(1200),
        None,  # FD 67 enters this one in the demo
    ),
)


def values_seed(body: Body, write: Callable[[str], None]) -> None:
    """Create FD 67's demo indicators, targets and actuals once (idempotent)."""
    if Indicator.objects.filter(body=body, key=DEMO_INDICATORS[0].key).exists():
        return
    goals = {
        g.number: g
        for g in OperativeGoal.objects.filter(
            body=body, departments__code=DEPARTMENT, superseded=False
        )
    }
    created = 0
    for spec in DEMO_INDICATORS:
        goal = goals.get(spec.goal)
        if goal is None:
            continue
        indicator = Indicator.objects.create(
            body=body,
            key=spec.key,
            operative_goal=goal,
            name=spec.name,
            unit=spec.unit,
            unit_kind=spec.unit_kind,
            direction=spec.direction,
        )
        IndicatorValue.objects.create(
            body=body,
            indicator=indicator,
            year=YEAR,
            kind=ValueKind.TARGET,
            target_kind=spec.target_kind,
            value=spec.target,
            upper_value=spec.upper,
        )
        if spec.actual is not None:
            IndicatorValue.objects.create(
                body=body,
                indicator=indicator,
                year=YEAR,
                kind=ValueKind.ACTUAL,
                value=spec.actual,
                source=spec.source,
            )
        created += 1
    write(f"{body}: {created} Kennzahlen des {DEPARTMENT} mit Ziel- und Istwerten {YEAR} angelegt.")
