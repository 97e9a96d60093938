"""The append-only transition history and the outbox of side effects."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Body


class AppendOnlyError(Exception):
    """Raised on an attempt to change or delete a history row."""


class AppendOnlyQuerySet(models.QuerySet["TransitionLog"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The transition history is append-only.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("The transition history is append-only.")


class TransitionLog(models.Model):
    """One fired transition: who moved what from which state to which, and why."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.PROTECT)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("Objektart"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("Objekt-ID"))
    transition = models.CharField(_("Schritt"), max_length=60)
    source_state = models.CharField(_("von"), max_length=30)
    target_state = models.CharField(_("nach"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ausgeführt von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)
    comment = models.TextField(_("Kommentar"), blank=True)
    override_reason = models.TextField(
        _("Begründung für Abschluss trotz offener Punkte"), blank=True
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")
        ordering = ["content_type", "object_id", "created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.transition}: {self.source_state} → {self.target_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The transition history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The transition history is append-only.")


class OutboxMessage(models.Model):
    """A side effect a committed transaction asked for, delivered after commit."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    topic = models.CharField(_("Thema"), max_length=60)
    payload = models.JSONField(_("Inhalt"), default=dict)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    processed_at = models.DateTimeField(_("verarbeitet am"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    # Delivery bookkeeping: a retry waits until next_attempt_at (backoff); dispatched_at
    # is the lease of the task that was queued for it, so that a task lost with its
    # broker is queued again; failed_at marks a message given up after the last try.
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("zuletzt übergeben"), null=True, blank=True)
    failed_at = models.DateTimeField(_("endgültig fehlgeschlagen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ausgangsnachricht")
        verbose_name_plural = _("Ausgangsnachrichten")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(processed_at__isnull=True, failed_at__isnull=True),
                name="outbox_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"
