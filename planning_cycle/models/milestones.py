"""Dated milestones within a cycle's year: preparation steps, interim reports, other dates."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bodies import Body
from .cycles import Phase, PlanningCycle


class MilestoneKind(models.TextChoices):
    PREPARATION = "preparation", _("Vorbereitungsschritt in den Fachdiensten")
    INTERIM_REPORT = "interim_report", _("Zwischenbericht an den Rat")
    OTHER = "other", _("sonstiger Termin")


class MilestoneAudience(models.TextChoices):
    """Who answers for a milestone: reminded before it, escalated after it."""

    DEPARTMENTS = "departments", _("alle Fachdienste")
    MANAGEMENT = "management", _("Verwaltungsleitung")
    STRATEGY_UNIT = "strategy_unit", _("Strategische Steuerung")
    COUNCIL_OFFICE = "council_office", _("Sitzungsdienst")


class CycleMilestone(models.Model):
    """A dated step within a cycle's year that opens a task with a deadline, like a phase."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=MilestoneKind.choices)
    due_date = models.DateField(_("fällig am"))
    audience = models.CharField(_("zuständig"), max_length=20, choices=MilestoneAudience.choices)
    phase = models.CharField(
        _("Phase"),
        max_length=30,
        blank=True,
        choices=[c for c in Phase.choices if c[0] != Phase.CLOSED],
        help_text=_("Die Phase, zu der der Termin gehört (optional)."),
    )
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Termin im Zyklus")
        verbose_name_plural = _("Termine im Zyklus")
        ordering = ["cycle", "due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "title", "due_date"], name="milestone_unique_per_cycle"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="milestone_title_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date:%d.%m.%Y})"
