"""Meetings of committees and their ordered agendas; an agenda item is one deliberation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from planning_cycle.models import Body, Committee

from ..conditions import MEETING_DAY_REACHED
from ..states import MeetingState, StepResult
from .people import LegislativeTerm, Location

MANAGE = "planning_cycle.paper_manage"


class Meeting(ConcurrentTransitionMixin, models.Model):
    """A meeting (Sitzung) of one committee."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    committee = models.ForeignKey(
        Committee, verbose_name=_("Gremium"), on_delete=models.PROTECT, related_name="meetings"
    )
    term = models.ForeignKey(
        LegislativeTerm,
        verbose_name=_("Wahlperiode"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"), null=True, blank=True)
    location = models.ForeignKey(
        Location,
        verbose_name=_("Sitzungsort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    state = FSMField(
        _("Status"), default=MeetingState.SCHEDULED, choices=MeetingState.choices, protected=True
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="meeting_has_name"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({timezone.localtime(self.start):%d.%m.%Y})"

    @property
    def date(self):  # type: ignore[no-untyped-def]
        """Return the local day the meeting takes place."""
        return timezone.localdate(self.start)

    @transition(
        field=state,
        source=MeetingState.SCHEDULED,
        target=MeetingState.INVITED,
        permission=MANAGE,
        custom={"label": _("Einladung versandt")},
    )
    def invite(self) -> None:
        """Record that the invitation with the agenda went out."""

    @transition(
        field=state,
        source=[MeetingState.SCHEDULED, MeetingState.INVITED],
        target=MeetingState.HELD,
        permission=MANAGE,
        conditions=[MEETING_DAY_REACHED],
        custom={"label": _("Sitzung hat stattgefunden")},
    )
    def hold(self) -> None:
        """Record that the meeting took place."""

    @transition(
        field=state,
        source=[MeetingState.SCHEDULED, MeetingState.INVITED],
        target=MeetingState.CANCELLED,
        permission=MANAGE,
        custom={"label": _("Sitzung absagen"), "comment_required": True},
    )
    def cancel(self) -> None:
        """Cancel the meeting (its papers go back to be planned)."""


class AgendaItem(models.Model):
    """An item on a meeting's agenda; with a paper, its deliberation and result there.

    A step deferred at a meeting keeps this item with its result "deferred": the earlier
    meeting stays in the paper's history while the step is planned for a later one.
    """

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("Sitzung"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    number = models.CharField(_("Nummer"), max_length=20)
    position = models.PositiveIntegerField(_("Reihenfolge"))
    name = models.CharField(_("Gegenstand"), max_length=500)
    public = models.BooleanField(_("öffentlich"), default=True)
    step = models.ForeignKey(
        "council.ConsultationStep",
        verbose_name=_("Beratung der Vorlage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    result = models.CharField(_("Ergebnis"), max_length=30, choices=StepResult.choices, blank=True)
    resolution_text = models.TextField(_("Beschlusstext"), blank=True)
    votes_yes = models.PositiveIntegerField(_("Ja-Stimmen"), null=True, blank=True)
    votes_no = models.PositiveIntegerField(_("Nein-Stimmen"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("Enthaltungen"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("erfasst am"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Taken off the agenda before the meeting: kept for OParl's deleted objects.
    deleted = models.BooleanField(_("von der Tagesordnung genommen"), default=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                condition=Q(deleted=False),
                name="agenda_position_unique",
            ),
            models.UniqueConstraint(
                fields=["meeting", "step"],
                condition=Q(step__isnull=False, deleted=False),
                name="agenda_step_once_per_meeting",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="agenda_item_has_name"),
            # Votes are recorded completely or not at all.
            models.CheckConstraint(
                condition=Q(
                    votes_yes__isnull=True, votes_no__isnull=True, votes_abstain__isnull=True
                )
                | Q(votes_yes__isnull=False, votes_no__isnull=False, votes_abstain__isnull=False),
                name="agenda_votes_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
