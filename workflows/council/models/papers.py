"""Council papers (Vorlagen), their files, reference numbers and consultation sequence."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import (
    Body,
    Department,
    OperativeGoal,
    PlanningCycle,
    Product,
    StrategicGoal,
)
from workflows.models import GoalAgreement
from workflows.storage import private_storage

from ..states import (
    CyclePaper,
    FileRole,
    PaperType,
    ResolutionStatus,
)

MANAGE = "planning_cycle.paper_manage"
RECORD = "planning_cycle.result_record"

DEFAULT_PATTERN = "{year}/{unit}/{number:04d}"


class PaperNumbering(models.Model):
    """How a body numbers its papers: a pattern of year, unit and running number."""

    body = models.OneToOneField(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="paper_numbering"
    )
    pattern = models.CharField(
        _("Muster der Vorlagennummer"),
        max_length=60,
        default=DEFAULT_PATTERN,
        help_text=_(
            "Platzhalter: {year} Jahr, {unit} Kürzel der federführenden Einheit, {number} "
            "laufende Nummer (mit Stellen: {number:04d}). Beispiel: 2018/StS/0592."
        ),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Nummernkreis der Vorlagen")
        verbose_name_plural = _("Nummernkreise der Vorlagen")

    def __str__(self) -> str:
        return self.pattern

    @property
    def per_unit(self) -> bool:
        """Return whether each unit counts on its own (the pattern names the unit)."""
        return "{unit" in self.pattern


class ReferenceCounter(models.Model):
    """The last running number given in one number range (body, year, unit if counted apart)."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    unit = models.CharField(_("Einheit"), max_length=30, blank=True)
    last_number = models.PositiveIntegerField(_("zuletzt vergebene Nummer"), default=0)

    class Meta:
        verbose_name = _("Zähler der Vorlagennummern")
        verbose_name_plural = _("Zähler der Vorlagennummern")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "unit"], name="reference_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}/{self.unit}: {self.last_number}"


class Paper(models.Model):
    """A council paper: what a committee is asked to decide or take note of."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    reference = models.CharField(_("Vorlagennummer"), max_length=60)
    reference_year = models.PositiveSmallIntegerField(_("Jahr der Vorlagennummer"))
    reference_number = models.PositiveIntegerField(_("laufende Nummer"))
    paper_type = models.CharField(
        _("Vorlagenart"), max_length=20, choices=PaperType.choices, default=PaperType.RESOLUTION
    )
    public = models.BooleanField(_("öffentlich"), default=True)
    title = models.CharField(_("Betreff"), max_length=500)
    proposed_resolution = models.TextField(_("Beschlussvorschlag"), blank=True)
    reasoning = models.TextField(_("Begründung / Sachverhalt"), blank=True)
    financial_effects = models.TextField(_("Finanzielle Auswirkungen"), blank=True)
    date = models.DateField(_("Datum der Vorlage"), default=timezone.localdate)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("federführende Einheit"),
        on_delete=models.PROTECT,
        related_name="council_papers",
    )
    submitter = models.CharField(_("Einreicher"), max_length=200, blank=True)
    author = models.CharField(_("Bearbeiter/-in"), max_length=200, blank=True)
    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_papers",
    )
    cycle_phase = models.CharField(
        _("Beschluss der Phase"),
        max_length=30,
        choices=CyclePaper.choices,
        blank=True,
        help_text=_("Die Phase des Planungszyklus endet erst mit dem Beschluss dieser Vorlage."),
    )
    strategic_goals = models.ManyToManyField(
        StrategicGoal, verbose_name=_("strategische Ziele"), blank=True, related_name="+"
    )
    operative_goals = models.ManyToManyField(
        OperativeGoal, verbose_name=_("operative Ziele"), blank=True, related_name="+"
    )
    products = models.ManyToManyField(
        Product, verbose_name=_("Produkte"), blank=True, related_name="+"
    )
    # The goal agreements a goals paper asks the council to resolve.
    agreements = models.ManyToManyField(
        GoalAgreement, verbose_name=_("Zielvereinbarungen"), blank=True, related_name="+"
    )
    consultation_round = models.ForeignKey(
        "consultation.ConsultationRound",
        verbose_name=_("Beteiligungsverfahren"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    external_url = models.URLField(
        _("Seite im Ratsinformationssystem"),
        blank=True,
        help_text=_("Adresse der Vorlage im bestehenden Ratsinformationssystem, falls vorhanden."),
    )
    resolution_status = models.CharField(
        _("Beschlussstand"),
        max_length=30,
        choices=ResolutionStatus.choices,
        default=ResolutionStatus.PENDING,
    )
    resolved_on = models.DateField(_("beschlossen am"), null=True, blank=True)
    deleted = models.BooleanField(_("gelöscht"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Vorlage")
        verbose_name_plural = _("Vorlagen")
        ordering = ["-reference_year", "-reference_number", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "reference"], name="paper_reference_unique"),
            models.CheckConstraint(condition=~Q(title=""), name="paper_has_title"),
            models.CheckConstraint(condition=~Q(reference=""), name="paper_has_reference"),
            models.UniqueConstraint(
                fields=["cycle", "cycle_phase"],
                condition=~Q(cycle_phase=""),
                name="paper_one_per_cycle_phase",
            ),
            models.CheckConstraint(
                condition=Q(cycle_phase="") | Q(cycle__isnull=False),
                name="paper_cycle_phase_needs_cycle",
            ),
        ]
        indexes = [models.Index(fields=["body", "updated_at"], name="paper_body_modified")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


def paper_file_path(instance: Any, filename: str) -> str:
    """Return a stored name that reveals nothing of the original name (kept in a column)."""
    return f"council/{instance.body_id}/{instance.paper_id}/{uuid.uuid4().hex}"


class PaperFile(models.Model):
    """The paper's main document or an attachment, kept privately and served through the gate."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    paper = models.ForeignKey(
        Paper, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="files"
    )
    role = models.CharField(
        _("Art"), max_length=20, choices=FileRole.choices, default=FileRole.ATTACHMENT
    )
    name = models.CharField(_("Dateiname"), max_length=255)
    media_type = models.CharField(_("Dateityp"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe in Bytes"))
    sha256 = models.CharField(_("Prüfsumme (SHA-256)"), max_length=64)
    file = models.FileField(_("Datei"), storage=private_storage, upload_to=paper_file_path)
    public = models.BooleanField(_("öffentlich"), default=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    deleted = models.BooleanField(_("gelöscht"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hochgeladen von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Datei der Vorlage")
        verbose_name_plural = _("Dateien der Vorlagen")
        ordering = ["paper", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper"],
                condition=Q(role=FileRole.MAIN, deleted=False),
                name="paper_one_main_file",
            ),
        ]

    def __str__(self) -> str:
        return self.name
