"""Stakeholder organisations a body asks for statements, and their contact people's roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from planning_cycle.permissions import WORKFLOW_PERMISSIONS

from .bodies import Body


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Gemeinde / Stadt im Kreisgebiet")
    DISTRICT = "district", _("Nachbarkreis / andere Kommune")
    WELFARE = "welfare", _("Wohlfahrtsverband")
    PROVIDER = "provider", _("Träger")
    ASSOCIATION = "association", _("Verband / Kammer")
    AUTHORITY = "authority", _("Behörde")
    OTHER = "other", _("Sonstige")


class Organisation(models.Model):
    """An outside body a body consults (Gemeinde, Träger, Verband); its people answer for it.

    Its contact people are users of the body holding the external stakeholder role on it:
    they see only their organisation's invitations and statements.
    """

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(
        _("Art"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    email = models.EmailField(_("E-Mail-Adresse der Organisation"), blank=True)
    address = models.TextField(_("Anschrift"), blank=True)
    # Some organisations let one person draft and require another to release a statement.
    second_person_release = models.BooleanField(
        _("Freigabe durch eine zweite Person"),
        default=False,
        help_text=_(
            "Eine Stellungnahme muss von einer anderen Person freigegeben werden als der, "
            "die sie zuletzt bearbeitet hat."
        ),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Beteiligte Organisation")
        verbose_name_plural = _("Beteiligte Organisationen")
        ordering = ["body", "name"]
        permissions = WORKFLOW_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="organisation_name_unique"),
            models.CheckConstraint(condition=~models.Q(name=""), name="organisation_has_name"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """A user's object permission on an organisation (guardian direct foreign key table)."""

    content_object = models.ForeignKey(
        Organisation, verbose_name=_("Beteiligte Organisation"), on_delete=models.CASCADE
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("Benutzerberechtigung auf Organisation")
        verbose_name_plural = _("Benutzerberechtigungen auf Organisationen")


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    """A group's object permission on an organisation (guardian direct foreign key table)."""

    content_object = models.ForeignKey(
        Organisation, verbose_name=_("Beteiligte Organisation"), on_delete=models.CASCADE
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("Gruppenberechtigung auf Organisation")
        verbose_name_plural = _("Gruppenberechtigungen auf Organisationen")
