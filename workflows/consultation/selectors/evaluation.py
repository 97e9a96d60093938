"""Reads of the evaluation: the weighing table (Abwägungstabelle), conflicts, final notices.

The table is read with a fixed number of queries whatever the number of statements: the
current statements with their invitee, section, evaluation and evaluator in one, their
co-signers, their earlier versions and (unless anonymous) who released them in one each.
Filters are applied to the loaded rows, so that a row keeps its number in every view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import RoleAssignment, User
from workflows.models import TransitionLog

from ..access import own_invitee
from ..models import ConsultationRound, Evaluation, Invitation, Statement
from ..states import Disposition, EvaluationState, Position, RoundState, StatementState

VIEW_ALL = "planning_cycle.consultation_view"
MANAGE = "planning_cycle.consultation_manage"
# Filter values beyond the choices: no disposition yet; weighed by the strategy unit itself;
# assigned to nobody; a statement on the draft as a whole (no section).
OPEN = "offen"
STRATEGY_UNIT = "steuerung"
UNASSIGNED = "keine"
GENERAL = "allgemein"
# Positions and dispositions that keep a weighed statement on the conflict list.
CONTESTED_POSITIONS = (Position.REJECTION, Position.AGREEMENT_WITH_CHANGES)
UNRESOLVED_DISPOSITIONS = (Disposition.NOT_TAKEN, Disposition.PARTLY)


def statements_current(round_id: int) -> QuerySet[Statement]:
    """Return the round's released statements in their current version (no released successor)."""
    return Statement.objects.filter(round_id=round_id, state=StatementState.RELEASED).filter(
        Q(superseded_by__isnull=True) | ~Q(superseded_by__state=StatementState.RELEASED)
    )


@dataclass(frozen=True)
class WeighingFilter:
    """The weighing table's filters (empty: all)."""

    position: str = ""
    disposition: str = ""
    # "department:<id>", STRATEGY_UNIT or UNASSIGNED
    evaluator: str = ""
    # a section's id or GENERAL
    section: str = ""

    @property
    def active(self) -> bool:
        return any((self.position, self.disposition, self.evaluator, self.section))


@dataclass(frozen=True)
class EarlierVersion:
    version: int
    released_at: dt.datetime | None


@dataclass
class WeighingRow:
    """One current statement of a round with how it was weighed."""

    number: int
    statement_id: int
    invitation_id: int
    co_signer_invitation_ids: frozenset[int]
    invitee: str
    co_signers: list[str]
    section_id: int | None
    section: str
    position: str
    position_label: str
    text: str
    version: int
    earlier_versions: list[EarlierVersion]
    released_at: dt.datetime | None
    evaluation_id: int | None
    evaluation_state: str
    evaluator_key: str
    evaluator: str
    evaluator_department_id: int | None
    # Only a recorded disposition is shown; one still being written is the evaluator's.
    disposition: str
    disposition_label: str
    reason: str
    # People: left out of the variant without personal data.
    released_by: str = ""
    released_by_email: str = ""
    drafted_by: str = ""
    conflict_reasons: list[str] = field(default_factory=list)

    @property
    def recorded(self) -> bool:
        return self.evaluation_state == EvaluationState.RECORDED

    @property
    def corrected(self) -> bool:
        return bool(self.earlier_versions)

    @property
    def version_note(self) -> str:
        """Say which earlier versions this corrected statement replaces ("" if none)."""
        if not self.earlier_versions:
            return ""
        versions = ", ".join(str(v.version) for v in self.earlier_versions)
        return _("Fassung %(version)s; ersetzt Fassung %(earlier)s") % {
            "version": self.version,
            "earlier": versions,
        }


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


def _evaluator(evaluation: Evaluation | None) -> tuple[str, str, int | None]:
    if evaluation is None:
        return UNASSIGNED, _("noch nicht zugewiesen"), None
    if evaluation.department is None:
        return STRATEGY_UNIT, _("Strategische Steuerung"), None
    dept = evaluation.department
    return f"department:{dept.pk}", f"{dept.code} {dept.name}", dept.pk


def _earlier(round_id: int) -> dict[int, tuple[int, dt.datetime | None, int | None]]:
    """Map each released, superseded statement of the round to (version, stamp, predecessor)."""
    rows = Statement.objects.filter(
        round_id=round_id, state=StatementState.RELEASED, superseded_by__isnull=False
    ).values_list("pk", "version", "released_at", "supersedes_id")
    return {pk: (version, released_at, previous) for pk, version, released_at, previous in rows}


def _chain(first: int | None, earlier: dict[int, Any]) -> list[EarlierVersion]:
    found = []
    seen: set[int] = set()
    while first is not None and first in earlier and first not in seen:
        seen.add(first)
        version, released_at, previous = earlier[first]
        found.append(EarlierVersion(version=version, released_at=released_at))
        first = previous
    return sorted(found, key=lambda v: v.version)


def _releasers(statement_ids: list[int]) -> dict[int, tuple[str, str]]:
    ctype = ContentType.objects.get_for_model(Statement)
    logs = (
        TransitionLog.objects.filter(
            content_type=ctype, object_id__in=statement_ids, transition="release"
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    return {log.object_id: (_person(log.actor), log.actor.email) for log in logs}


def _load(round_id: int) -> list[Statement]:
    co_signers = Prefetch(
        "co_signers",
        queryset=Invitation.objects.select_related("department", "organisation").order_by("id"),
    )
    return list(
        statements_current(round_id)
        .select_related(
            "department",
            "organisation",
            "section",
            "evaluation",
            "evaluation__department",
            "drafted_by",
        )
        .prefetch_related(co_signers)
        .order_by(F("section__position").asc(nulls_first=True), "section_id", "invitation_id", "id")
    )


def _row(number: int, s: Statement, earlier: dict[int, Any]) -> WeighingRow:
    evaluation: Evaluation | None = getattr(s, "evaluation", None)
    key, evaluator, dept_id = _evaluator(evaluation)
    recorded = evaluation is not None and evaluation.state == EvaluationState.RECORDED
    disposition = evaluation.disposition if recorded and evaluation else ""
    return WeighingRow(
        number=number,
        statement_id=s.pk,
        invitation_id=s.invitation_id,
        co_signer_invitation_ids=frozenset(i.pk for i in s.co_signers.all()),
        invitee=str(s.invitee),
        co_signers=[str(i.invitee) for i in s.co_signers.all()],
        section_id=s.section_id,
        section=f"{s.section.number} {s.section.title}" if s.section else _("Allgemein"),
        position=s.position,
        position_label=str(Position(s.position).label) if s.position else "",
        text=s.text,
        version=s.version,
        earlier_versions=_chain(s.supersedes_id, earlier),
        released_at=s.released_at,
        evaluation_id=evaluation.pk if evaluation else None,
        evaluation_state=evaluation.state if evaluation else "",
        evaluator_key=key,
        evaluator=evaluator,
        evaluator_department_id=dept_id,
        disposition=disposition,
        disposition_label=str(Disposition(disposition).label) if disposition else _("offen"),
        reason=evaluation.reason if recorded and evaluation else "",
        drafted_by=_person(s.drafted_by),
    )


def _matches(row: WeighingRow, filters: WeighingFilter) -> bool:
    if filters.position and row.position != filters.position:
        return False
    if filters.disposition:
        wanted = "" if filters.disposition == OPEN else filters.disposition
        if row.disposition != wanted:
            return False
    if filters.evaluator and row.evaluator_key != filters.evaluator:
        return False
    if filters.section:
        wanted_section = None if filters.section == GENERAL else filters.section
        if str(row.section_id) != str(wanted_section) and not (
            wanted_section is None and row.section_id is None
        ):
            return False
    return True


def weighing_rows(
    round_: ConsultationRound,
    *,
    filters: WeighingFilter | None = None,
    anonymous: bool = False,
    departments: Collection[int] | None = None,
) -> list[WeighingRow]:
    """Return the weighing table of a round: each current statement with its evaluation.

    `anonymous` leaves out the names and e-mail addresses of people (organisations and
    departments stay: they are public bodies); `departments` keeps only the rows
    assigned to these evaluating departments (an evaluator's view).
    """
    statements = _load(round_.pk)
    earlier = _earlier(round_.pk)
    rows = [_row(n, s, earlier) for n, s in enumerate(statements, start=1)]
    if anonymous:
        rows = [replace(r, drafted_by="") for r in rows]
    else:
        releasers = _releasers([r.statement_id for r in rows])
        for r in rows:
            r.released_by, r.released_by_email = releasers.get(r.statement_id, ("", ""))
    for r in rows:
        r.conflict_reasons = _conflict_reasons(r)
    if departments is not None:
        rows = [r for r in rows if r.evaluator_department_id in departments]
    if filters is not None and filters.active:
        rows = [r for r in rows if _matches(r, filters)]
    return rows


def _conflict_reasons(row: WeighingRow) -> list[str]:
    """Say why a row still needs a decision (empty: it does not)."""
    reasons = []
    if row.evaluation_id is None:
        reasons.append(_("noch keiner abwägenden Stelle zugewiesen"))
    elif not row.recorded:
        reasons.append(_("noch nicht abgewogen (bei %(evaluator)s)") % {"evaluator": row.evaluator})
    if row.position in CONTESTED_POSITIONS:
        if not row.recorded:
            reasons.append(
                _("%(position)s ohne Abwägungsergebnis") % {"position": row.position_label}
            )
        elif row.disposition in UNRESOLVED_DISPOSITIONS:
            reasons.append(
                _("%(position)s, Ergebnis: %(disposition)s")
                % {"position": row.position_label, "disposition": row.disposition_label}
            )
    return reasons


def conflict_rows(round_: ConsultationRound) -> list[WeighingRow]:
    """Return the rows still in conflict: not yet weighed, or contested and not taken up.

    Rejections and "agreement with changes" stay listed until weighed as taken into account
    or noted; every statement without a recorded disposition is listed too. Each row's
    `conflict_reasons` say why.
    """
    return [r for r in weighing_rows(round_) if r.conflict_reasons]


@dataclass(frozen=True)
class TableAccess:
    """What of a round's weighing table a user may see."""

    # None: every row; else only the rows assigned to these evaluating departments.
    departments: frozenset[int] | None
    anonymous_only: bool


def weighing_access(
    user: User, checker: ObjectPermissionChecker, round_: ConsultationRound
) -> TableAccess | None:
    """Tell what of the round's weighing table the user may see (None: nothing, a 404).

    Those who run consultations see all of it; invitees, once the round is concluded, the
    published table without personal data; evaluators the rows assigned to them.
    """
    if user_may(checker, user, VIEW_ALL, round_):
        return TableAccess(departments=None, anonymous_only=False)
    if round_.state == RoundState.CONCLUDED and (
        Invitation.objects.filter(own_invitee(user), round_id=round_.pk).exists()
    ):
        return TableAccess(departments=None, anonymous_only=True)
    own_departments = RoleAssignment.objects.filter(
        user_id=user.pk or 0, department__isnull=False
    ).values("department_id")
    assigned = set(
        Evaluation.objects.filter(
            round_id=round_.pk, department_id__in=own_departments
        ).values_list("department_id", flat=True)
    )
    if assigned:
        return TableAccess(departments=frozenset(d for d in assigned if d), anonymous_only=False)
    return None


def may_manage(user: User, checker: ObjectPermissionChecker, round_: ConsultationRound) -> bool:
    """Tell whether the user runs the round (assigns statements, reads the conflicts)."""
    return user_may(checker, user, MANAGE, round_)


def may_view_all(user: User, checker: ObjectPermissionChecker, round_: ConsultationRound) -> bool:
    """Tell whether the user sees every round of the body with all it holds."""
    return user_may(checker, user, VIEW_ALL, round_)


def final_notice_context(invitation: Invitation) -> dict[str, Any]:
    """Return what the final notice to a submitter says: each of its statements' weighing.

    Its own statements and the joint statements it co-signed, in their current version,
    numbered as in the published weighing table (without personal data).
    """
    round_ = invitation.round
    rows = [
        r
        for r in weighing_rows(round_, anonymous=True)
        if r.invitation_id == invitation.pk or invitation.pk in r.co_signer_invitation_ids
    ]
    return {
        "round_id": round_.pk,
        "round_title": round_.title,
        "body": str(round_.body),
        "invitee": str(invitation.invitee),
        "concluded_at": round_.concluded_at,
        "statements": [
            {
                "number": r.number,
                "section": r.section,
                "position": r.position_label,
                "joint": r.invitation_id != invitation.pk,
                "invitee": r.invitee,
                "text": r.text,
                "version": r.version,
                "disposition": r.disposition_label,
                "reason": r.reason,
            }
            for r in rows
        ],
    }
