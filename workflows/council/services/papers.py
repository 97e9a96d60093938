"""Creating and editing papers and their consultation sequence (Beratungsfolge)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import Committee, Department, PlanningCycle, User

from ..models import ConsultationStep, Paper
from ..states import CyclePaper, PaperType, StepRole, StepState
from .base import MANAGE, TITLE_MAX, CouncilError, checker_for, require, same_body, text_input
from .numbering import reference_next


@dataclass(frozen=True)
class StepPlan:
    """One step of a sequence to create: committee, role and the part it covers."""

    committee: Committee
    role: str = StepRole.PRE_DELIBERATION
    part: str = ""


def _may_manage(user: User, checker: ObjectPermissionChecker, paper: Paper | None = None) -> None:
    stand_in = paper if paper is not None else Paper(body=user.body)
    require(user, checker, MANAGE, stand_in, _("Sie dürfen keine Vorlagen bearbeiten."))


def _paper_fields(
    *,
    acting_user: User,
    title: str,
    paper_type: str,
    lead_department: Department | None,
    proposed_resolution: str,
    reasoning: str,
    financial_effects: str,
    submitter: str,
    author: str,
    external_url: str,
) -> dict[str, object]:
    if paper_type not in PaperType.values:
        raise CouncilError(_("Bitte wählen Sie eine Vorlagenart aus der Liste."), "paper_type")
    if lead_department is None:
        raise CouncilError(_("Bitte wählen Sie die federführende Einheit."), "lead_department")
    same_body(acting_user, lead_department, "lead_department", _("federführende Einheit"))
    if external_url and not external_url.startswith(("https://", "http://")):
        raise CouncilError(
            _("Die Adresse im Ratsinformationssystem muss mit https:// beginnen."), "external_url"
        )
    return {
        "title": text_input(
            title, what=_("einen Betreff"), field="title", limit=TITLE_MAX, required=True
        ),
        "paper_type": paper_type,
        "lead_department": lead_department,
        "proposed_resolution": text_input(
            proposed_resolution, what=_("den Beschlussvorschlag"), field="proposed_resolution"
        ),
        "reasoning": text_input(reasoning, what=_("die Begründung"), field="reasoning"),
        "financial_effects": text_input(
            financial_effects, what=_("die finanziellen Auswirkungen"), field="financial_effects"
        ),
        "submitter": text_input(submitter, what=_("den Einreicher"), field="submitter", limit=200),
        "author": text_input(author, what=_("die Bearbeitung"), field="author", limit=200),
        "external_url": external_url,
    }


def paper_create(
    *,
    acting_user: User,
    title: str,
    paper_type: str,
    lead_department: Department | None,
    public: bool = True,
    proposed_resolution: str = "",
    reasoning: str = "",
    financial_effects: str = "",
    submitter: str = "",
    author: str = "",
    external_url: str = "",
    date: dt.date | None = None,
    cycle: PlanningCycle | None = None,
    cycle_phase: str = "",
    steps: Sequence[StepPlan] = (),
    checker: ObjectPermissionChecker | None = None,
) -> Paper:
    """Create a paper with the next reference number of its year and lead unit."""
    checker = checker_for(acting_user, checker)
    _may_manage(acting_user, checker)
    values = _paper_fields(
        acting_user=acting_user,
        title=title,
        paper_type=paper_type,
        lead_department=lead_department,
        proposed_resolution=proposed_resolution,
        reasoning=reasoning,
        financial_effects=financial_effects,
        submitter=submitter,
        author=author,
        external_url=external_url,
    )
    same_body(acting_user, cycle, "cycle", _("Planungszyklus"))
    if cycle_phase and cycle_phase not in CyclePaper.values:
        raise CouncilError(_("Bitte wählen Sie eine Phase aus der Liste."), "cycle_phase")
    if cycle_phase and cycle is None:
        raise CouncilError(
            _("Eine Vorlage für den Beschluss einer Phase braucht ihren Planungszyklus."), "cycle"
        )
    date = date or timezone.localdate()
    assert lead_department is not None
    try:
        with transaction.atomic():
            reference, number = reference_next(
                body=lead_department.body, year=date.year, unit=lead_department.code
            )
            paper = Paper.objects.create(
                body=lead_department.body,
                reference=reference,
                reference_year=date.year,
                reference_number=number,
                public=public,
                date=date,
                cycle=cycle,
                cycle_phase=cycle_phase,
                created_by=acting_user,
                **values,
            )
            for plan in steps:
                _step_insert(acting_user=acting_user, paper=paper, plan=plan)
    except IntegrityError as exc:
        raise _integrity(exc) from None
    return paper


def _integrity(exc: IntegrityError) -> CouncilError:
    text = str(exc)
    if "paper_one_per_cycle_phase" in text:
        return CouncilError(
            _("Für diese Phase des Planungszyklus gibt es schon eine Vorlage."), "cycle_phase"
        )
    if "step_one_decision_per_part" in text:
        return CouncilError(
            _(
                "Über die Vorlage (oder diesen Teil) entscheidet schon ein Gremium; "
                "geben Sie den Teil an, über den das weitere Gremium entscheidet."
            ),
            "role",
        )
    if "paper_reference_unique" in text:
        return CouncilError(
            _(
                "Diese Vorlagennummer ist schon vergeben; das Muster des Nummernkreises "
                "passt nicht zu den bisherigen Nummern."
            ),
            "reference",
            status=409,
        )
    raise exc


PAPER_EDIT_FIELDS = (
    "title",
    "paper_type",
    "lead_department",
    "proposed_resolution",
    "reasoning",
    "financial_effects",
    "submitter",
    "author",
    "external_url",
)


def paper_update(
    *,
    acting_user: User,
    paper: Paper,
    title: str,
    paper_type: str,
    lead_department: Department | None,
    public: bool,
    proposed_resolution: str = "",
    reasoning: str = "",
    financial_effects: str = "",
    submitter: str = "",
    author: str = "",
    external_url: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> Paper:
    """Change a paper's content; its reference number stays."""
    checker = checker_for(acting_user, checker)
    _may_manage(acting_user, checker, paper)
    values = _paper_fields(
        acting_user=acting_user,
        title=title,
        paper_type=paper_type,
        lead_department=lead_department,
        proposed_resolution=proposed_resolution,
        reasoning=reasoning,
        financial_effects=financial_effects,
        submitter=submitter,
        author=author,
        external_url=external_url,
    )
    with transaction.atomic():
        locked = Paper.objects.select_for_update().get(pk=paper.pk, deleted=False)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.public = public
        locked.save()
    return locked


def _step_insert(
    *,
    acting_user: User,
    paper: Paper,
    plan: StepPlan,
    referred_by: ConsultationStep | None = None,
    after: ConsultationStep | None = None,
) -> ConsultationStep:
    same_body(acting_user, plan.committee, "committee", _("Gremium"))
    if plan.role not in StepRole.values:
        raise CouncilError(_("Bitte wählen Sie eine Rolle aus der Liste."), "role")
    part = text_input(plan.part, what=_("den Teil der Vorlage"), field="part", limit=200)
    last = ConsultationStep.objects.filter(paper=paper).aggregate(m=Max("position"))["m"]
    position = (last or 0) + 1
    if after is not None:
        # Make room right after the referring step: later steps move one down, from the end
        # (the positions are unique at every moment).
        position = after.position + 1
        for later in ConsultationStep.objects.filter(paper=paper, position__gte=position).order_by(
            "-position"
        ):
            ConsultationStep.objects.filter(pk=later.pk).update(position=later.position + 1)
    return ConsultationStep.objects.create(
        body_id=paper.body_id,
        paper=paper,
        committee=plan.committee,
        role=plan.role,
        part=part,
        position=position,
        referred_by=referred_by,
    )


def step_add(
    *,
    acting_user: User,
    paper: Paper,
    committee: Committee,
    role: str,
    part: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> ConsultationStep:
    """Add a committee to the end of the paper's sequence."""
    checker = checker_for(acting_user, checker)
    _may_manage(acting_user, checker, paper)
    try:
        with transaction.atomic():
            locked = Paper.objects.select_for_update().get(pk=paper.pk, deleted=False)
            return _step_insert(
                acting_user=acting_user,
                paper=locked,
                plan=StepPlan(committee=committee, role=role, part=part),
            )
    except IntegrityError as exc:
        raise _integrity(exc) from None


def step_remove(
    *,
    acting_user: User,
    step: ConsultationStep,
    checker: ObjectPermissionChecker | None = None,
) -> None:
    """Take a planned step that never met out of the sequence (kept as deleted)."""
    checker = checker_for(acting_user, checker)
    _may_manage(acting_user, checker, step.paper)
    with transaction.atomic():
        locked = ConsultationStep.objects.select_for_update().get(pk=step.pk)
        if locked.state != StepState.PLANNED or locked.agenda_items.exists():
            raise CouncilError(
                _(
                    "Die Beratung im %(committee)s war schon auf einer Tagesordnung und "
                    "bleibt in der Beratungsfolge."
                )
                % {"committee": locked.committee},
                status=409,
            )
        ConsultationStep.objects.filter(pk=locked.pk).update(
            deleted=True, updated_at=timezone.now()
        )


def referral_add(
    *,
    acting_user: User,
    step: ConsultationStep,
    committee: Committee,
    role: str,
    part: str = "",
) -> ConsultationStep:
    """Add the step a committee's result refers the paper to, right after that step.

    Called inside the recording of that result (whose permission covers it).
    """
    try:
        with transaction.atomic():
            return _step_insert(
                acting_user=acting_user,
                paper=step.paper,
                plan=StepPlan(committee=committee, role=role, part=part),
                referred_by=step,
                after=step,
            )
    except IntegrityError as exc:
        raise _integrity(exc) from None
