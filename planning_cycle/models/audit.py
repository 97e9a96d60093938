"""The append-only audit trail of administrative acts: roles, cycles, frameworks, imports."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bodies import Body


class AuditAppendOnlyError(Exception):
    """Raised on an attempt to change or delete an audit row."""


class AuditAction(models.TextChoices):
    ROLE_ASSIGN = "role_assign", _("Rolle vergeben")
    ROLE_REVOKE = "role_revoke", _("Rolle entzogen")
    CYCLE_CREATE = "cycle_create", _("Planungszyklus angelegt")
    FRAMEWORK_SET = "framework_set", _("Rahmenvorgaben geändert")
    ACTUALS_IMPORT = "actuals_import", _("Istwerte importiert")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnlyError("The audit trail is append-only.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AuditAppendOnlyError("The audit trail is append-only.")


class AuditEntry(models.Model):
    """One administrative act: who did what to whom in which body, and when."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ausgeführt von"),
        help_text=_("Leer: das System selbst (Demo-Daten, Befehle ohne Person)."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("Vorgang"), max_length=30, choices=AuditAction.choices)
    target = models.CharField(_("betrifft"), max_length=300)
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["body", "-created_at", "-id"]
        indexes = [models.Index(fields=["body", "created_at"], name="audit_body_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditAppendOnlyError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditAppendOnlyError("The audit trail is append-only.")
