"""Open tasks with a due time, the reminder policy of a body and the reminders sent."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Body, Committee, Department, Organisation, PlanningCycle


class TaskKind(models.TextChoices):
    REVIEW_SUBMIT = "review_submit", _("Zielbilanzierung einreichen")
    REVIEW_DECIDE = "review_decide", _("Über Zielbilanzierung entscheiden")
    PLAN_SUBMIT = "plan_submit", _("Ziel- und Haushaltsplanung einreichen")
    PLAN_DECIDE = "plan_decide", _("Über Ziel- und Haushaltsplanung entscheiden")
    AGREEMENT_SUBMIT = "agreement_submit", _("Zielvereinbarung einreichen")
    AGREEMENT_DECIDE = "agreement_decide", _("Über Zielvereinbarung entscheiden")
    STATEMENT_GIVE = "statement_give", _("Stellungnahme abgeben")
    DISPOSITION_RECORD = "disposition_record", _("Stellungnahme abwägen")
    RESULT_RECORD = "result_record", _("Beratungsergebnis erfassen")
    # A dated milestone of the cycle's calendar (kind as its MilestoneKind).
    MILESTONE_PREPARATION = "milestone_preparation", _("Vorbereitungsschritt erledigen")
    MILESTONE_INTERIM_REPORT = "milestone_interim_report", _("Zwischenbericht an den Rat")
    MILESTONE_OTHER = "milestone_other", _("Termin im Jahreskalender")


class Audience(models.TextChoices):
    """Who is responsible for a task: resolved to users when a reminder goes out."""

    DEPARTMENT = "department", _("Leitung und Sachbearbeitung der Organisationseinheit")
    MANAGEMENT = "management", _("Verwaltungsleitung")
    # An invitee of a consultation: a department (head and editors) or an organisation
    # (its contact people, the external stakeholders).
    INVITEE = "invitee", _("Eingeladene Organisationseinheit oder Organisation")
    # The secretaries (Schriftführung) of a committee: who records its results.
    COMMITTEE = "committee", _("Schriftführung des Gremiums")
    # A milestone of the cycle's calendar: every taking-part department's head and
    # editors, the strategy unit, or the council office (Sitzungsdienst) of the body.
    DEPARTMENTS = "departments", _("alle Fachdienste")
    STRATEGY_UNIT = "strategy_unit", _("Strategische Steuerung")
    COUNCIL_OFFICE = "council_office", _("Sitzungsdienst")


# Audiences that are people of the whole body in a role, not of one unit.
BODY_AUDIENCES = (
    Audience.MANAGEMENT,
    Audience.DEPARTMENTS,
    Audience.STRATEGY_UNIT,
    Audience.COUNCIL_OFFICE,
)


class DeadlineState(models.TextChoices):
    OPEN = "open", _("offen")
    DONE = "done", _("erledigt")
    CANCELLED = "cancelled", _("entfallen")


class Deadline(models.Model):
    """One open (or finished) task with a due time; reminders are derived from it.

    Opened and closed by the transaction that opens or finishes the task. The sweep
    selects rows by `next_check_at` and moves it to the next reminder slot.
    """

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="task_deadlines",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="task_deadlines",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Beteiligte Organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="task_deadlines",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("Gremium"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="task_deadlines",
    )
    kind = models.CharField(_("Aufgabe"), max_length=40, choices=TaskKind.choices)
    audience = models.CharField(_("zuständig"), max_length=20, choices=Audience.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("Objektart"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("Objekt-ID"))
    url_path = models.CharField(_("Adresse der Aufgabe"), max_length=300)
    due_at = models.DateTimeField(_("fällig am"))
    state = models.CharField(
        _("Status"), max_length=20, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    opened_at = models.DateTimeField(_("eröffnet am"), default=timezone.now)
    closed_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    next_check_at = models.DateTimeField(
        _("nächste Prüfung"),
        null=True,
        blank=True,
        help_text=_("Wann die Erinnerungsprüfung diese Frist wieder ansieht."),
    )
    last_slot_at = models.DateTimeField(
        _("letzte Erinnerung geplant für"),
        null=True,
        blank=True,
        help_text=_("Zeitpunkt der zuletzt versandten Erinnerung zur aktuellen Frist."),
    )

    class Meta:
        verbose_name = _("Frist")
        verbose_name_plural = _("Fristen")
        ordering = ["due_at", "id"]
        constraints = [
            # A task is open at most once: the duplicate guard of the opening transaction.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=Q(state="open"),
                name="deadline_one_open_per_task",
            ),
            models.CheckConstraint(
                condition=(Q(state="open", closed_at__isnull=True))
                | (~Q(state="open") & Q(closed_at__isnull=False, next_check_at__isnull=True)),
                name="deadline_closed_iff_not_open",
            ),
            # Somebody is responsible: management, or a department's or an organisation's
            # people, or a committee's secretaries.
            models.CheckConstraint(
                condition=Q(audience__in=[str(a) for a in BODY_AUDIENCES])
                | Q(department__isnull=False)
                | Q(organisation__isnull=False)
                | Q(audience="committee", committee__isnull=False),
                name="deadline_audience_has_scope",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=Q(state="open"),
                name="deadline_sweep_idx",
            ),
            models.Index(fields=["content_type", "object_id"], name="deadline_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_at:%d.%m.%Y})"

    @property
    def is_open(self) -> bool:
        return self.state == DeadlineState.OPEN


class DeadlineExtension(models.Model):
    """A recorded extension of a deadline by management, with its reason."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    deadline = models.ForeignKey(
        Deadline,
        verbose_name=_("Frist"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    previous_due_at = models.DateTimeField(_("bisher fällig am"))
    new_due_at = models.DateTimeField(_("neu fällig am"))
    reason = models.TextField(_("Begründung"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verlängert von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)

    class Meta:
        verbose_name = _("Fristverlängerung")
        verbose_name_plural = _("Fristverlängerungen")
        ordering = ["deadline", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_at__gt=F("previous_due_at")),
                name="extension_moves_due_time_later",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="extension_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.previous_due_at:%d.%m.%Y} → {self.new_due_at:%d.%m.%Y}"


def default_reminder_days() -> list[int]:
    return [14, 7, 1]


class ReminderPolicy(models.Model):
    """When a body's users are reminded before a due time and when management is alerted."""

    body = models.OneToOneField(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="reminder_policy"
    )
    reminder_days = models.JSONField(
        _("Erinnerungen (Tage vor Fälligkeit)"),
        default=default_reminder_days,
        help_text=_("Liste ganzer Tage, z. B. [14, 7, 1]."),
    )
    escalation_after_days = models.PositiveSmallIntegerField(
        _("Eskalation (Tage nach Fälligkeit)"), default=1
    )
    escalation_repeat_days = models.PositiveSmallIntegerField(
        _("Eskalation wiederholen alle (Tage)"),
        default=7,
        help_text=_("0 = keine Wiederholung."),
    )
    decision_days = models.PositiveSmallIntegerField(
        _("Frist für Entscheidungen (Tage nach Einreichung)"), default=14
    )
    send_time = models.TimeField(_("Versandzeit"), default=dt.time(8, 0))
    working_days_only = models.BooleanField(
        _("nur an Arbeitstagen"),
        default=True,
        help_text=_(
            "Erinnerungen an Wochenenden und Feiertagen des Bundeslandes werden auf den "
            "vorherigen Arbeitstag, Eskalationen auf den nächsten Arbeitstag gelegt."
        ),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Erinnerungsregel")
        verbose_name_plural = _("Erinnerungsregeln")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_days__gte=1), name="policy_decision_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Erinnerungsregel %(body)s") % {"body": self.body})

    def clean(self) -> None:
        days = self.reminder_days
        if not isinstance(days, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) for d in days
        ):
            raise ValidationError(
                {"reminder_days": _("Bitte eine Liste ganzer Tage angeben, z. B. [14, 7, 1].")}
            )
        bad = [d for d in days if not 1 <= d <= 365]
        if bad:
            raise ValidationError(
                {
                    "reminder_days": _(
                        "Erinnerungstage müssen zwischen 1 und 365 liegen, nicht %(days)s."
                    )
                    % {"days": ", ".join(map(str, bad))}
                }
            )
        if len(set(days)) != len(days):
            raise ValidationError({"reminder_days": _("Jeder Erinnerungstag nur einmal.")})


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", _("Erinnerung")
    ESCALATION = "escalation", _("Eskalation")


class Reminder(models.Model):
    """One reminder or escalation sent for a deadline; never twice for the same slot."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    deadline = models.ForeignKey(
        Deadline, verbose_name=_("Frist"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("Art"), max_length=20, choices=ReminderKind.choices)
    offset_days = models.PositiveSmallIntegerField(
        _("Tage"), help_text=_("Vor der Fälligkeit (Erinnerung) oder danach (Eskalation).")
    )
    due_at = models.DateTimeField(_("zur Frist"))
    scheduled_for = models.DateTimeField(_("geplant für"))
    sent_at = models.DateTimeField(_("versandt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        ordering = ["deadline", "scheduled_for"]
        constraints = [
            # The same reminder for the same due time can never be sent twice, whoever
            # sweeps; an extension (a new due time) gets its own reminders.
            models.UniqueConstraint(
                fields=["deadline", "kind", "offset_days", "due_at"],
                name="reminder_once_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.offset_days}: {self.deadline}"
