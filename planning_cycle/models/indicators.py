"""Indicators (key figures) of goals and products, with their baselines, targets and actuals."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bodies import Body, ReportingPeriod
from .goals import OperativeGoal, Product, StrategicGoal


class Direction(models.TextChoices):
    HIGHER = "higher", _("höher ist besser")
    LOWER = "lower", _("niedriger ist besser")


class UnitKind(models.TextChoices):
    COUNT = "count", _("Anzahl")
    PERCENT = "percent", _("Prozent")
    EURO = "euro", _("Euro")
    DAYS = "days", _("Tage")
    MINUTES = "minutes", _("Minuten")
    RATIO = "ratio", _("Verhältnis (1:n)")


# Unit labels that name a unit kind (lower case); any other label is a count.
UNIT_KIND_LABELS: dict[str, str] = {
    "%": UnitKind.PERCENT,
    "prozent": UnitKind.PERCENT,
    "eur": UnitKind.EURO,
    "€": UnitKind.EURO,
    "euro": UnitKind.EURO,
    "tage": UnitKind.DAYS,
    "minuten": UnitKind.MINUTES,
    "min": UnitKind.MINUTES,
}


def unit_kind_for(unit: str) -> str:
    """Return the unit kind a unit label names (`%`: percent), else count."""
    return UNIT_KIND_LABELS.get(unit.strip().lower(), UnitKind.COUNT)


class Indicator(models.Model):
    """A key figure measuring a goal or product (Kennzahl, Zielgröße)."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="indicators"
    )
    key = models.CharField(_("Kennung"), max_length=80)
    name = models.CharField(_("Bezeichnung"), max_length=300)
    unit = models.CharField(_("Einheit"), max_length=40)
    unit_kind = models.CharField(
        _("Art der Einheit"), max_length=10, choices=UnitKind.choices, default=UnitKind.COUNT
    )
    direction = models.CharField(
        _("Richtung"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    tolerance = models.DecimalField(
        _("Toleranz (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        help_text=_("Zulässige Abweichung vom Zielwert in Prozent (im Toleranzbereich)."),
    )
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        verbose_name=_("Strategisches Ziel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    operative_goal = models.ForeignKey(
        OperativeGoal,
        verbose_name=_("Operatives Ziel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("Produkt"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["body", "key"]
        constraints = [
            models.UniqueConstraint(fields=["body", "key"], name="indicator_key_unique"),
            # An indicator measures exactly one subject: a goal of either level or a product.
            models.CheckConstraint(
                condition=(
                    Q(
                        strategic_goal__isnull=False,
                        operative_goal__isnull=True,
                        product__isnull=True,
                    )
                    | Q(
                        strategic_goal__isnull=True,
                        operative_goal__isnull=False,
                        product__isnull=True,
                    )
                    | Q(
                        strategic_goal__isnull=True,
                        operative_goal__isnull=True,
                        product__isnull=False,
                    )
                ),
                name="indicator_has_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0, tolerance__lte=100),
                name="indicator_tolerance_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class ValueKind(models.TextChoices):
    BASELINE = "baseline", _("Ausgangswert")
    TARGET = "target", _("Zielwert")
    ACTUAL = "actual", _("Istwert")


class Period(models.TextChoices):
    YEAR = "year", _("Jahr")
    H1 = "h1", _("1. Halbjahr")
    H2 = "h2", _("2. Halbjahr")
    Q1 = "q1", _("1. Quartal")
    Q2 = "q2", _("2. Quartal")
    Q3 = "q3", _("3. Quartal")
    Q4 = "q4", _("4. Quartal")


# The periods a body may report values in, by its reporting period (the year always).
PERIODS_OF_REPORTING: dict[str, tuple[str, ...]] = {
    ReportingPeriod.YEAR: (Period.YEAR,),
    ReportingPeriod.HALF_YEAR: (Period.YEAR, Period.H1, Period.H2),
    ReportingPeriod.QUARTER: (Period.YEAR, Period.Q1, Period.Q2, Period.Q3, Period.Q4),
}


def periods_of_body(body: Body) -> tuple[str, ...]:
    """Return the periods a body reports values in (the year first)."""
    return PERIODS_OF_REPORTING.get(body.reporting_period, (Period.YEAR,))


class TargetKind(models.TextChoices):
    AT_LEAST = "at_least", _("mindestens")
    AT_MOST = "at_most", _("höchstens")
    EXACTLY = "exactly", _("genau")
    RANGE = "range", _("Bereich")


class CurrentValues(models.Manager["IndicatorValue"]):
    """The current versions only: what every reader means by an indicator's values."""

    def get_queryset(self) -> models.QuerySet[IndicatorValue]:
        return super().get_queryset().filter(current=True)


class IndicatorValue(models.Model):
    """A baseline, target or actual value of an indicator in one period of a year.

    A target without `target_kind` follows the indicator's direction (higher: at least,
    lower: at most); see docs/controlling.md.
    """

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("Kennzahl"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    period = models.CharField(
        _("Zeitraum"), max_length=4, choices=Period.choices, default=Period.YEAR
    )
    kind = models.CharField(_("Art"), max_length=10, choices=ValueKind.choices)
    value = models.DecimalField(_("Wert"), max_digits=16, decimal_places=4)
    # NULL, not "": the constraint below ties a kind to targets, and NULL reads "none given".
    target_kind = models.CharField(  # noqa: DJ001
        _("Art des Zielwerts"),
        max_length=10,
        choices=TargetKind.choices,
        null=True,
        blank=True,
        help_text=_("Nur bei Zielwerten; leer: die Richtung der Kennzahl entscheidet."),
    )
    upper_value = models.DecimalField(
        _("Obergrenze"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Nur bei einem Zielbereich: der höchste Wert, der das Ziel noch erfüllt."),
    )
    comment = models.TextField(_("Kommentar"), blank=True)
    source = models.CharField(_("Quelle"), max_length=300, blank=True)
    # Versions: a correction after the review was accepted keeps the old row, not current.
    version = models.PositiveSmallIntegerField(_("Fassung"), default=1)
    current = models.BooleanField(_("aktuelle Fassung"), default=True)
    reason = models.TextField(_("Grund der Korrektur"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("erfasst am"), null=True, blank=True)

    objects = CurrentValues()
    versions = models.Manager()  # noqa: DJ012 (a second manager, not a field)

    class Meta:
        verbose_name = _("Kennzahlwert")
        verbose_name_plural = _("Kennzahlwerte")
        ordering = ["indicator", "year", "period", "kind"]
        indexes = [
            # The statuses and reports read a body's current values of one period at once.
            models.Index(
                fields=["body", "year", "period"],
                condition=Q(current=True),
                name="indicator_value_period_idx",
            ),
        ]
        constraints = [
            # Unique among current versions; superseded versions are kept as history.
            models.UniqueConstraint(
                fields=["indicator", "year", "period", "kind"],
                condition=Q(current=True),
                name="indicator_value_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "period", "kind", "version"],
                name="indicator_value_version_unique",
            ),
            # One baseline per indicator.
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(kind="baseline", current=True),
                name="indicator_single_baseline",
            ),
            # Only a target has a kind.
            models.CheckConstraint(
                condition=Q(target_kind__isnull=True) | Q(kind="target"),
                name="indicator_value_target_kind_only_for_targets",
            ),
            # A range has an upper bound not below its lower one; nothing else has one.
            models.CheckConstraint(
                # NULL-safe: a CHECK passes when its condition is unknown (NULL).
                condition=Q(
                    target_kind__isnull=False,
                    target_kind="range",
                    upper_value__isnull=False,
                    upper_value__gte=models.F("value"),
                )
                | (
                    (Q(target_kind__isnull=True) | ~Q(target_kind="range"))
                    & Q(upper_value__isnull=True)
                ),
                name="indicator_value_upper_only_for_ranges",
            ),
        ]

    def __str__(self) -> str:
        period = "" if self.period == Period.YEAR else f" {self.period}"
        return f"{self.indicator.key} {self.year}{period} {self.kind}: {self.value}"
