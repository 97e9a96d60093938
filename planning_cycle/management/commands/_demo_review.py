"""FD 67's goal agreements of 2025 in implementation, answered (issue 12).

The goal review of 2026 reports on them: FD 67's review page shows them with their
indicators and the five questions of Kreis Soest's goal agreement, and FD 67 sets their
achievement there. Every state comes from a real transition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planning_cycle.models import Body, Department, OperativeGoal, PlanningCycle, User
from workflows.agreements.services import agreement_propose, agreement_update
from workflows.models import GoalAgreement
from workflows.services.transitions import transition_fire

from ._demo_values import DEPARTMENT, YEAR

# From proposal to implementation: who fires each step (demo logins).
STEPS = (
    ("submit", "fdleitung"),
    ("approve", "leitung"),
    ("adopt", "steuerung"),
    ("resolve", "schriftfuehrung"),
    ("start", "fdleitung"),
)


@dataclass(frozen=True)
class DemoAnswers:
    """The five answers of a goal agreement (Kreis Soest) for one of FD 67's goals."""

    goal: str  # the operative goal's number (Peine's catalog of 2008)
    balance: str
    effects: str
    programmes: str
    processes: str
    resources: str


DEMO_AGREEMENTS = (
    DemoAnswers(
        "4.1",
        "Die Verfahren für zwei Landschaftsschutzgebiete sind eingeleitet; die Ausweisung "
        "Zweidorfer Holz verzögert sich, weil Kartierungen fehlen.",
        "Weitere Teile von Natur und Landschaft stehen unter Schutz; naturschutzrechtliche "
        "Genehmigungen sind in höchstens 60 Tagen erteilt.",
        "Produkt Naturschutz und Landschaftspflege: Schutzgebietsverfahren Zweidorfer Holz "
        "und Wendesser Allee, Genehmigungen nach Naturschutzrecht.",
        "Verfahren früh mit Gemeinden und Naturschutzverbänden abstimmen; Anträge im "
        "Fachverfahren digital bearbeiten; Bericht im Umweltausschuss.",
        "1,5 Stellen Naturschutz; 40.000 € für Kartierungen und Gutachten.",
    ),
    DemoAnswers(
        "4.4",
        "Das Konzept für ein Regionales Umweltzentrum liegt vor; Bildungsangebote laufen "
        "bisher verteilt bei Schulen und Verbänden.",
        "Kinder, Jugendliche und Erwachsene nutzen ein gebündeltes Umweltbildungsangebot: "
        "800 bis 1.200 Teilnehmende im Jahr.",
        "Produkt Umweltbildung: Programm des Umweltzentrums, Schulprojekte, Exkursionen.",
        "Trägerschaft mit Verbänden in einer Kooperationsvereinbarung regeln; "
        "Teilnehmendenstatistik jährlich auswerten.",
        "0,5 Stellen Koordination; 25.000 € Sachmittel; Räume im Kreishaus.",
    ),
    DemoAnswers(
        "4.5",
        "Auf acht Kreisliegenschaften arbeiten Solaranlagen; die Solardachbörse ist "
        "eingerichtet, der Energieverbrauch der Kreisgebäude sinkt langsamer als geplant.",
        "Mehr Strom aus Sonnenenergie und Biomasse; der CO₂-Ausstoß der Kreisgebäude "
        "sinkt auf höchstens 1.000 t im Jahr.",
        "Produkt Klimaschutz und Energie: mindestens zwölf neue Solaranlagen, "
        "Nahwärmekonzepte an den Schulzentren Vechelde und Edemissen.",
        "Gemeinsam mit dem Gebäudemanagement planen; Energiebericht jährlich als "
        "Kennzahlenbericht an den Ausschuss.",
        "350.000 € Investitionen; 1 Stelle Klimaschutzmanagement.",
    ),
)


def review_agreements_seed(
    body: Body, users: dict[str, User], write: Callable[[str], object]
) -> None:
    """Walk FD 67's agreements of 2025 into implementation once (idempotent)."""
    cycle = PlanningCycle.objects.filter(body=body, year=YEAR).first()
    department = Department.objects.filter(body=body, code=DEPARTMENT).first()
    if cycle is None or department is None:
        return
    goals = {
        g.number: g
        for g in OperativeGoal.objects.filter(body=body, departments=department, superseded=False)
    }
    existing = set(
        GoalAgreement.objects.filter(cycle=cycle, department=department).values_list(
            "operative_goal__number", flat=True
        )
    )
    created = 0
    for spec in DEMO_AGREEMENTS:
        goal = goals.get(spec.goal)
        if goal is None or spec.goal in existing:
            continue
        head = users["fdleitung"]
        agreement = agreement_propose(
            acting_user=head, cycle=cycle, operative_goal=goal, department=department
        )
        agreement_update(
            acting_user=head,
            agreement=agreement,
            balance=spec.balance,
            effects=spec.effects,
            programmes=spec.programmes,
            processes=spec.processes,
            resources=spec.resources,
        )
        for transition, login in STEPS:
            transition_fire(acting_user=users[login], obj=agreement, transition=transition)
        created += 1
    if created:
        write(f"{body}: {created} Zielvereinbarungen {YEAR} des {DEPARTMENT} in Umsetzung.")
