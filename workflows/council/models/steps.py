"""A paper's consultation sequence: one committee's deliberation per step."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from planning_cycle.models import Body, Committee

from ..conditions import (
    HAS_AGENDA_ITEM,
    MEETING_DAY_REACHED,
    MEETING_NOT_CANCELLED,
    RESULT_FINAL,
)
from ..states import StepResult, StepRole, StepState
from .meetings import AgendaItem
from .papers import MANAGE, RECORD, Paper


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
