"""Putting papers on agendas and recording each committee's result.

A result is recorded on the agenda item of the meeting (one form per item) and moves the
step through the transition service: a deferral puts it back to be planned (the item
keeps "deferred"), any other result records it with the meeting's date. The deciding
step's result becomes the paper's resolution status; a resolved goals paper resolves its
goal agreements in the same transaction (`paper_resolution_update`, registered with
`on_transition`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import Committee, User
from workflows.models import AgreementState, GoalAgreement, TransitionLog
from workflows.services.transitions import TransitionResult, transition_fire

from ..models import AgendaItem, ConsultationStep, Meeting, Paper
from ..states import (
    FINAL_RESULTS,
    MeetingState,
    ResolutionStatus,
    StepResult,
    StepRole,
    StepState,
)
from .base import MANAGE, RECORD, CouncilError, checker_for, require, same_body, text_input
from .papers import referral_add

VOTES_MAX = 10_000


def _lock_step(step: ConsultationStep) -> ConsultationStep:
    return (
        ConsultationStep.objects.select_for_update(of=("self",))
        .select_related("paper", "committee")
        .get(pk=step.pk, deleted=False)
    )


def step_schedule(
    *,
    acting_user: User,
    step: ConsultationStep,
    meeting: Meeting,
    number: str = "",
    public: bool | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> TransitionResult:
    """Put a planned step on the agenda of a meeting of its committee."""
    checker = checker_for(acting_user, checker)
    require(acting_user, checker, MANAGE, step, _("Sie dürfen keine Tagesordnungen bearbeiten."))
    same_body(acting_user, meeting, "meeting", _("Sitzung"))
    with transaction.atomic():
        locked = _lock_step(step)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.committee_id != locked.committee_id:
            raise CouncilError(
                _("Die Sitzung gehört nicht zum %(committee)s.") % {"committee": locked.committee},
                "meeting",
            )
        if meeting.state in (MeetingState.HELD, MeetingState.CANCELLED):
            raise CouncilError(
                _("Die Sitzung ist %(state)s; wählen Sie eine kommende Sitzung.")
                % {"state": meeting.get_state_display()},
                "meeting",
            )
        if locked.state != StepState.PLANNED:
            raise CouncilError(
                _("Die Beratung ist %(state)s.") % {"state": locked.get_state_display()},
                status=409,
            )
        position = (
            AgendaItem.objects.filter(meeting=meeting, deleted=False).aggregate(m=Max("position"))[
                "m"
            ]
            or 0
        ) + 1
        paper = locked.paper
        number = text_input(number, what=_("die Nummer"), field="number", limit=20) or str(position)
        try:
            with transaction.atomic():
                item = AgendaItem.objects.create(
                    body_id=meeting.body_id,
                    meeting=meeting,
                    number=number,
                    position=position,
                    name=f"{paper.reference} {paper.title}"[:500],
                    public=paper.public if public is None else (public and paper.public),
                    step=locked,
                )
        except IntegrityError:
            raise CouncilError(
                _("Die Vorlage steht schon auf der Tagesordnung dieser Sitzung."), "meeting"
            ) from None
        # Written before the transition, whose condition checks that it is there.
        ConsultationStep.objects.filter(pk=locked.pk).update(agenda_item=item)
        return transition_fire(
            acting_user=acting_user, obj=locked, transition="schedule", checker=checker
        )


def step_unschedule(
    *,
    acting_user: User,
    step: ConsultationStep,
    reason: str,
    checker: ObjectPermissionChecker | None = None,
) -> TransitionResult:
    """Take a step off the agenda before its meeting (the item is kept as deleted)."""
    with transaction.atomic():
        item_id = ConsultationStep.objects.filter(pk=step.pk).values_list(
            "agenda_item_id", flat=True
        )[0]
        result = transition_fire(
            acting_user=acting_user,
            obj=step,
            transition="unschedule",
            comment=reason,
            checker=checker,
        )
        AgendaItem.objects.filter(pk=item_id, result="").update(
            deleted=True, updated_at=timezone.now()
        )
        return result


@dataclass(frozen=True)
class Referral:
    """A committee the result refers the paper to, with its role and part."""

    committee: Committee
    role: str = StepRole.PRE_DELIBERATION
    part: str = ""


def _votes(yes: int | None, no: int | None, abstain: int | None) -> tuple[int | None, ...]:
    given = [v for v in (yes, no, abstain) if v is not None]
    if not given:
        return (None, None, None)
    if len(given) != 3:
        raise CouncilError(
            _("Geben Sie Ja-Stimmen, Nein-Stimmen und Enthaltungen an, oder keine davon."),
            "votes_yes",
        )
    for name, value in (("votes_yes", yes), ("votes_no", no), ("votes_abstain", abstain)):
        assert value is not None
        if value < 0 or value > VOTES_MAX:
            raise CouncilError(
                _("Eine Stimmenzahl muss zwischen 0 und %(max)d liegen.") % {"max": VOTES_MAX},
                name,
            )
    return (yes, no, abstain)


def agenda_item_result_record(
    *,
    acting_user: User,
    item: AgendaItem,
    result: str,
    resolution_text: str = "",
    votes_yes: int | None = None,
    votes_no: int | None = None,
    votes_abstain: int | None = None,
    referrals: Sequence[Referral] = (),
    comment: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> TransitionResult:
    """Record the committee's result of a paper on its agenda item, dated the meeting's day."""
    checker = checker_for(acting_user, checker)
    if item.step_id is None:
        raise CouncilError(_("Zu diesem Tagesordnungspunkt gehört keine Vorlage."), status=409)
    step = ConsultationStep.objects.select_related("committee").get(pk=item.step_id)
    # The permission first, so that a refused user learns nothing more.
    if not user_may(checker, acting_user, RECORD, step):
        raise CouncilError(
            _("Nur die Schriftführung des %(committee)s darf dessen Ergebnisse erfassen.")
            % {"committee": step.committee},
            status=403,
        )
    if result not in StepResult.values:
        raise CouncilError(_("Bitte wählen Sie das Ergebnis aus der Liste."), "result")
    votes = _votes(votes_yes, votes_no, votes_abstain)
    text = text_input(resolution_text, what=_("den Beschlusstext"), field="resolution_text")
    for referral in referrals:
        same_body(acting_user, referral.committee, "referrals", _("Gremium"))
    with transaction.atomic():
        locked = _lock_step(step)
        fresh = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        if locked.agenda_item_id != fresh.pk or locked.state != StepState.SCHEDULED:
            raise CouncilError(
                _(
                    "Für diesen Tagesordnungspunkt ist schon ein Ergebnis erfasst "
                    "(%(state)s); laden Sie die Seite neu."
                )
                % {"state": locked.get_state_display()},
                status=409,
            )
        meeting_day = fresh.meeting.date
        AgendaItem.objects.filter(pk=fresh.pk).update(
            result=result,
            resolution_text=text,
            votes_yes=votes[0],
            votes_no=votes[1],
            votes_abstain=votes[2],
            recorded_at=timezone.now(),
            recorded_by=acting_user,
            updated_at=timezone.now(),
        )
        if result == StepResult.DEFERRED:
            outcome = transition_fire(
                acting_user=acting_user,
                obj=locked,
                transition="defer",
                comment=comment
                or _("Vertagt in der Sitzung am %(date)s.")
                % {"date": date_format(meeting_day, "SHORT_DATE_FORMAT")},
                checker=checker,
            )
        else:
            ConsultationStep.objects.filter(pk=locked.pk).update(
                result=result, result_date=meeting_day
            )
            outcome = transition_fire(
                acting_user=acting_user,
                obj=locked,
                transition="record",
                comment=comment,
                checker=checker,
            )
        for referral in referrals:
            referral_add(
                acting_user=acting_user,
                step=outcome.obj,  # type: ignore[arg-type]
                committee=referral.committee,
                role=referral.role,
                part=referral.part,
            )
        return outcome


def step_reopen(
    *,
    acting_user: User,
    step: ConsultationStep,
    reason: str,
    checker: ObjectPermissionChecker | None = None,
) -> TransitionResult:
    """Open a recorded result for correction (the paper's status follows)."""
    with transaction.atomic():
        outcome = transition_fire(
            acting_user=acting_user, obj=step, transition="reopen", comment=reason, checker=checker
        )
        AgendaItem.objects.filter(pk=step.agenda_item_id or 0).update(
            result="", recorded_at=None, recorded_by=None, updated_at=timezone.now()
        )
        return outcome


def resolution_of(steps: Sequence[ConsultationStep]) -> tuple[str, dt.date | None]:
    """Return the paper's resolution status and date from its deciding steps.

    Pending until every deciding step (one per part) has its result; then the common
    result, "with changes" if any part was changed, the latest meeting's date. Without a
    deciding step: noted once every step has its result.
    """
    current = [s for s in steps if not s.deleted]
    deciding = [s for s in current if s.role == StepRole.DECISION]
    if not deciding:
        # A paper no committee decides (an Informationsvorlage) is settled when its whole
        # sequence has taken note of it; its last result is what stands.
        if not current or any(s.state != StepState.RECORDED for s in current):
            return ResolutionStatus.PENDING, None
        last = max(current, key=lambda s: s.position)
        day = max(s.result_date for s in current if s.result_date is not None)
        settled: dict[str, str] = {
            StepResult.REJECTED: ResolutionStatus.REJECTED,
            StepResult.WITHDRAWN: ResolutionStatus.WITHDRAWN,
        }
        return settled.get(last.result, ResolutionStatus.NOTED), day
    if any(s.state != StepState.RECORDED for s in deciding):
        return ResolutionStatus.PENDING, None
    results = {s.result for s in deciding}
    day = max(s.result_date for s in deciding if s.result_date is not None)
    if results <= {StepResult.DECIDED, StepResult.DECIDED_WITH_CHANGES, StepResult.RECOMMENDED}:
        changed = StepResult.DECIDED_WITH_CHANGES in results
        return (
            ResolutionStatus.DECIDED_WITH_CHANGES if changed else ResolutionStatus.DECIDED,
            day,
        )
    if len(results) == 1:
        only = next(iter(results))
        mapping: dict[str, str] = {
            StepResult.REJECTED: ResolutionStatus.REJECTED,
            StepResult.NOTED: ResolutionStatus.NOTED,
            StepResult.WITHDRAWN: ResolutionStatus.WITHDRAWN,
        }
        return mapping.get(only, ResolutionStatus.DECIDED), day
    # Parts decided differently: decided with changes is what stands.
    return ResolutionStatus.DECIDED_WITH_CHANGES, day


RESOLVING = (ResolutionStatus.DECIDED, ResolutionStatus.DECIDED_WITH_CHANGES)


def paper_resolution_update(obj: models.Model, acting_user: User, log: TransitionLog) -> None:
    """After a step's result changes: update the paper's status; resolve a goals paper's goals."""
    assert isinstance(obj, ConsultationStep)
    paper = Paper.objects.select_for_update().get(pk=obj.paper_id)
    steps = list(ConsultationStep.objects.filter(paper=paper, deleted=False))
    status, day = resolution_of(steps)
    Paper.objects.filter(pk=paper.pk).update(
        resolution_status=status, resolved_on=day, updated_at=timezone.now()
    )
    if status not in RESOLVING or paper.resolution_status in RESOLVING:
        return
    assert day is not None
    agreements = GoalAgreement.objects.filter(
        pk__in=paper.agreements.values("pk"),
        state__in=(AgreementState.ADOPTED, AgreementState.CHANGED),
    ).order_by("pk")
    note = _("Beschluss des %(committee)s vom %(date)s (Vorlage %(reference)s)") % {
        "committee": obj.committee,
        "date": date_format(day, "SHORT_DATE_FORMAT"),
        "reference": paper.reference,
    }
    for agreement in agreements:
        GoalAgreement.objects.filter(pk=agreement.pk).update(council_resolved_on=day)
        transition_fire(
            acting_user=acting_user,
            obj=agreement,
            transition="resolve",
            comment=note,
            consequence_of=log,
        )


def meeting_cancelled(obj: models.Model, acting_user: User, log: TransitionLog) -> None:
    """After a meeting is cancelled: its papers go back to be planned for another meeting."""
    assert isinstance(obj, Meeting)
    steps = ConsultationStep.objects.filter(
        agenda_item__meeting=obj, state=StepState.SCHEDULED
    ).order_by("pk")
    for step in steps:
        transition_fire(
            acting_user=acting_user,
            obj=step,
            transition="unschedule",
            comment=_("Die Sitzung wurde abgesagt."),
            consequence_of=log,
        )
    AgendaItem.objects.filter(meeting=obj, result="").update(updated_at=timezone.now())


__all__ = [
    "FINAL_RESULTS",
    "Referral",
    "agenda_item_result_record",
    "meeting_cancelled",
    "paper_resolution_update",
    "resolution_of",
    "step_reopen",
    "step_schedule",
    "step_unschedule",
]
