"""The planning cycle per body and year, its phases and their calendar."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
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

    class Meta:
        verbose_name = _("Phasenkalender der Kommune")
        verbose_name_plural = _("Phasenkalender der Kommunen")
        ordering = ["body", "year_offset", "month", "day"]
        constraints = [
            models.UniqueConstraint(fields=["body", "phase"], name="body_calendar_phase_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="calendar_month"),
            models.CheckConstraint(condition=Q(day__gte=1, day__lte=31), name="calendar_day"),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.get_phase_display()} {self.day:02d}.{self.month:02d}."


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
    # because management may override them with a recorded reason.
    @transition(
        field=phase,
        source=Phase.GOAL_REVIEW,
        target=Phase.FRAMEWORK,
        permission=CYCLE_PERMISSION,
        custom={"label": _("Zielbilanzierung abschließen"), "guards": ("all_reviews_accepted",)},
    )
    def to_framework(self) -> None:
        """Close the goal review and start the management framework."""

    @transition(
        field=phase,
        source=Phase.FRAMEWORK,
        target=Phase.RETREAT_PREPARATION,
        permission=CYCLE_PERMISSION,
        custom={"label": _("Rahmenvorgaben veröffentlichen")},
    )
    def to_retreat_preparation(self) -> None:
        """Publish the framework and start preparing the retreat."""

    @transition(
        field=phase,
        source=Phase.RETREAT_PREPARATION,
        target=Phase.RETREAT,
        permission=CYCLE_PERMISSION,
        custom={
            "label": _("Vorbereitung abschließen"),
            "guards": ("all_proposals_approved",),
        },
    )
    def to_retreat(self) -> None:
        """Close the retreat preparation."""

    @transition(
        field=phase,
        source=Phase.RETREAT,
        target=Phase.COUNCIL_RESOLUTION,
        permission=CYCLE_PERMISSION,
        custom={
            "label": _("Ergebnisse der Klausur festschreiben"),
            "guards": ("all_proposals_prioritised",),
        },
    )
    def to_council_resolution(self) -> None:
        """Record the retreat's results and hand the goals paper to the council."""

    @transition(
        field=phase,
        source=Phase.COUNCIL_RESOLUTION,
        target=Phase.PLANNING,
        permission=CYCLE_PERMISSION,
        custom={
            "label": _("Beschluss festhalten, Planung beginnen"),
            "guards": ("all_priorities_resolved", "council_paper_decided"),
        },
    )
    def to_planning(self) -> None:
        """Start goal and budget planning in the departments."""

    @transition(
        field=phase,
        source=Phase.PLANNING,
        target=Phase.BUDGET_INTRODUCTION,
        permission=CYCLE_PERMISSION,
        custom={"label": _("Planung abschließen"), "guards": ("all_plans_approved",)},
    )
    def to_budget_introduction(self) -> None:
        """Close the planning and introduce the budget in the council."""

    @transition(
        field=phase,
        source=Phase.BUDGET_INTRODUCTION,
        target=Phase.BUDGET_RESOLUTION,
        permission=CYCLE_PERMISSION,
        custom={"label": _("Haushalt eingebracht")},
    )
    def to_budget_resolution(self) -> None:
        """Record the budget introduction."""

    @transition(
        field=phase,
        source=Phase.BUDGET_RESOLUTION,
        target=Phase.CLOSED,
        permission=CYCLE_PERMISSION,
        custom={
            "label": _("Haushaltsbeschluss festhalten, Zyklus abschließen"),
            "guards": ("budget_paper_decided",),
        },
    )
    def close(self) -> None:
        """Record the budget resolution and close the cycle."""


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
    due_date = models.DateField(_("fällig am"))

    class Meta:
        verbose_name = _("Phasentermin")
        verbose_name_plural = _("Phasentermine")
        ordering = ["cycle", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "phase"], name="phase_deadline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()}: {self.due_date:%d.%m.%Y}"


def calendar_date(year: int, month: int, day: int, year_offset: int) -> dt.date:
    """Return the date of a calendar entry in a cycle year, clamped to the month's end."""
    import calendar

    target_year = year + year_offset
    last = calendar.monthrange(target_year, month)[1]
    return dt.date(target_year, month, min(day, last))
