"""The strategy retreat's results and the goals paper generated from them.

The strategy unit records the retreat (dates, place) and its result per strategic goal
and per priority (operative goal): adopt, change, defer or drop. A changed goal becomes
a new version of the goal linked to its predecessor, which stays in the catalog as
superseded. The goals paper lists the goals adopted or changed (the changed ones in their
new wording) for the council office to put on the agendas of the Kreisausschuss and the
Kreistag.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import (
    Committee,
    CommitteeKind,
    Department,
    OperativeGoal,
    PlanningCycle,
    StrategicGoal,
    User,
)
from workflows.models import AgreementState, GoalAgreement

from ..models import Paper, Retreat, RetreatResult
from ..states import CyclePaper, PaperType, RetreatOutcome, StepRole
from .base import CouncilError, checker_for, require, same_body, text_input
from .papers import StepPlan, paper_create

PRIORITISE = "planning_cycle.agreement_prioritise"
PLACE_MAX = 200
# What the goals paper puts before the council.
CARRIED = (RetreatOutcome.ADOPT, RetreatOutcome.CHANGE)


def _may_record(user: User, checker: ObjectPermissionChecker, cycle: PlanningCycle) -> None:
    require(
        user,
        checker,
        PRIORITISE,
        cycle.body,
        _("Nur die Strategiesteuerung darf die Ergebnisse der Strategieklausur erfassen."),
    )


def retreat_record(
    *,
    acting_user: User,
    cycle: PlanningCycle,
    start_date: dt.date,
    end_date: dt.date,
    place: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> Retreat:
    """Record (or correct) the dates and the place of the cycle's strategy retreat."""
    checker = checker_for(acting_user, checker)
    same_body(acting_user, cycle, "cycle", _("Planungszyklus"))
    _may_record(acting_user, checker, cycle)
    if start_date is None:
        raise CouncilError(_("Bitte geben Sie den ersten Tag der Klausur an."), "start_date")
    if end_date is None:
        raise CouncilError(_("Bitte geben Sie den letzten Tag der Klausur an."), "end_date")
    if end_date < start_date:
        raise CouncilError(
            _("Der letzte Tag der Klausur darf nicht vor dem ersten liegen."), "end_date"
        )
    place = text_input(place, what=_("den Ort"), field="place", limit=PLACE_MAX)
    with transaction.atomic():
        retreat, _created = Retreat.objects.update_or_create(
            cycle=cycle,
            defaults={
                "body_id": cycle.body_id,
                "start_date": start_date,
                "end_date": end_date,
                "place": place,
            },
        )
    return retreat


def _version_of(goal: StrategicGoal | OperativeGoal) -> StrategicGoal | OperativeGoal | None:
    """Return the version a change of this goal created, if any."""
    return type(goal)._default_manager.filter(predecessor_id=goal.pk).order_by("-pk").first()


def _next_key(goal: OperativeGoal) -> str:
    """Return a key for a new version of an operative goal (its own key + "-v2", "-v3" …)."""
    base, number = goal.key, 2
    stem, _sep, tail = base.rpartition("-v")
    if stem and tail.isdigit():
        base, number = stem, int(tail) + 1
    taken = set(
        OperativeGoal.objects.filter(body_id=goal.body_id, key__startswith=base).values_list(
            "key", flat=True
        )
    )
    while f"{base}-v{number}" in taken:
        number += 1
    return f"{base}-v{number}"[:40]


def _version_create(
    goal: StrategicGoal | OperativeGoal, title: str
) -> StrategicGoal | OperativeGoal:
    """Create the new version of a changed goal; the old one is marked superseded."""
    type(goal)._default_manager.filter(pk=goal.pk).update(superseded=True)
    if isinstance(goal, StrategicGoal):
        version: StrategicGoal | OperativeGoal = StrategicGoal.objects.create(
            body_id=goal.body_id,
            policy_field_id=goal.policy_field_id,
            number=goal.number,
            title=title[:500],
            description=goal.description,
            valid_from=goal.valid_from,
            valid_until=goal.valid_until,
            position=goal.position,
            predecessor=goal,
        )
        version.products.set(goal.products.all())
        # The priorities in force serve the goal in its new wording.
        OperativeGoal.objects.filter(strategic_goal=goal, superseded=False).update(
            strategic_goal=version
        )
        return version
    version = OperativeGoal.objects.create(
        body_id=goal.body_id,
        strategic_goal_id=goal.strategic_goal_id,
        key=_next_key(goal),
        number=goal.number,
        title=title,
        description=goal.description,
        valid_from=goal.valid_from,
        valid_until=goal.valid_until,
        position=goal.position,
        predecessor=goal,
    )
    version.departments.set(goal.departments.all())
    version.products.set(goal.products.all())
    return version


def _version_remove(goal: StrategicGoal | OperativeGoal, version: Model) -> None:
    """Undo a version created by a result now corrected: the old goal is in force again."""
    if isinstance(goal, StrategicGoal):
        OperativeGoal.objects.filter(strategic_goal_id=version.pk).update(strategic_goal=goal)
    if Paper.objects.filter(strategic_goals=version.pk).exists() or (
        isinstance(goal, OperativeGoal)
        and (
            Paper.objects.filter(operative_goals=version.pk).exists()
            or GoalAgreement.objects.filter(operative_goal_id=version.pk).exists()
        )
    ):
        raise CouncilError(
            _(
                "Die geänderte Fassung von „%(goal)s“ wird schon verwendet und kann "
                "nicht mehr zurückgenommen werden."
            )
            % {"goal": goal},
            "outcome",
            status=409,
        )
    version.delete()
    type(goal)._default_manager.filter(pk=goal.pk).update(superseded=False)


def retreat_result_record(
    *,
    acting_user: User,
    retreat: Retreat,
    outcome: str,
    strategic_goal: StrategicGoal | None = None,
    operative_goal: OperativeGoal | None = None,
    changed_title: str = "",
    note: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> RetreatResult:
    """Record (or correct) what the retreat decided on one goal; a change makes a new version."""
    checker = checker_for(acting_user, checker)
    same_body(acting_user, retreat, "retreat", _("Strategieklausur"))
    _may_record(acting_user, checker, retreat.cycle)
    if (strategic_goal is None) == (operative_goal is None):
        raise CouncilError(
            _("Bitte wählen Sie genau ein strategisches oder ein operatives Ziel."),
            "strategic_goal",
        )
    same_body(acting_user, strategic_goal, "strategic_goal", _("strategisches Ziel"))
    same_body(acting_user, operative_goal, "operative_goal", _("operatives Ziel"))
    if outcome not in RetreatOutcome.values:
        raise CouncilError(_("Bitte wählen Sie das Ergebnis aus der Liste."), "outcome")
    title = text_input(changed_title, what=_("die geänderte Fassung"), field="changed_title")
    if outcome == RetreatOutcome.CHANGE and not title:
        raise CouncilError(
            _("Bitte geben Sie für ein geändertes Ziel die neue Fassung an."), "changed_title"
        )
    if outcome != RetreatOutcome.CHANGE:
        title = ""
    note = text_input(note, what=_("die Anmerkung"), field="note")
    goal: StrategicGoal | OperativeGoal
    lookup: dict[str, StrategicGoal | OperativeGoal]
    if strategic_goal is not None:
        goal, field, lookup = strategic_goal, "strategic_goal", {"strategic_goal": strategic_goal}
    else:
        assert operative_goal is not None
        goal, field, lookup = operative_goal, "operative_goal", {"operative_goal": operative_goal}
    with transaction.atomic():
        locked = type(goal)._default_manager.select_for_update().get(pk=goal.pk)
        existing = (
            RetreatResult.objects.select_for_update().filter(retreat=retreat, **lookup).first()
        )
        version = _version_of(locked) if existing is not None else None
        if existing is None and locked.superseded:
            raise CouncilError(
                _("„%(goal)s“ ist durch eine neue Fassung abgelöst; wählen Sie diese.")
                % {"goal": locked},
                field,
            )
        if outcome == RetreatOutcome.CHANGE:
            if version is None:
                _version_create(locked, title)
            elif version.title != title:
                type(locked)._default_manager.filter(pk=version.pk).update(title=title)
        elif version is not None:
            _version_remove(locked, version)
        values = {
            "body_id": retreat.body_id,
            "outcome": outcome,
            "changed_title": title,
            "note": note,
            "recorded_by": acting_user,
        }
        if existing is None:
            return RetreatResult.objects.create(retreat=retreat, **lookup, **values)
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        return existing


def _goal_line(goal: StrategicGoal | OperativeGoal, result: RetreatResult) -> str:
    title = result.changed_title if result.outcome == RetreatOutcome.CHANGE else goal.title
    suffix = _(" (geänderte Fassung)") if result.outcome == RetreatOutcome.CHANGE else ""
    return f"- {goal.number} {title}{suffix}"


def _default_sequence(cycle: PlanningCycle) -> list[StepPlan]:
    """Kreisausschuss (pre-deliberation), then Kreistag (decision), where the body has them."""
    committees = {
        c.kind: c
        for c in Committee.objects.filter(
            body_id=cycle.body_id,
            kind__in=(CommitteeKind.MAIN_COMMITTEE, CommitteeKind.COUNCIL),
            end_date__isnull=True,
        ).order_by("-position", "-pk")
    }
    plans = []
    if CommitteeKind.MAIN_COMMITTEE in committees:
        plans.append(
            StepPlan(
                committee=committees[CommitteeKind.MAIN_COMMITTEE],
                role=StepRole.PRE_DELIBERATION,
            )
        )
    if CommitteeKind.COUNCIL in committees:
        plans.append(StepPlan(committee=committees[CommitteeKind.COUNCIL], role=StepRole.DECISION))
    return plans


def goals_paper_generate(
    *,
    acting_user: User,
    cycle: PlanningCycle,
    lead_department: Department | None = None,
    steps: Sequence[StepPlan] | None = None,
    date: dt.date | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> Paper:
    """Create the cycle's goals paper from the retreat's results, for the council to resolve.

    The lead unit defaults to the department the acting user works in or, failing that,
    the body's strategy unit ("StS"); the sequence to Kreisausschuss and Kreistag.
    """
    checker = checker_for(acting_user, checker)
    same_body(acting_user, cycle, "cycle", _("Planungszyklus"))
    same_body(acting_user, lead_department, "lead_department", _("federführende Einheit"))
    retreat = Retreat.objects.filter(cycle=cycle).first()
    if retreat is None:
        raise CouncilError(
            _("Für diesen Planungszyklus ist noch keine Strategieklausur erfasst."), "cycle"
        )
    results = list(
        retreat.results.filter(outcome__in=CARRIED)
        .select_related("strategic_goal", "operative_goal")
        .order_by("id")
    )
    if not results:
        raise CouncilError(
            _(
                "Die Strategieklausur hat noch kein Ziel übernommen oder geändert; "
                "erfassen Sie zuerst ihre Ergebnisse."
            ),
            "cycle",
        )
    strategic: list[StrategicGoal] = []
    operative: list[OperativeGoal] = []
    lines_strategic: list[str] = []
    lines_operative: list[str] = []
    for result in results:
        goal = result.strategic_goal or result.operative_goal
        assert goal is not None
        in_force = (_version_of(goal) or goal) if result.outcome == RetreatOutcome.CHANGE else goal
        if isinstance(in_force, StrategicGoal):
            strategic.append(in_force)
            lines_strategic.append(_goal_line(goal, result))
        else:
            assert isinstance(in_force, OperativeGoal)
            operative.append(in_force)
            lines_operative.append(_goal_line(goal, result))
    year = cycle.year
    parts = [
        _(
            "Der Kreistag beschließt die Ziele für %(year)s, wie sie die Strategieklausur "
            "vom %(start)s bis %(end)s empfohlen hat:"
        )
        % {
            "year": year,
            "start": retreat.start_date.strftime("%d.%m.%Y"),
            "end": retreat.end_date.strftime("%d.%m.%Y"),
        }
    ]
    if lines_strategic:
        parts += ["", _("Strategische Ziele:"), *lines_strategic]
    if lines_operative:
        parts += ["", _("Handlungsschwerpunkte und operative Ziele:"), *lines_operative]
    department = lead_department or _lead_department(acting_user, cycle)
    with transaction.atomic():
        paper = paper_create(
            acting_user=acting_user,
            title=_("Strategische Ziele %(year)s: Beschluss der Ziele nach der Strategieklausur")
            % {"year": year},
            paper_type=PaperType.RESOLUTION,
            lead_department=department,
            public=True,
            proposed_resolution="\n".join(parts),
            reasoning=_(
                "Die Ergebnisse der Strategieklausur (%(place)s) werden dem Kreistag zum "
                "Beschluss vorgelegt. Geänderte Ziele gelten in ihrer neuen Fassung."
            )
            % {"place": retreat.place or _("ohne Ortsangabe")},
            date=date,
            cycle=cycle,
            cycle_phase=CyclePaper.COUNCIL_RESOLUTION,
            steps=_default_sequence(cycle) if steps is None else steps,
            checker=checker,
        )
        paper.strategic_goals.set(strategic)
        paper.operative_goals.set(operative)
        paper.agreements.set(
            GoalAgreement.objects.filter(
                cycle=cycle, state__in=(AgreementState.ADOPTED, AgreementState.CHANGED)
            )
        )
    return paper


def _lead_department(user: User, cycle: PlanningCycle) -> Department | None:
    """Return the department the user works in, else the body's strategy unit, if any."""
    own = (
        Department.objects.filter(body_id=cycle.body_id, role_assignments__user=user)
        .order_by("pk")
        .first()
    )
    if own is not None:
        return own
    return Department.objects.filter(body_id=cycle.body_id, code__in=("StS", "Sts", "STS")).first()


__all__ = ["goals_paper_generate", "retreat_record", "retreat_result_record"]
