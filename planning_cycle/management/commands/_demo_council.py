"""The demo's council: Peine's committees, the Börde paper of 2018 and the goals paper.

- The committees of the Landkreis (Kreistag, Kreisausschuss, four committees and the
  senior citizens' council) with a legislative term, the Kreishaus's meeting room and
  some members (a few consent to being published).
- The Börde paper 2018/StS/0592 (Informationsvorlage on the development concept) with its
  six pre-deliberations of autumn 2018, each noted ("zur Kenntnis genommen"), and its two
  attachments as PDFs (`_demo_council_files`).
- The goals paper of the 2025 cycle, generated from its strategy retreat: the
  Kreisausschuss recommended it; the Kreistag met yesterday and its decision waits for
  `schriftfuehrung`, who records it on first login; then the cycle's council phase can end.

Master data (committees, persons, terms, the location) is reference data like the goal
catalog; papers, meetings, results and every state come from the council services and
the transition service. Built once: a second run finds the papers and leaves them alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from planning_cycle.models import (
    Body,
    Committee,
    CommitteeKind,
    Department,
    OperativeGoal,
    Phase,
    PlanningCycle,
    Role,
    RoleAssignment,
    User,
)
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.cycles import cycle_create
from planning_cycle.services.roles import role_assign
from workflows.agreements.services import agreement_propose, agreement_update
from workflows.council.models import (
    ConsultationStep,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Paper,
    Person,
    ReferenceCounter,
)
from workflows.council.services.meetings import meeting_create
from workflows.council.services.papers import StepPlan, paper_create
from workflows.council.services.results import agenda_item_result_record, step_schedule
from workflows.council.services.retreats import (
    goals_paper_generate,
    retreat_record,
    retreat_result_record,
)
from workflows.council.states import (
    CyclePaper,
    MeetingState,
    PaperType,
    RetreatOutcome,
    StepResult,
    StepRole,
)
from workflows.services.transitions import transition_fire

from ._demo_council_files import boerde_files_seed

# The committees of the Landkreis: name, short name, kind.
COMMITTEES = (
    ("Kreistag", "KT", CommitteeKind.COUNCIL),
    ("Kreisausschuss", "KA", CommitteeKind.MAIN_COMMITTEE),
    ("Kultur- und Sozialausschuss", "KSA", CommitteeKind.COMMITTEE),
    ("Jugendhilfeausschuss", "JHA", CommitteeKind.COMMITTEE),
    ("Kreisseniorenrat", "KSR", CommitteeKind.ADVISORY_BOARD),
    ("Umwelt- und Wirtschaftsausschuss", "UWA", CommitteeKind.COMMITTEE),
)
COUNCIL, MAIN = "Kreistag", "Kreisausschuss"
TERM = ("Wahlperiode 2021-2026", dt.date(2021, 11, 1))
OLD_TERM = ("Wahlperiode 2016-2021", dt.date(2016, 11, 1), dt.date(2021, 10, 31))
# The members: given name, family name, title, consent to publication, committees.
MEMBERS = (
    ("Heinrich", "Lüders", "", True, ("Kreistag", "Kreisausschuss")),
    ("Gabriele", "Stünkel", "Dr.", True, ("Kreistag", "Kultur- und Sozialausschuss")),
    ("Werner", "Heuer", "", True, ("Kreistag", "Umwelt- und Wirtschaftsausschuss")),
    ("Sandra", "Wöhler", "", False, ("Kreistag", "Jugendhilfeausschuss")),
    ("Klaus", "Bertram", "", True, ("Kreisseniorenrat",)),
    ("Ingrid", "Meinecke", "", False, ("Kreisseniorenrat", "Kultur- und Sozialausschuss")),
)
COUNCIL_MEMBER_LOGIN = "kreistag"
SECRETARY_LOGIN = "schriftfuehrung"

# The strategy unit that leads both papers (Börde: "Stabsstelle Strategische
# Entwicklungsplanung und integrierte Sozialplanung").
STS_CODE = "StS"
STS_NAME = "Stabsstelle Strategische Entwicklungsplanung und integrierte Sozialplanung"

BOERDE_TITLE = 'Aktueller Stand des "Integrierten Kreisentwicklungskonzeptes"'
BOERDE_NUMBER = 592
BOERDE_DATE = dt.date(2018, 8, 28)
BOERDE_SUBMITTER = "Dr. Waselewski, Fachbereichsleiter 2"
BOERDE_AUTHOR = "Koch, Eileen"
BOERDE_RESOLUTION = (
    "Der aktuelle Stand des „Integrierten Kreisentwicklungskonzeptes“ wird zur Kenntnis genommen."
)
BOERDE_REASONING = (
    "Am 23. November 2016 wurde die Landkreisverwaltung durch den Beschluss des Kreistages "
    "mit der Erarbeitung eines integrierten Kreisentwicklungskonzeptes inklusive "
    "Leitbilderstellung und Zielerreichungssystematik beauftragt. Der Ausgangspunkt für die "
    "weitere Entwicklung ist das Leitbild, welches am 14.02.2018 vom Kreistag beschlossen "
    "wurde. Unter Einbeziehung der Arbeitsgruppenergebnisse und Anmerkungen der "
    "Fachausschüsse soll ein integrativer Entwurf des Gesamtkonzeptes entwickelt werden; "
    "die Beschlussfassung des Kreistages ist für den 28.11.2018 vorgesehen.\n\n"
    "Anlagen:\n"
    "- Anlage_1_Präsentation_Kreisentwicklungskonzept_Stand_30.10.2018\n"
    "- Anlage_2_Kreisentwicklungskonzept_Gesamtentwurf_Stand_10.10.2018"
)
# The sequence of 2018: committee, meeting day (all pre-deliberations).
BOERDE_SEQUENCE = (
    ("Kultur- und Sozialausschuss", dt.date(2018, 9, 12)),
    ("Jugendhilfeausschuss", dt.date(2018, 9, 17)),
    ("Jugendhilfeausschuss", dt.date(2018, 10, 15)),
    ("Kultur- und Sozialausschuss", dt.date(2018, 10, 17)),
    ("Kreisseniorenrat", dt.date(2018, 10, 18)),
    ("Umwelt- und Wirtschaftsausschuss", dt.date(2018, 11, 12)),
)
MEETING_HOUR = 17

# The cycle whose goals paper waits for the Kreistag (the 2026 cycle is in goal review).
GOALS_YEAR = 2025
OVERRIDE = "Demo: die Vorjahresphasen sind außerhalb der Plattform abgeschlossen worden."
# Days from today: the Kreisausschuss recommended two weeks ago, the Kreistag met yesterday.
MAIN_MEETING_DAYS, COUNCIL_MEETING_DAYS = -14, -1
GOALS_PHASE_DAYS = {
    Phase.GOAL_REVIEW: -240,
    Phase.FRAMEWORK: -210,
    Phase.RETREAT_PREPARATION: -120,
    Phase.RETREAT: -45,
    Phase.COUNCIL_RESOLUTION: 14,
    Phase.PLANNING: 90,
    Phase.BUDGET_INTRODUCTION: 120,
    Phase.BUDGET_RESOLUTION: 180,
}
# The 2025 agreements that went to the retreat (departments of Peine's catalog goals).
AGREEMENT_COUNT = 3

Log = Callable[[str], object]


def _aware(day: dt.date, hour: int = MEETING_HOUR) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def council_master_data(body: Body, users: dict[str, User]) -> dict[str, Committee]:
    """Create the committees, term, location, persons and secretaries' roles (idempotent)."""
    committees = {}
    for position, (name, short, kind) in enumerate(COMMITTEES):
        committees[name], _created = Committee.objects.get_or_create(
            body=body, name=name, defaults={"short_name": short, "kind": kind, "position": position}
        )
    LegislativeTerm.objects.get_or_create(
        body=body, name=OLD_TERM[0], defaults={"start_date": OLD_TERM[1], "end_date": OLD_TERM[2]}
    )
    LegislativeTerm.objects.get_or_create(body=body, name=TERM[0], defaults={"start_date": TERM[1]})
    Location.objects.get_or_create(
        body=body,
        description="Kreishaus Peine",
        defaults={
            "room": "Großer Sitzungssaal",
            "street_address": "Burgstraße 1",
            "postal_code": "31224",
            "locality": "Peine",
        },
    )
    member = users.get(COUNCIL_MEMBER_LOGIN)
    for given, family, title, consent, names in MEMBERS:
        account = (
            member
            if member is not None and (member.first_name, member.last_name) == (given, family)
            else None
        )
        person, _created = Person.objects.get_or_create(
            body=body,
            given_name=given,
            family_name=family,
            defaults={"title": title, "public_consent": consent, "user": account},
        )
        for name in names:
            Membership.objects.get_or_create(
                body=body,
                person=person,
                committee=committees[name],
                defaults={"start_date": TERM[1]},
            )
    secretary = users[SECRETARY_LOGIN]
    for name in (COUNCIL, MAIN):
        if not RoleAssignment.objects.filter(
            user=secretary, role=Role.COMMITTEE_CLERK, committee=committees[name]
        ).exists():
            role_assign(
                acting_user=SYSTEM,
                user=secretary,
                role=Role.COMMITTEE_CLERK,
                scope=committees[name],
            )
    return committees


def _strategy_department(body: Body) -> Department:
    department, _created = Department.objects.get_or_create(
        body=body, code=STS_CODE, defaults={"name": STS_NAME, "takes_part": False}
    )
    return department


def _meeting(
    office: User, committee: Committee, day: dt.date, location: Location | None
) -> Meeting:
    return meeting_create(
        acting_user=office,
        committee=committee,
        name=f"{committee.name}: ordentliche Sitzung",
        start=_aware(day),
        end=_aware(day, MEETING_HOUR + 2),
        location=location,
        term=LegislativeTerm.objects.filter(body=committee.body, start_date__lte=day)
        .order_by("-start_date")
        .first(),
    )


def _deliberate(
    office: User,
    clerk: User,
    step: ConsultationStep,
    meeting: Meeting,
    result: str,
    *,
    hold: bool = True,
) -> None:
    """Put the step on the meeting's agenda and record the committee's result there."""
    step_schedule(acting_user=office, step=step, meeting=meeting)
    step.refresh_from_db()
    assert step.agenda_item is not None
    agenda_item_result_record(acting_user=clerk, item=step.agenda_item, result=result)
    if hold:
        meeting.refresh_from_db()
        if meeting.state == MeetingState.SCHEDULED:
            transition_fire(acting_user=office, obj=meeting, transition="hold")


def boerde_paper_seed(
    body: Body, committees: dict[str, Committee], users: dict[str, User], admin: User
) -> Paper:
    """Create the Börde paper 2018/StS/0592 with its six pre-deliberations, all noted."""
    office = users[SECRETARY_LOGIN]
    found = Paper.objects.filter(body=body, title=BOERDE_TITLE).first()
    if found is not None:
        return found
    sts = _strategy_department(body)
    # The paper keeps its number of 2018: the range had reached 591 before it.
    counter, _created = ReferenceCounter.objects.get_or_create(
        body=body, year=BOERDE_DATE.year, unit=sts.code
    )
    if counter.last_number < BOERDE_NUMBER - 1:
        ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=BOERDE_NUMBER - 1)
    paper = paper_create(
        acting_user=office,
        title=BOERDE_TITLE,
        paper_type=PaperType.INFORMATION,
        lead_department=sts,
        public=True,
        proposed_resolution=BOERDE_RESOLUTION,
        reasoning=BOERDE_REASONING,
        submitter=BOERDE_SUBMITTER,
        author=BOERDE_AUTHOR,
        date=BOERDE_DATE,
        steps=[
            StepPlan(committee=committees[name], role=StepRole.PRE_DELIBERATION)
            for name, _day in BOERDE_SEQUENCE
        ],
    )
    location = Location.objects.filter(body=body).order_by("pk").first()
    steps = list(paper.steps.order_by("position"))
    for step, (name, day) in zip(steps, BOERDE_SEQUENCE, strict=True):
        meeting = _meeting(office, committees[name], day, location)
        # 2018's results are history brought into the platform by its administration.
        _deliberate(office, admin, step, meeting, StepResult.NOTED)
    return paper


def _goals_cycle(body: Body, users: dict[str, User]) -> PlanningCycle:
    """Create the 2025 cycle and walk it to its council phase with agreements adopted."""
    management, unit = users["leitung"], users["steuerung"]
    today = timezone.localdate()
    cycle = cycle_create(
        acting_user=management,
        body=body,
        year=GOALS_YEAR,
        dates={p: today + dt.timedelta(days=d) for p, d in GOALS_PHASE_DAYS.items()},
    )

    def advance(transition: str) -> None:
        transition_fire(
            acting_user=management, obj=cycle, transition=transition, override_reason=OVERRIDE
        )

    advance("to_framework")
    advance("to_retreat_preparation")
    heads = {
        a.department.code: a.user
        for a in RoleAssignment.objects.filter(
            body=body, role=Role.DEPARTMENT_HEAD, department__isnull=False
        ).select_related("department", "user")
        if a.department is not None
    }
    goals = [
        g
        for g in OperativeGoal.objects.filter(body=body, superseded=False)
        .prefetch_related("departments")
        .order_by("position", "pk")
        if any(d.code in heads for d in g.departments.all())
    ][:AGREEMENT_COUNT]
    agreements = []
    for goal in goals:
        department = next(d for d in goal.departments.all() if d.code in heads)
        head = heads[department.code]
        agreement = agreement_propose(
            acting_user=head, cycle=cycle, operative_goal=goal, department=department
        )
        agreement_update(
            acting_user=head,
            agreement=agreement,
            balance="",
            effects=goal.title,
            programmes="Maßnahmen und Produkte laut Haushaltsplan des Fachdienstes",
            processes="Umsetzung in der bestehenden Fachdienststruktur",
            resources="Im Rahmen des vorhandenen Budgets",
        )
        transition_fire(acting_user=head, obj=agreement, transition="submit")
        transition_fire(acting_user=management, obj=agreement, transition="approve")
        agreements.append(agreement)
    advance("to_retreat")
    retreat = retreat_record(
        acting_user=unit,
        cycle=cycle,
        start_date=today + dt.timedelta(days=GOALS_PHASE_DAYS[Phase.RETREAT] - 1),
        end_date=today + dt.timedelta(days=GOALS_PHASE_DAYS[Phase.RETREAT]),
        place="Kreishaus Peine",
    )
    strategic = {g.strategic_goal for g in goals}
    for strategic_goal in sorted(strategic, key=lambda g: (g.position, g.pk)):
        retreat_result_record(
            acting_user=unit,
            retreat=retreat,
            strategic_goal=strategic_goal,
            outcome=RetreatOutcome.ADOPT,
        )
    for i, (goal, agreement) in enumerate(zip(goals, agreements, strict=True)):
        changed = i == len(goals) - 1
        if changed:
            transition_fire(
                acting_user=unit,
                obj=agreement,
                transition="change",
                comment="In der Klausur präzisiert: mit messbarem Zielwert bis 2027.",
            )
            retreat_result_record(
                acting_user=unit,
                retreat=retreat,
                operative_goal=goal,
                outcome=RetreatOutcome.CHANGE,
                changed_title=f"{goal.title} (messbar bis 2027)",
            )
        else:
            transition_fire(acting_user=unit, obj=agreement, transition="adopt")
            retreat_result_record(
                acting_user=unit,
                retreat=retreat,
                operative_goal=goal,
                outcome=RetreatOutcome.ADOPT,
            )
    advance("to_council_resolution")
    return cycle


def goals_paper_seed(body: Body, committees: dict[str, Committee], users: dict[str, User]) -> Paper:
    """Create the goals paper: recommended by the Kreisausschuss, on yesterday's Kreistag."""
    found = Paper.objects.filter(
        body=body, cycle__year=GOALS_YEAR, cycle_phase=CyclePaper.COUNCIL_RESOLUTION
    ).first()
    if found is not None:
        return found
    office, unit = users[SECRETARY_LOGIN], users["steuerung"]
    cycle = PlanningCycle.objects.filter(body=body, year=GOALS_YEAR).first()
    if cycle is None:
        cycle = _goals_cycle(body, users)
    paper = goals_paper_generate(
        acting_user=unit, cycle=cycle, lead_department=_strategy_department(body)
    )
    location = Location.objects.filter(body=body).order_by("pk").first()
    today = timezone.localdate()
    main_step, council_step = list(paper.steps.order_by("position"))
    main_meeting = _meeting(
        office, committees[MAIN], today + dt.timedelta(days=MAIN_MEETING_DAYS), location
    )
    _deliberate(office, office, main_step, main_meeting, StepResult.RECOMMENDED)
    council_meeting = _meeting(
        office, committees[COUNCIL], today + dt.timedelta(days=COUNCIL_MEETING_DAYS), location
    )
    transition_fire(acting_user=office, obj=council_meeting, transition="invite")
    step_schedule(acting_user=office, step=council_step, meeting=council_meeting)
    return paper


def council_seed(body: Body, users: dict[str, User], admin: User, log: Log) -> None:
    """Seed the council: committees and members, the Börde paper, the pending goals paper."""
    committees = council_master_data(body, users)
    if not Paper.objects.filter(body=body, title=BOERDE_TITLE).exists():
        paper = boerde_paper_seed(body, committees, users, admin)
        log(f"{body}: Vorlage {paper.reference} angelegt.")
    boerde = Paper.objects.get(body=body, title=BOERDE_TITLE)
    if not boerde.files.filter(deleted=False).exists():
        files = boerde_files_seed(boerde, users[SECRETARY_LOGIN])
        log(f"{body}: Vorlage {boerde.reference}: {len(files)} Anlagen angelegt.")
    if not Paper.objects.filter(body=body, cycle__year=GOALS_YEAR).exists():
        paper = goals_paper_seed(body, committees, users)
        log(f"{body}: Vorlage {paper.reference} ({paper.title}) angelegt.")
