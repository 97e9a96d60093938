"""The in-app inbox, the e-mail digest and each user's notification settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Body

from .deadlines import Deadline, Reminder


class NotificationKind(models.TextChoices):
    TASK = "task", _("Neue Aufgabe")
    REMINDER = "reminder", _("Erinnerung")
    ESCALATION = "escalation", _("Frist überschritten")
    DELIVERY_FAILED = "delivery_failed", _("Zustellung fehlgeschlagen")
    # Consultation rounds (notifications/services/consultation.py).
    INVITATION = "invitation", _("Einladung zur Stellungnahme")
    CONSULTATION_REMINDER = "consult_reminder", _("Erinnerung an die Stellungnahme")
    EXTENSION_ANSWER = "extension_answer", _("Antwort auf den Antrag auf Fristverlängerung")
    OVERDUE = "overdue", _("Frist für die Stellungnahme versäumt")
    FINAL_NOTICE = "final_notice", _("Schlussmitteilung")


# What a consultation notification is about is in its data (the invitation, the round).
CONSULTATION_KINDS = frozenset(
    {
        NotificationKind.INVITATION,
        NotificationKind.CONSULTATION_REMINDER,
        NotificationKind.EXTENSION_ANSWER,
        NotificationKind.OVERDUE,
        NotificationKind.FINAL_NOTICE,
    }
)


class EmailState(models.TextChoices):
    NONE = "none", _("keine E-Mail")
    QUEUED = "queued", _("E-Mail vorgemerkt")
    SENT = "sent", _("E-Mail versandt")
    DIGEST = "digest", _("für die Tageszusammenfassung vorgemerkt")
    IN_DIGEST = "in_digest", _("in Tageszusammenfassung")


class Notification(models.Model):
    """One message in a user's inbox; rendered in the reader's language when shown."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Empfänger"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("Art"), max_length=20, choices=NotificationKind.choices)
    deadline = models.ForeignKey(
        Deadline,
        verbose_name=_("Frist"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("Erinnerung"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # What made this notification (e.g. "reminder:12", "transition:34"): with the
    # recipient unique, so that a handler run twice cannot notify twice.
    source_key = models.CharField(_("Anlass"), max_length=100)
    data = models.JSONField(_("Angaben"), default=dict, blank=True)
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)
    read_at = models.DateTimeField(_("gelesen am"), null=True, blank=True)
    email_state = models.CharField(
        _("E-Mail"), max_length=20, choices=EmailState.choices, default=EmailState.NONE
    )
    digest = models.ForeignKey(
        "Digest",
        verbose_name=_("Tageszusammenfassung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source_key"], name="notification_once_per_source"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(email_state="digest"),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("sofort per E-Mail")
    DIGEST = "digest", _("einmal täglich als Zusammenfassung")
    OFF = "off", _("keine E-Mails (nur Posteingang)")


class NotificationPreference(models.Model):
    """How and in which language a user wants to be told."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_mode = models.CharField(
        _("E-Mail-Benachrichtigung"),
        max_length=20,
        choices=EmailMode.choices,
        default=EmailMode.IMMEDIATE,
    )
    language = models.CharField(
        _("Sprache der E-Mails"), max_length=8, choices=settings.LANGUAGES, default="de"
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_mode_display()}"


class Digest(models.Model):
    """One user's daily summary e-mail; at most one per user and day."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Empfänger"),
        on_delete=models.CASCADE,
        related_name="digests",
    )
    date = models.DateField(_("Tag"))
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Tageszusammenfassung")
        verbose_name_plural = _("Tageszusammenfassungen")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "date"], name="digest_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.date:%d.%m.%Y}"


class CalendarFeed(models.Model):
    """A personal iCalendar feed; the secret token is stored only as its hash."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token_hash = models.CharField(_("Prüfwert des Schlüssels"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("erstellt am"), default=timezone.now)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("zuletzt abgerufen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kalender-Abonnement")
        verbose_name_plural = _("Kalender-Abonnements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%d.%m.%Y})"
