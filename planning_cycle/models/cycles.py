"""The planning cycle per body and year, its phases and their calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .bodies import Body


class Phase(models.TextChoices):
    GOAL_REVIEW = "goal_review", _("Zielbilanzierung")
    FRAMEWORK = "framework", _("Rahmenvorgaben")
    RETREAT_PREPARATION = "retreat_preparation", _("Vorbereitung der Strategieklausur")
    RETREAT = "retreat", _("Strategieklausur")
    COUNCIL_RESOLUTION = "council_resolution", _("Beratung und Beschluss")
    PLANNING = "planning", _("Ziel- und Haushaltsplanung")
    BUDGET_INTRODUCTION = "budget_introduction", _("Einbringung des Haushalts")
    BUDGET_RESOLUTION = "budget_resolution", _("Haushaltsbeschluss")
    CLOSED = "closed", _("abgeschlossen")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)
# Phases every cycle runs: a body's calendar cannot switch them off.
REQUIRED_PHASES: frozenset[str] = frozenset({Phase.GOAL_REVIEW, Phase.PLANNING, Phase.CLOSED})

# Kreis Soest's annual calendar (month, day, years after the cycle year).
DEFAULT_CALENDAR: dict[str, tuple[int, int, int]] = {
    Phase.GOAL_REVIEW: (4, 30, 0),
    Phase.FRAMEWORK: (4, 30, 0),
    Phase.RETREAT_PREPARATION: (5, 31, 0),
    Phase.RETREAT: (6, 30, 0),
    Phase.COUNCIL_RESOLUTION: (6, 30, 0),
    Phase.PLANNING: (11, 30, 0),
    Phase.BUDGET_INTRODUCTION: (12, 15, 0),
    Phase.BUDGET_RESOLUTION: (3, 31, 1),
}

CYCLE_PERMISSION = "planning_cycle.cycle_advance"


class BodyCalendarEntry(models.Model):
    """When a phase is due in a body's year; new cycles copy these dates."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="calendar"
    )
    phase = models.CharField(
        _("Phase"), max_length=30, choices=[c for c in Phase.choices if c[0] != Phase.CLOSED]
    )
    month = models.PositiveSmallIntegerField(_("Monat"))
    day = models.PositiveSmallIntegerField(_("Tag"))
    year_offset = models.PositiveSmallIntegerField(
        _("Jahresversatz"), default=0, help_text=_("1 = im Folgejahr des Zyklusjahres")
    )
    switched_off = models.BooleanField(
        _("abgeschaltet"),
        default=False,
        help_text=_("Die Kommune durchläuft diese Phase nicht; neue Zyklen überspringen sie."),
    )

    class Meta:
        verbose_name = _("Phasenkalender der Kommune")
        verbose_name_plural = _("Phasenkalender der Kommunen")
        ordering = ["body", "year_offset", "month", "day"]
        constraints = [
            models.UniqueConstraint(fields=["body", "phase"], name="body_calendar_phase_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="calendar_month"),
            models.CheckConstraint(condition=Q(day__gte=1, day__lte=31), name="calendar_day"),
            models.CheckConstraint(
                condition=Q(switched_off=False) | ~Q(phase__in=sorted(REQUIRED_PHASES)),
                name="body_calendar_required_phase_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.get_phase_display()} {self.day:02d}.{self.month:02d}."


# What the step out of each phase is called, and the guards (named, registered by the
# workflow packages) that must pass before the cycle leaves it. A switched-off phase is
# never left, so its guards do not apply.
LEAVE_LABELS: dict[str, Promise] = {
    Phase.GOAL_REVIEW: _("Zielbilanzierung abschließen"),
    Phase.FRAMEWORK: _("Rahmenvorgaben veröffentlichen"),
    Phase.RETREAT_PREPARATION: _("Vorbereitung abschließen"),
    Phase.RETREAT: _("Ergebnisse der Klausur festschreiben"),
    Phase.COUNCIL_RESOLUTION: _("Beschluss festhalten, Planung beginnen"),
    Phase.PLANNING: _("Planung abschließen"),
    Phase.BUDGET_INTRODUCTION: _("Haushalt eingebracht"),
    Phase.BUDGET_RESOLUTION: _("Haushaltsbeschluss festhalten, Zyklus abschließen"),
}
LEAVE_GUARDS: dict[str, tuple[str, ...]] = {
    Phase.GOAL_REVIEW: ("all_reviews_accepted",),
    Phase.RETREAT_PREPARATION: ("all_proposals_approved",),
    Phase.RETREAT: ("all_proposals_prioritised",),
    Phase.COUNCIL_RESOLUTION: ("all_priorities_resolved", "council_paper_decided"),
    Phase.PLANNING: ("all_plans_approved",),
    Phase.BUDGET_RESOLUTION: ("budget_paper_decided",),
}


def phase_after(phase: str, switched_off: Iterable[str] = ()) -> str:
    """Return the phase after `phase`, passing over the switched-off ones."""
    off = set(switched_off) - REQUIRED_PHASES
    for candidate in PHASE_ORDER[PHASE_ORDER.index(phase) + 1 :]:
        if candidate not in off:
            return candidate
    return Phase.CLOSED


class PhaseRoute:
    """The condition of a transition: it is the cycle's way from `source` to `target`.

    A transition whose route does not hold is not offered at all (the transition service
    hides it); fired anyway, it is refused with `explain`.
    """

    route = True

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target
        self.__name__ = f"route_{source}_{target}"

    def __call__(self, cycle: models.Model) -> bool:
        assert isinstance(cycle, PlanningCycle)
        return cycle.next_phase_after(self.source) == self.target

    def explain(self, cycle: PlanningCycle) -> str:
        """Say which phase comes next instead."""
        if self.target in cycle.phases_switched_off():
            return gettext("Die Phase „%(phase)s“ ist in diesem Zyklus abgeschaltet.") % {
                "phase": Phase(self.target).label
            }
        return gettext("Auf „%(source)s“ folgt in diesem Zyklus „%(next)s“.") % {
            "source": Phase(self.source).label,
            "next": Phase(cycle.next_phase_after(self.source)).label,
        }


def _enters(target: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare the transitions into `target`: from the phase before it and from every
    earlier one the cycle reaches it from when the phases between are switched off."""

    def decorate(method: Callable[..., None]) -> Callable[..., None]:
        sources = []
        for source in reversed(PHASE_ORDER[: PHASE_ORDER.index(target)]):
            sources.append(source)
            if source in REQUIRED_PHASES:
                break  # a phase every cycle runs cannot be passed over
        # The step from the phase before comes last: where a name maps to one declaration
        # (labels of the history, the service's messages), it is that one.
        for source in reversed(sources):
            method = transition(
                field="phase",
                source=source,
                target=target,
                permission=CYCLE_PERMISSION,
                conditions=[PhaseRoute(source, target)],
                custom={
                    "label": LEAVE_LABELS[source],
                    "guards": LEAVE_GUARDS.get(source, ()),
                    "skips": PHASE_ORDER[PHASE_ORDER.index(source) + 1 : PHASE_ORDER.index(target)],
                },
            )(method)
        return method

    return decorate


class PlanningCycle(ConcurrentTransitionMixin, models.Model):
    """One body's planning year; only management moves it from phase to phase."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="cycles"
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    title = models.CharField(_("Titel"), max_length=200, blank=True)
    phase = FSMField(_("Phase"), default=Phase.GOAL_REVIEW, choices=Phase.choices, protected=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Planungszyklus")
        verbose_name_plural = _("Planungszyklen")
        ordering = ["body", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="cycle_body_year_unique"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.body} {self.year}"

    # Guards are named in custom["guards"] and evaluated by the transition service,
    # because management may override them with a recorded reason. Each method enters
    # its phase from the one before or, when the phases between are switched off in
    # this cycle's calendar, from an earlier one (`_enters`).
    @_enters(Phase.FRAMEWORK)
    def to_framework(self) -> None:
        """Close the goal review and start the management framework."""

    @_enters(Phase.RETREAT_PREPARATION)
    def to_retreat_preparation(self) -> None:
        """Publish the framework and start preparing the retreat."""

    @_enters(Phase.RETREAT)
    def to_retreat(self) -> None:
        """Close the retreat preparation."""

    @_enters(Phase.COUNCIL_RESOLUTION)
    def to_council_resolution(self) -> None:
        """Record the retreat's results and hand the goals paper to the council."""

    @_enters(Phase.PLANNING)
    def to_planning(self) -> None:
        """Start goal and budget planning in the departments."""

    @_enters(Phase.BUDGET_INTRODUCTION)
    def to_budget_introduction(self) -> None:
        """Close the planning and introduce the budget in the council."""

    @_enters(Phase.BUDGET_RESOLUTION)
    def to_budget_resolution(self) -> None:
        """Record the budget introduction."""

    @_enters(Phase.CLOSED)
    def close(self) -> None:
        """Record the budget resolution and close the cycle."""

    def phases_switched_off(self) -> frozenset[str]:
        """Return the phases this cycle's calendar switches off (read once per instance)."""
        cached = self.__dict__.get("_switched_off")
        if cached is None and self.__dict__.get("locked_switched_off_count") == 0:
            cached = self.__dict__["_switched_off"] = frozenset()
        if cached is None:
            cached = frozenset(entry.phase for entry in self.deadlines.all() if entry.switched_off)
            self.__dict__["_switched_off"] = cached
        return cached  # type: ignore[no-any-return]

    def next_phase_after(self, phase: str) -> str:
        """Return the phase that follows `phase` in this cycle (switched-off ones skipped)."""
        return phase_after(phase, self.phases_switched_off())


class PhaseDeadline(models.Model):
    """The due date of one phase in one cycle."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    phase = models.CharField(_("Phase"), max_length=30, choices=Phase.choices)
    due_date = models.DateField(_("fällig am"), null=True, blank=True)
    switched_off = models.BooleanField(
        _("abgeschaltet"),
        default=False,
        help_text=_("Der Zyklus überspringt diese Phase; sie hat keinen Termin."),
    )

    class Meta:
        verbose_name = _("Phasentermin")
        verbose_name_plural = _("Phasentermine")
        ordering = ["cycle", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "phase"], name="phase_deadline_unique"),
            # A phase the cycle runs has a date; a switched-off one has none.
            models.CheckConstraint(
                condition=Q(switched_off=False, due_date__isnull=False)
                | Q(switched_off=True, due_date__isnull=True),
                name="phase_deadline_date_iff_on",
            ),
            models.CheckConstraint(
                condition=Q(switched_off=False) | ~Q(phase__in=sorted(REQUIRED_PHASES)),
                name="phase_deadline_required_phase_on",
            ),
        ]

    def __str__(self) -> str:
        if self.due_date is None:
            return f"{self.get_phase_display()}: {gettext('abgeschaltet')}"
        return f"{self.get_phase_display()}: {self.due_date:%d.%m.%Y}"


def calendar_date(year: int, month: int, day: int, year_offset: int) -> dt.date:
    """Return the date of a calendar entry in a cycle year, clamped to the month's end."""
    import calendar

    target_year = year + year_offset
    last = calendar.monthrange(target_year, month)[1]
    return dt.date(target_year, month, min(day, last))
