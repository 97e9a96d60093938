"""Which paper reports the goal review (Zielbilanz) of a period to the council."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Body, CycleMilestone, Period

from .papers import Paper


class InterimReportPaper(models.Model):
    """The council paper drafted for a body's goal review of a period (one per period)."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    paper = models.OneToOneField(
        Paper,
        verbose_name=_("Vorlage"),
        on_delete=models.CASCADE,
        related_name="interim_report",
    )
    milestone = models.OneToOneField(
        CycleMilestone,
        verbose_name=_("Termin im Zyklus"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("Berichtsjahr"))
    period = models.CharField(_("Zeitraum"), max_length=10, choices=Period.choices)

    class Meta:
        verbose_name = _("Zwischenbericht als Vorlage")
        verbose_name_plural = _("Zwischenberichte als Vorlagen")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "period"], name="interim_paper_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.period}"
