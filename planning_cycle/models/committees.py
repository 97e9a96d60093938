"""The body's committees (Kreistag, Kreisausschuss, Fachausschüsse, Beiräte).

A committee is a scope kind: its secretaries (Schriftführung) hold their role on it and
record the results of its deliberations only. Its meetings, members and the papers it
deliberates live in the council package (`workflows.council`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from planning_cycle.permissions import WORKFLOW_PERMISSIONS

from .bodies import Body


class CommitteeKind(models.TextChoices):
    # OParl's Organization.classification is free text; these are the usual kinds.
    COUNCIL = "council", _("Kreistag / Rat")
    MAIN_COMMITTEE = "main_committee", _("Kreisausschuss / Hauptausschuss")
    COMMITTEE = "committee", _("Fachausschuss")
    ADVISORY_BOARD = "advisory_board", _("Beirat")
    OTHER = "other", _("Sonstiges Gremium")


class Committee(models.Model):
    """A body's committee; the council itself is one (kind "council")."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="committees"
    )
    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzbezeichnung"), max_length=40, blank=True)
    kind = models.CharField(
        _("Art"), max_length=20, choices=CommitteeKind.choices, default=CommitteeKind.COMMITTEE
    )
    start_date = models.DateField(_("gebildet am"), null=True, blank=True)
    end_date = models.DateField(_("aufgelöst am"), null=True, blank=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    website = models.URLField(_("Internetseite"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Gremium")
        verbose_name_plural = _("Gremien")
        ordering = ["body", "position", "name"]
        permissions = WORKFLOW_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="committee_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="committee_has_name"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="committee_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeUserObjectPermission(UserObjectPermissionBase):
    """A user's object permission on a committee (guardian direct foreign key table)."""

    content_object = models.ForeignKey(
        Committee, verbose_name=_("Gremium"), on_delete=models.CASCADE
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("Benutzerberechtigung auf Gremium")
        verbose_name_plural = _("Benutzerberechtigungen auf Gremien")


class CommitteeGroupObjectPermission(GroupObjectPermissionBase):
    """A group's object permission on a committee (guardian direct foreign key table)."""

    content_object = models.ForeignKey(
        Committee, verbose_name=_("Gremium"), on_delete=models.CASCADE
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("Gruppenberechtigung auf Gremium")
        verbose_name_plural = _("Gruppenberechtigungen auf Gremien")
