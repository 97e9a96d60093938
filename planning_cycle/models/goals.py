"""The goal hierarchy: vision, policy fields, goals, measures and products."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bodies import Body, Department


class Vision(models.Model):
    """A body's long-term guiding vision (Leitbild, more than five years)."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="visions"
    )
    key = models.CharField(_("Kennung"), max_length=80)
    title = models.CharField(_("Titel"), max_length=300)
    text = models.TextField(_("Text"), blank=True)

    class Meta:
        verbose_name = _("Leitbild")
        verbose_name_plural = _("Leitbilder")
        constraints = [models.UniqueConstraint(fields=["body", "key"], name="vision_key_unique")]

    def __str__(self) -> str:
        return self.title


class PolicyField(models.Model):
    """A policy field or field of action (Politikfeld, Handlungsfeld)."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="policy_fields"
    )
    vision = models.ForeignKey(
        Vision,
        verbose_name=_("Leitbild"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policy_fields",
    )
    key = models.CharField(_("Kennung"), max_length=80)
    name = models.CharField(_("Bezeichnung"), max_length=300)
    baseline = models.TextField(_("Ausgangslage"), blank=True)
    objective = models.TextField(_("Zielstellung"), blank=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Politikfeld")
        verbose_name_plural = _("Politikfelder")
        ordering = ["body", "position"]
        constraints = [
            models.UniqueConstraint(fields=["body", "key"], name="policy_field_key_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A budget product (Produkt of the Produkthaushalt)."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="products"
    )
    code = models.CharField(_("Produktnummer"), max_length=30)
    name = models.CharField(_("Bezeichnung"), max_length=300)
    department = models.ForeignKey(
        Department,
        verbose_name=_("verantwortliche Einheit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
    )

    class Meta:
        verbose_name = _("Produkt")
        verbose_name_plural = _("Produkte")
        ordering = ["body", "code"]
        constraints = [models.UniqueConstraint(fields=["body", "code"], name="product_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProductBudget(models.Model):
    """A product's budget amount in one year."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    product = models.ForeignKey(
        Product, verbose_name=_("Produkt"), on_delete=models.CASCADE, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    amount = models.DecimalField(_("Ansatz (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("Produktbudget")
        verbose_name_plural = _("Produktbudgets")
        ordering = ["product", "year"]
        constraints = [
            models.UniqueConstraint(fields=["product", "year"], name="product_budget_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product.code} {self.year}: {self.amount}"


class StrategicGoal(models.Model):
    """A medium-term strategic goal (Mittelfristiges Entwicklungsziel, up to five years)."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="strategic_goals"
    )
    policy_field = models.ForeignKey(
        PolicyField,
        verbose_name=_("Politikfeld"),
        on_delete=models.PROTECT,
        related_name="strategic_goals",
    )
    number = models.CharField(_("Nummer"), max_length=30)
    title = models.CharField(_("Titel"), max_length=500)
    description = models.TextField(_("Beschreibung"), blank=True)
    valid_from = models.PositiveSmallIntegerField(_("gültig ab Jahr"), null=True, blank=True)
    valid_until = models.PositiveSmallIntegerField(_("gültig bis Jahr"), null=True, blank=True)
    products = models.ManyToManyField(
        Product, verbose_name=_("Produkte"), blank=True, related_name="strategic_goals"
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    # A goal the retreat changed lives on as a new version; the old one is superseded.
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("Vorgängerfassung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )
    superseded = models.BooleanField(
        _("abgelöst"),
        default=False,
        help_text=_("Durch eine neue Fassung ersetzt (z. B. nach der Strategieklausur)."),
    )

    class Meta:
        verbose_name = _("Strategisches Ziel")
        verbose_name_plural = _("Strategische Ziele")
        ordering = ["body", "position"]
        constraints = [
            # The number names the goal in force: a superseded version keeps its number.
            models.UniqueConstraint(
                fields=["body", "number"],
                condition=Q(superseded=False),
                name="strategic_goal_number_unique",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("id")),
                name="strategic_goal_not_own_predecessor",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="strategic_goal_valid_range",
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.number} {self.title}"
        return f"{text} ({_('abgelöst')})" if self.superseded else text


class OperativeGoal(models.Model):
    """An operative goal or action priority (Handlungsschwerpunkt, one to two years)."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="operative_goals"
    )
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        verbose_name=_("Strategisches Ziel"),
        on_delete=models.PROTECT,
        related_name="operative_goals",
    )
    key = models.CharField(
        _("Kennung"), max_length=40, help_text=_("eindeutig je Kommune, meist die Nummer")
    )
    number = models.CharField(_("Nummer"), max_length=30)
    title = models.TextField(_("Titel"))
    description = models.TextField(_("Beschreibung"), blank=True)
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("federführende Einheiten"),
        blank=True,
        related_name="operative_goals",
    )
    valid_from = models.PositiveSmallIntegerField(_("gültig ab Jahr"), null=True, blank=True)
    valid_until = models.PositiveSmallIntegerField(_("gültig bis Jahr"), null=True, blank=True)
    products = models.ManyToManyField(
        Product, verbose_name=_("Produkte"), blank=True, related_name="operative_goals"
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    # A priority the retreat changed lives on as a new version (with a key of its own).
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("Vorgängerfassung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )
    superseded = models.BooleanField(
        _("abgelöst"),
        default=False,
        help_text=_("Durch eine neue Fassung ersetzt (z. B. nach der Strategieklausur)."),
    )

    class Meta:
        verbose_name = _("Operatives Ziel")
        verbose_name_plural = _("Operative Ziele")
        ordering = ["body", "position"]
        constraints = [
            models.UniqueConstraint(fields=["body", "key"], name="operative_goal_key_unique"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("id")),
                name="operative_goal_not_own_predecessor",
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.number} {self.title[:80]}"
        return f"{text} ({_('abgelöst')})" if self.superseded else text


class Measure(models.Model):
    """A measure or project serving an operative goal (Maßnahme)."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="measures"
    )
    operative_goal = models.ForeignKey(
        OperativeGoal,
        verbose_name=_("Operatives Ziel"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    key = models.CharField(_("Kennung"), max_length=200)
    title = models.TextField(_("Titel"))
    description = models.TextField(_("Beschreibung"), blank=True)
    owner = models.ForeignKey(
        Department,
        verbose_name=_("verantwortlich"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
    )
    partners = models.JSONField(_("Kooperationspartner"), default=list, blank=True)
    due_date = models.DateField(_("Frist"), null=True, blank=True)
    cost = models.DecimalField(
        _("Kosten (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    products = models.ManyToManyField(
        Product, verbose_name=_("Produkte"), blank=True, related_name="measures"
    )
    done_on = models.DateField(
        _("erledigt am"),
        null=True,
        blank=True,
        help_text=_("Leer, solange die Maßnahme nicht abgeschlossen ist."),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["operative_goal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["operative_goal", "key"], name="measure_key_unique"),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="measure_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title[:80]
