"""The demo's consultation rounds: Landkreis Peine asks for statements like Landkreis Börde did.

Phases 4 to 6 of Börde's development concept (department statements, their evaluation, the
conflicts) on Peine's goal catalog: a round open for statements in mixed states, an older
round closed and partly weighed, and a concluded one whose evaluation is published. Every
row comes from the consultation services, every state from a transition. Each round is
built once: a second seed run finds it by its title and leaves it alone.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from planning_cycle.models import (
    Body,
    Department,
    OperativeGoal,
    Organisation,
    PlanningCycle,
    User,
)
from workflows.consultation.models import ConsultationRound, Invitation, RoundSection, Statement
from workflows.consultation.services.evaluation import evaluation_assign, evaluation_record
from workflows.consultation.services.files import file_attach
from workflows.consultation.services.round_invitees import invitations_add
from workflows.consultation.services.rounds import (
    round_close,
    round_create,
    round_open,
    section_add,
)
from workflows.consultation.services.statements import (
    invitation_decline,
    invitation_extension_request,
    statement_create,
    statement_release,
)
from workflows.consultation.states import StatementState, SubjectKind
from workflows.services.transitions import transition_fire

from ._demo_consultation_data import (
    AWO,
    CLOSED_DECLINES,
    CLOSED_DESCRIPTION,
    CLOSED_STATEMENTS,
    CLOSED_TITLE,
    CLOSED_WEIGHING,
    CONCLUDED_DECLINES,
    CONCLUDED_DESCRIPTION,
    CONCLUDED_STATEMENTS,
    CONCLUDED_TITLE,
    CONCLUDED_WEIGHING,
    DEPARTMENTS,
    EXTENSION_DAYS,
    EXTENSION_REASON,
    ILSEDE,
    OPEN_DAYS,
    OPEN_DESCRIPTION,
    OPEN_STATEMENTS,
    OPEN_TITLE,
    ORGANISATIONS,
    SECTION_TITLE_MAX,
    DemoStatement,
    DemoWeighing,
)

__all__ = ["AWO", "CLOSED_TITLE", "CONCLUDED_TITLE", "ILSEDE", "OPEN_TITLE", "consultation_seed"]


@dataclass
class Invitees:
    """The demo's invitees by name (department code or organisation name) and their people."""

    departments: dict[str, Department]
    departments_all: dict[str, Department]  # evaluators may be departments not invited
    organisations: dict[str, Organisation]
    people: dict[str, User]  # who acts for each invitee: its head or contact person

    def invitation(self, round_: ConsultationRound, name: str) -> Invitation:
        if name in self.departments:
            return round_.invitations.get(department=self.departments[name])
        return round_.invitations.get(organisation=self.organisations[name])


def consultation_seed(
    body: Body, cycle: PlanningCycle, users: dict[str, User], say: Callable[[str], None]
) -> None:
    """Create the demo's consultation rounds of Peine that are missing."""
    invitees = Invitees(
        departments={d.code: d for d in Department.objects.filter(body=body, code__in=DEPARTMENTS)},
        departments_all={d.code: d for d in Department.objects.filter(body=body)},
        organisations={o.name: o for o in Organisation.objects.filter(body=body)},
        people={
            "FD 67": users["fdleitung"],
            "FD 50": users["fd50"],
            "FD 65": users["fd65"],
            ILSEDE: users["extern"],
            AWO: users["awo"],
        },
    )
    strategy = users["steuerung"]
    existing = set(ConsultationRound.objects.filter(body=body).values_list("title", flat=True))
    if CONCLUDED_TITLE not in existing:
        _concluded_round(strategy, cycle, invitees)
        say(f"{body}: Beteiligungsverfahren „{CONCLUDED_TITLE}“ angelegt.")
    if CLOSED_TITLE not in existing:
        _closed_round(strategy, cycle, invitees)
        say(f"{body}: Beteiligungsverfahren „{CLOSED_TITLE}“ angelegt.")
    if OPEN_TITLE not in existing:
        _open_round(strategy, cycle, invitees, editor=users["sachbearbeitung"])
        say(f"{body}: Beteiligungsverfahren „{OPEN_TITLE}“ angelegt.")


def _open_round(
    strategy: User, cycle: PlanningCycle, invitees: Invitees, *, editor: User
) -> ConsultationRound:
    """The goal catalog draft, open: given, drafted, extension asked, still to answer."""
    round_ = _round_with_invitees(
        strategy,
        cycle,
        invitees,
        title=OPEN_TITLE,
        subject_kind=SubjectKind.GOAL_CATALOG,
        description=OPEN_DESCRIPTION,
        deadline=timezone.localdate() + dt.timedelta(days=OPEN_DAYS),
        sections=[
            (goal.number, goal.title, goal.description)
            for goal in cycle.body.strategic_goals.exclude(number__startswith="SL").order_by(
                "position", "id"
            )
        ],
        document="Entwurf_Zielkatalog_2027.pdf",
    )
    people = dict(invitees.people)
    people["FD 67"] = editor  # the editor drafts FD 67's statement; the head releases it
    _statements(round_, invitees, people, OPEN_STATEMENTS)
    ilsede = invitees.invitation(round_, ILSEDE)
    invitation_extension_request(
        acting_user=invitees.people[ILSEDE],
        invitation=ilsede,
        until=round_.deadline + dt.timedelta(days=EXTENSION_DAYS),
        reason=EXTENSION_REASON,
    )
    return round_


def _closed_round(strategy: User, cycle: PlanningCycle, invitees: Invitees) -> ConsultationRound:
    """The social-policy guidelines draft: everyone answered, closed early for weighing."""
    round_ = _round_with_invitees(
        strategy,
        cycle,
        invitees,
        title=CLOSED_TITLE,
        subject_kind=SubjectKind.CONCEPT,
        description=CLOSED_DESCRIPTION,
        deadline=timezone.localdate() + dt.timedelta(days=1),
        sections=[
            (goal.number, goal.title, goal.description)
            for goal in cycle.body.strategic_goals.filter(number__startswith="SL").order_by(
                "position", "id"
            )
        ],
        document="Entwurf_Sozialpolitische_Leitlinien_2026.pdf",
    )
    _statements(round_, invitees, invitees.people, CLOSED_STATEMENTS)
    for name in CLOSED_DECLINES:
        invitation_decline(
            acting_user=invitees.people[name],
            invitation=invitees.invitation(round_, name),
            comment="Die Leitlinien berühren die Aufgaben des Fachdienstes nicht.",
        )
    round_close(
        acting_user=strategy,
        round=round_,
        comment="Alle Eingeladenen haben geantwortet; die Abwägung beginnt.",
    )
    _weigh(round_, strategy, invitees, CLOSED_WEIGHING)
    return round_


def _concluded_round(strategy: User, cycle: PlanningCycle, invitees: Invitees) -> ConsultationRound:
    """The environment programme: answered, weighed, concluded; the final notices go out."""
    round_ = _round_with_invitees(
        strategy,
        cycle,
        invitees,
        title=CONCLUDED_TITLE,
        subject_kind=SubjectKind.CONCEPT,
        description=CONCLUDED_DESCRIPTION,
        deadline=timezone.localdate() + dt.timedelta(days=1),
        sections=[
            (goal.number, goal.title, goal.description)
            for goal in OperativeGoal.objects.filter(
                body=cycle.body, strategic_goal__number="4"
            ).order_by("position", "id")
        ],
        document="Entwurf_Handlungsprogramm_Umwelt_Klimaschutz.pdf",
    )
    _statements(round_, invitees, invitees.people, CONCLUDED_STATEMENTS)
    for name in CONCLUDED_DECLINES:
        invitation_decline(
            acting_user=invitees.people[name],
            invitation=invitees.invitation(round_, name),
            comment="Keine Belange des Fachdienstes berührt.",
        )
    round_close(acting_user=strategy, round=round_)
    _weigh(round_, strategy, invitees, CONCLUDED_WEIGHING)
    for transition in ("evaluate", "conclude"):
        transition_fire(acting_user=strategy, obj=round_, transition=transition)
    return round_


def _weigh(
    round_: ConsultationRound,
    strategy: User,
    invitees: Invitees,
    weighing: tuple[DemoWeighing, ...],
) -> None:
    """Assign each released statement to its evaluator; record the dispositions given."""
    for spec in weighing:
        statement = Statement.objects.get(
            round=round_,
            invitation=invitees.invitation(round_, spec.invitee),
            state=StatementState.RELEASED,
        )
        department = invitees.departments_all.get(spec.evaluator) if spec.evaluator else None
        [evaluation] = evaluation_assign(
            acting_user=strategy,
            round_=round_,
            statement_ids=[statement.pk],
            department=department,
        )
        if spec.disposition:
            evaluator = invitees.people[spec.evaluator] if spec.evaluator else strategy
            evaluation_record(
                acting_user=evaluator,
                evaluation=evaluation,
                disposition=spec.disposition,
                reason=spec.reason,
            )


def _round_with_invitees(
    strategy: User,
    cycle: PlanningCycle,
    invitees: Invitees,
    *,
    title: str,
    subject_kind: str,
    description: str,
    deadline: dt.date,
    sections: list[tuple[str, str, str]],
    document: str,
) -> ConsultationRound:
    """Create a round with its sections, draft document and the five invitees; open it."""
    round_ = round_create(
        acting_user=strategy,
        title=title,
        subject_kind=subject_kind,
        description=description,
        deadline=deadline,
        cycle=cycle,
    )
    for number, goal_title, text in sections:
        short = _shorten(goal_title)
        section_add(
            acting_user=strategy,
            round=round_,
            number=number,
            title=short,
            # A title too long for a heading is kept whole in the text.
            text="\n\n".join(t for t in (goal_title if short != goal_title else "", text) if t),
        )
    file_attach(acting_user=strategy, round=round_, upload=_pdf(document))
    invitations_add(
        acting_user=strategy,
        round=round_,
        department_ids=[invitees.departments[code].pk for code in DEPARTMENTS],
        organisation_ids=[invitees.organisations[name].pk for name in ORGANISATIONS],
    )
    return round_open(acting_user=strategy, round=round_)


def _statements(
    round_: ConsultationRound,
    invitees: Invitees,
    people: dict[str, User],
    statements: tuple[DemoStatement, ...],
) -> list[Statement]:
    """Draft each statement as its invitee's person; release those that are given."""
    sections = {s.number: s for s in RoundSection.objects.filter(round=round_)}
    made = []
    for spec in statements:
        author = people[spec.invitee]
        statement = statement_create(
            acting_user=author,
            invitation=invitees.invitation(round_, spec.invitee),
            position=spec.position,
            text=spec.text,
            section=sections[spec.section] if spec.section else None,
        )
        if spec.attachment:
            file_attach(
                acting_user=author,
                round=round_,
                statement=statement,
                upload=_pdf(spec.attachment),
            )
        if spec.release:
            statement_release(acting_user=invitees.people[spec.invitee], statement=statement)
        made.append(statement)
    return made


def _shorten(title: str) -> str:
    """Return the title, cut at a word before the section heading's limit."""
    if len(title) <= SECTION_TITLE_MAX:
        return title
    return title[: SECTION_TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"


def _pdf(name: str) -> SimpleUploadedFile:
    """Return a one-page PDF upload named `name` (the demo's documents are placeholders)."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4 in points
    writer.add_metadata({"/Title": name.removesuffix(".pdf").replace("_", " ")})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")
