"""The cycle's guards about council papers: a phase waits for its paper's decision."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from planning_cycle.models import PlanningCycle

from .states import CyclePaper, ResolutionStatus, StepRole, StepState


def _where(step: object) -> str:
    """Describe where a step stands: its committee and its state or result with the date."""
    from .models import ConsultationStep

    assert isinstance(step, ConsultationStep)
    part = f" ({step.part})" if step.part else ""
    if step.state == StepState.RECORDED and step.result_date is not None:
        return _("%(committee)s%(part)s: %(result)s am %(date)s") % {
            "committee": step.committee,
            "part": part,
            "result": step.get_result_display(),
            "date": date_format(step.result_date, "SHORT_DATE_FORMAT"),
        }
    if step.state == StepState.SCHEDULED and step.agenda_item is not None:
        return _("%(committee)s%(part)s: auf der Tagesordnung am %(date)s") % {
            "committee": step.committee,
            "part": part,
            "date": date_format(step.agenda_item.meeting.date, "SHORT_DATE_FORMAT"),
        }
    return _("%(committee)s%(part)s: noch nicht terminiert") % {
        "committee": step.committee,
        "part": part,
    }


def paper_decided(cycle: PlanningCycle, phase: str) -> str | None:
    """Name the phase's paper and where it stands while its deciding step has no result."""
    from .models import Paper

    paper = (
        Paper.objects.filter(cycle=cycle, cycle_phase=phase, deleted=False)
        .prefetch_related("steps__committee", "steps__agenda_item__meeting")
        .first()
    )
    what = CyclePaper(phase).label
    if paper is None:
        return _(
            "Für „%(what)s“ ist dem Planungszyklus noch keine Vorlage zugeordnet; "
            "der Sitzungsdienst legt sie an."
        ) % {"what": what}
    if paper.resolution_status != ResolutionStatus.PENDING:
        return None
    steps = [s for s in paper.steps.all() if not s.deleted]
    deciding = [s for s in steps if s.role == StepRole.DECISION]
    if not deciding:
        return _(
            "Die Vorlage %(reference)s „%(title)s“ hat in ihrer Beratungsfolge kein "
            "entscheidendes Gremium."
        ) % {"reference": paper.reference, "title": paper.title}
    return _(
        "Der Beschluss über die Vorlage %(reference)s „%(title)s“ steht noch aus. "
        "Beratungsfolge: %(sequence)s."
    ) % {
        "reference": paper.reference,
        "title": paper.title,
        "sequence": "; ".join(_where(s) for s in steps),
    }


def council_paper_decided(cycle: PlanningCycle) -> str | None:
    """Require the council's decision on the cycle's goals paper."""
    return paper_decided(cycle, CyclePaper.COUNCIL_RESOLUTION)


def budget_paper_decided(cycle: PlanningCycle) -> str | None:
    """Require the council's decision on the cycle's budget paper."""
    return paper_decided(cycle, CyclePaper.BUDGET_RESOLUTION)
