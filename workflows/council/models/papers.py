"""Council papers (Vorlagen), their files, reference numbers and consultation sequence."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from planning_cycle.models import (
    Body,
    Committee,
    Department,
    OperativeGoal,
    PlanningCycle,
    Product,
    StrategicGoal,
)
from workflows.models import GoalAgreement
from workflows.storage import private_storage

from ..conditions import (
    HAS_AGENDA_ITEM,
    MEETING_DAY_REACHED,
    MEETING_NOT_CANCELLED,
    RESULT_FINAL,
)
from ..states import (
    CyclePaper,
    FileRole,
    PaperType,
    ResolutionStatus,
    StepResult,
    StepRole,
    StepState,
)
from .meetings import AgendaItem

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


class ConsultationStep(ConcurrentTransitionMixin, models.Model):
    """One committee's deliberation of a paper (OParl: Consultation), a step of its sequence.

    planned → on an agenda → result recorded; a deferral puts it back to planned, the
    agenda item of that meeting keeps the result "deferred".
    """

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    paper = models.ForeignKey(
        Paper, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="steps"
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("Gremium"),
        on_delete=models.PROTECT,
        related_name="consultation_steps",
    )
    role = models.CharField(
        _("Rolle in der Beratungsfolge"),
        max_length=20,
        choices=StepRole.choices,
        default=StepRole.PRE_DELIBERATION,
    )
    part = models.CharField(
        _("Teil der Vorlage"),
        max_length=200,
        blank=True,
        help_text=_("Nur auszufüllen, wenn das Gremium nur einen Teil der Vorlage berät."),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"))
    state = FSMField(
        _("Status"), default=StepState.PLANNED, choices=StepState.choices, protected=True
    )
    # The agenda item it is (or was last) on, and the result recorded there.
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("Tagesordnungspunkt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.CharField(_("Ergebnis"), max_length=30, choices=StepResult.choices, blank=True)
    # The day the committee met, not the day somebody entered the result.
    result_date = models.DateField(_("Datum der Sitzung des Ergebnisses"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("erfasst am"), null=True, blank=True)
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("verwiesen durch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text=_("Die Beratung, in der das Gremium die Vorlage weiterverwiesen hat."),
    )
    deleted = models.BooleanField(_("gelöscht"), default=False)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungsfolge")
        ordering = ["paper", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="step_position_unique"),
            # A paper (or a part of it) is decided by one committee.
            models.UniqueConstraint(
                fields=["paper", "part"],
                condition=Q(role=StepRole.DECISION, deleted=False),
                name="step_one_decision_per_part",
            ),
            models.CheckConstraint(
                condition=Q(state=StepState.RECORDED, result_date__isnull=False)
                & ~Q(result="")
                & ~Q(result=StepResult.DEFERRED)
                | ~Q(state=StepState.RECORDED),
                name="step_recorded_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(state=StepState.SCHEDULED) | Q(agenda_item__isnull=False),
                name="step_scheduled_has_agenda_item",
            ),
            models.CheckConstraint(
                condition=~Q(referred_by=models.F("id")), name="step_not_referred_by_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee}: {self.get_role_display()}"

    @transition(
        field=state,
        source=StepState.PLANNED,
        target=StepState.SCHEDULED,
        permission=MANAGE,
        conditions=[HAS_AGENDA_ITEM],
        custom={"label": _("Auf die Tagesordnung setzen")},
    )
    def schedule(self) -> None:
        """Put the paper on the agenda of the committee's meeting (the item is the service's)."""

    @transition(
        field=state,
        source=StepState.SCHEDULED,
        target=StepState.PLANNED,
        permission=MANAGE,
        custom={"label": _("Von der Tagesordnung nehmen"), "comment_required": True},
    )
    def unschedule(self) -> None:
        """Take the paper off the agenda before the meeting."""
        self.agenda_item = None

    @transition(
        field=state,
        source=StepState.SCHEDULED,
        target=StepState.RECORDED,
        permission=RECORD,
        conditions=[MEETING_NOT_CANCELLED, MEETING_DAY_REACHED, RESULT_FINAL],
        custom={"label": _("Ergebnis erfassen"), "internal": True},
    )
    def record(self) -> None:
        """Record the committee's result (set by the service from the agenda item)."""
        self.recorded_at = timezone.now()

    @transition(
        field=state,
        source=StepState.SCHEDULED,
        target=StepState.PLANNED,
        permission=RECORD,
        conditions=[MEETING_NOT_CANCELLED, MEETING_DAY_REACHED],
        custom={"label": _("Vertagt"), "internal": True},
    )
    def defer(self) -> None:
        """The committee deferred the paper: plan it for a later meeting."""
        self.agenda_item = None
        self.result = ""
        self.result_date = None

    @transition(
        field=state,
        source=StepState.RECORDED,
        target=StepState.SCHEDULED,
        permission=MANAGE,
        custom={"label": _("Ergebnis zur Korrektur öffnen"), "comment_required": True},
    )
    def reopen(self) -> None:
        """Open a wrongly entered result for correction."""
        self.result = ""
        self.result_date = None
        self.recorded_at = None

    @property
    def meeting(self) -> Any:
        return self.agenda_item.meeting if self.agenda_item is not None else None


__all__ = [
    "DEFAULT_PATTERN",
    "ConsultationStep",
    "Paper",
    "PaperFile",
    "PaperNumbering",
    "ReferenceCounter",
]

# Used by the services to find the paper's resolution from its deciding steps.
STEP_ROLE_DECISION = StepRole.DECISION
