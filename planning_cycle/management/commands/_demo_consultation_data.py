"""What the demo's consultation rounds say: titles, invitees, statements and weighing.

The texts follow Landkreis Börde's department statements on its development concept and
Peine's goal catalog; `_demo_consultation` builds the rounds from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows.consultation.states import Disposition, Position

# The invitees: three Fachdienste and two outside organisations (the `extern` user's
# municipality and a welfare association with its own contact person).
DEPARTMENTS = ("FD 67", "FD 50", "FD 65")
ILSEDE, AWO = "Gemeinde Ilsede", "AWO Kreisverband Peine e. V."
ORGANISATIONS = (ILSEDE, AWO)
SECTION_TITLE_MAX = 200

OPEN_TITLE = "Entwurf Zielkatalog 2027: Mittelfristige Entwicklungsziele"
OPEN_DESCRIPTION = (
    "Der Landkreis Peine schreibt seine Mittelfristigen Entwicklungsziele für 2027 fort. "
    "Die Strategische Steuerung bittet die Fachdienste, die Gemeinden des Kreisgebiets und "
    "die Träger der Wohlfahrtspflege um Stellungnahme zum Entwurf. Beziehen Sie sich bitte "
    "auf die nummerierten Ziele; jede Stellungnahme wird einzeln abgewogen, das Ergebnis "
    "wird allen Beteiligten mitgeteilt."
)
OPEN_DAYS = 21  # the deadline, counted from the seed day

CLOSED_TITLE = "Fortschreibung Sozialpolitische Leitlinien: Handlungsfelder 2026"
CLOSED_DESCRIPTION = (
    "Entwurf der fortgeschriebenen Sozialpolitischen Leitlinien mit ihren fünf "
    "Handlungsfeldern. Die Beteiligung wurde vorzeitig geschlossen, nachdem alle "
    "Eingeladenen geantwortet hatten; die Stellungnahmen werden abgewogen."
)


@dataclass(frozen=True)
class DemoStatement:
    """A statement of the demo: who gives it, on which section, and what it says."""

    invitee: str
    position: str
    text: str
    section: str | None = None
    release: bool = True
    attachment: str = ""  # a file name: a one-page PDF is attached


# The open round: three statements given, one draft of the editor for the head to release.
OPEN_STATEMENTS = (
    DemoStatement(
        "FD 50",
        Position.AGREEMENT,
        "Der Fachdienst Soziales und Senioren stimmt dem Entwurf zu. Die Ziele zur "
        "Gesundheitsförderung und zur Qualifizierung sind mit unserer Sozialplanung "
        "abgestimmt.",
    ),
    DemoStatement(
        "FD 65",
        Position.REJECTION,
        "Das Ziel, mittelfristig 30 % des Energieverbrauchs der kreiseigenen Gebäude "
        "einzusparen, ist mit dem Gebäudebestand und den Haushaltsmitteln bis 2027 nicht "
        "erreichbar. Wir lehnen die Zielzahl ab und schlagen 15 % bis 2030 vor, gestützt auf "
        "die Prioritätenliste zur Gebäudeerhaltung.",
        section="4",
    ),
    DemoStatement(
        AWO,
        Position.AGREEMENT_WITH_CHANGES,
        "Wir begrüßen das Ziel ausdrücklich. Wir regen an, die Angebote für pflegende "
        "Angehörige und die Quartiersarbeit in den Gemeinden als eigenen Schwerpunkt "
        "aufzunehmen und die Wohlfahrtsverbände bei der Umsetzung zu beteiligen.",
        section="5",
        attachment="AWO_Anregungen_Quartiersarbeit.pdf",
    ),
    DemoStatement(
        "FD 67",
        Position.AGREEMENT_WITH_CHANGES,
        "Der Fachdienst Umwelt stimmt grundsätzlich zu. Die Neuausweisung der Schutzgebiete "
        "(Zweidorfer Holz, Wendesser Allee) sollte mit einem Zeitplan bis 2028 hinterlegt "
        "werden; das Regionale Umweltzentrum bitte als Kooperationsprojekt formulieren.",
        section="4",
        release=False,  # drafted by the editor: the head releases it
    ),
)
EXTENSION_DAYS = 14
EXTENSION_REASON = (
    "Der Rat der Gemeinde Ilsede berät den Entwurf erst in seiner nächsten Sitzung; wir "
    "bitten um Verlängerung der Frist um zwei Wochen."
)

# The closed round: every invitee answered, FD 67 declined.
CLOSED_STATEMENTS = (
    DemoStatement(
        "FD 50",
        Position.AGREEMENT_WITH_CHANGES,
        "Im Handlungsfeld ältere Menschen sollte das Ziel um Entlastungsangebote für "
        "pflegende Angehörige ergänzt werden.",
        section="SL 2.1",
    ),
    DemoStatement(
        "FD 65",
        Position.AGREEMENT,
        "Keine Einwände; die barrierefreie Ertüchtigung kreiseigener Gebäude ist in der "
        "Prioritätenliste berücksichtigt.",
    ),
    DemoStatement(
        ILSEDE,
        Position.AGREEMENT,
        "Die Gemeinde Ilsede trägt die Leitlinien mit und beteiligt sich an den Projekttagen "
        "zum Thema Pflege.",
    ),
    DemoStatement(
        AWO,
        Position.REJECTION,
        "Die vorgesehene Streichung der Förderung der Migrationsberatung lehnen wir ab: Die "
        "Zielzahl von 10 % mehr Familien mit Leistungen für Bildung und Teilhabe ist ohne "
        "Beratung vor Ort nicht zu erreichen.",
        section="SL 2.3",
    ),
)
CLOSED_DECLINES = ("FD 67",)


@dataclass(frozen=True)
class DemoWeighing:
    """Who weighs an invitee's statement (a department code, None: the strategy unit) and,
    when already recorded, the disposition and its reason."""

    invitee: str
    evaluator: str | None
    disposition: str = ""
    reason: str = ""


# The closed round is half weighed: FD 50 and the strategy unit recorded theirs; the AWO's
# rejection waits with FD 50 (a conflict), Ilsede's agreement with FD 67 (`fdleitung`).
CLOSED_WEIGHING = (
    DemoWeighing(
        "FD 50",
        "FD 50",
        Disposition.TAKEN,
        "Die Entlastungsangebote für pflegende Angehörige werden als Maßnahme in das "
        "Handlungsfeld ältere Menschen aufgenommen.",
    ),
    DemoWeighing(
        "FD 65",
        None,
        Disposition.NOTED,
        "Zustimmung ohne Änderungswunsch; zur Kenntnis genommen.",
    ),
    DemoWeighing(AWO, "FD 50"),
    DemoWeighing(ILSEDE, "FD 67"),
)

CONCLUDED_TITLE = "Entwurf Handlungsprogramm Umwelt- und Klimaschutz 2026"
CONCLUDED_DESCRIPTION = (
    "Entwurf der Handlungsschwerpunkte zum Umwelt- und Klimaschutz. Die Beteiligung ist "
    "abgeschlossen; die Abwägung ist veröffentlicht und allen, die Stellung genommen haben, "
    "mitgeteilt."
)
CONCLUDED_STATEMENTS = (
    DemoStatement(
        ILSEDE,
        Position.AGREEMENT_WITH_CHANGES,
        "Die Gemeinde Ilsede bittet, das Naturschutzgebiet am Zweidorfer Holz mit den "
        "Anliegergemeinden abzustimmen und die Wegeführung für Radfahrende zu erhalten.",
        section="4.1",
    ),
    DemoStatement(
        "FD 65",
        Position.AGREEMENT_WITH_CHANGES,
        "Das Einsparziel von 30 % sollte auf die Liegenschaften mit dem höchsten Verbrauch "
        "konzentriert werden; eine Liste liegt bei.",
        section="4.2",
        attachment="FD65_Verbrauchsliste_Liegenschaften.pdf",
    ),
    DemoStatement(
        AWO,
        Position.NO_COMMENT,
        "Keine Äußerung; die Belange der Wohlfahrtspflege sind nicht berührt.",
    ),
    DemoStatement("FD 67", Position.AGREEMENT, "Der Fachdienst Umwelt stimmt dem Entwurf zu."),
)
CONCLUDED_DECLINES = ("FD 50",)
CONCLUDED_WEIGHING = (
    DemoWeighing(
        ILSEDE,
        "FD 67",
        Disposition.PARTLY,
        "Die Abstimmung mit den Anliegergemeinden wird in das Verfahren aufgenommen; die "
        "Wegeführung wird im Schutzgebietsverfahren geprüft, nicht im Programm festgelegt.",
    ),
    DemoWeighing(
        "FD 65",
        None,
        Disposition.TAKEN,
        "Das Einsparziel wird nach der Verbrauchsliste auf die zehn größten Liegenschaften "
        "konzentriert.",
    ),
    DemoWeighing(AWO, None, Disposition.NOTED, "Keine Äußerung; zur Kenntnis genommen."),
    DemoWeighing("FD 67", None, Disposition.NOTED, "Zustimmung; zur Kenntnis genommen."),
)
