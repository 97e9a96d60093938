"""The cycle's budget framework: a ceiling per department and the savings target."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bodies import Body, Department
from .cycles import PlanningCycle


class BudgetCeiling(models.Model):
    """The most a department may plan for the cycle's planning year (Budgetobergrenze)."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.CASCADE,
        related_name="budget_ceilings",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.CASCADE,
        related_name="budget_ceilings",
    )
    amount = models.DecimalField(_("Obergrenze (EUR)"), max_digits=14, decimal_places=2)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Budgetobergrenze")
        verbose_name_plural = _("Budgetobergrenzen")
        ordering = ["cycle", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "department"], name="budget_ceiling_department_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_ceiling_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.department.code}: {self.amount}"


class SavingsTarget(models.Model):
    """How much less than last year the departments plan, in percent (Peine: 1 %).

    One row without a department is the cycle's target for every department; a row with
    a department overrides it for that department.
    """

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.CASCADE,
        related_name="savings_targets",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        help_text=_("Leer: gilt für alle Organisationseinheiten ohne eigenes Sparziel."),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="savings_targets",
    )
    percent = models.DecimalField(
        _("Sparziel (% des Vorjahresbudgets)"), max_digits=5, decimal_places=2
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Sparziel")
        verbose_name_plural = _("Sparziele")
        ordering = ["cycle", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(department__isnull=True),
                name="savings_target_cycle_unique",
            ),
            models.UniqueConstraint(
                fields=["cycle", "department"],
                condition=Q(department__isnull=False),
                name="savings_target_department_unique",
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=Decimal(0), percent__lte=Decimal(100)),
                name="savings_target_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent} %"
