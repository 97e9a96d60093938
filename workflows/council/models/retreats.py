"""The strategy retreat (Strategieklausur) and its result per strategic goal and priority."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Body, OperativeGoal, PlanningCycle, StrategicGoal

from ..states import RetreatOutcome


class Retreat(models.Model):
    """A cycle's strategy retreat with its dates."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    cycle = models.OneToOneField(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.PROTECT,
        related_name="retreat",
    )
    start_date = models.DateField(_("erster Tag"))
    end_date = models.DateField(_("letzter Tag"))
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Strategieklausur")
        verbose_name_plural = _("Strategieklausuren")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="retreat_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.start_date:%d.%m.%Y}"


class RetreatResult(models.Model):
    """What the retreat decided on one strategic goal or one priority (operative goal)."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    retreat = models.ForeignKey(
        Retreat,
        verbose_name=_("Strategieklausur"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        verbose_name=_("strategisches Ziel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    operative_goal = models.ForeignKey(
        OperativeGoal,
        verbose_name=_("Handlungsschwerpunkt / operatives Ziel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("Ergebnis"), max_length=10, choices=RetreatOutcome.choices)
    changed_title = models.TextField(
        _("geänderte Fassung"), blank=True, help_text=_("Nur bei „ändern“: der neue Wortlaut.")
    )
    note = models.TextField(_("Anmerkung"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("erfasst am"), default=timezone.now)

    class Meta:
        verbose_name = _("Ergebnis der Strategieklausur")
        verbose_name_plural = _("Ergebnisse der Strategieklausur")
        ordering = ["retreat", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(strategic_goal__isnull=True, operative_goal__isnull=False)
                | Q(strategic_goal__isnull=False, operative_goal__isnull=True),
                name="retreat_result_one_goal",
            ),
            models.UniqueConstraint(
                fields=["retreat", "strategic_goal"],
                condition=Q(strategic_goal__isnull=False),
                name="retreat_result_strategic_once",
            ),
            models.UniqueConstraint(
                fields=["retreat", "operative_goal"],
                condition=Q(operative_goal__isnull=False),
                name="retreat_result_operative_once",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=RetreatOutcome.CHANGE) | ~Q(changed_title=""),
                name="retreat_change_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategic_goal or self.operative_goal}: {self.get_outcome_display()}"
