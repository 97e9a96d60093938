"""Bodies (the tenants), their users, departments and role assignments."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from planning_cycle.permissions import WORKFLOW_PERMISSIONS


class BodyKind(models.TextChoices):
    LANDKREIS = "landkreis", _("Landkreis")
    KREIS = "kreis", _("Kreis")
    STADT = "stadt", _("Stadt")
    GEMEINDE = "gemeinde", _("Gemeinde")


class Body(models.Model):
    """A local government (Kommune); every other row belongs to exactly one."""

    key = models.SlugField(_("Kennung"), max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=BodyKind.choices)
    state = models.CharField(
        _("Bundesland"), max_length=2, help_text=_("Kürzel des Landes, z. B. NI oder NW")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]
        permissions = WORKFLOW_PERMISSIONS

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person acting for one body; platform administrators have no body."""

    body = models.ForeignKey(
        Body,
        verbose_name=_("Kommune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("Benutzer")  # type: ignore[assignment]
        verbose_name_plural = _("Benutzer")  # type: ignore[assignment]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Department(models.Model):
    """An organisational unit (Fachbereich, Fachdienst, Amt) in a body's tree."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="departments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnete Einheit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("Kürzel"), max_length=30)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    takes_part = models.BooleanField(
        _("nimmt am Zyklus teil"),
        default=True,
        help_text=_("Legt Zielbilanzierung und Planung im Planungszyklus vor."),
    )

    class Meta:
        verbose_name = _("Organisationseinheit")
        verbose_name_plural = _("Organisationseinheiten")
        ordering = ["body", "code"]
        permissions = WORKFLOW_PERMISSIONS
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="department_code_unique"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="department_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Role(models.TextChoices):
    MANAGEMENT = "management", _("Verwaltungsleitung")
    STRATEGY_UNIT = "strategy_unit", _("Strategische Steuerung")
    DEPARTMENT_HEAD = "department_head", _("Fachbereichs-/Fachdienstleitung")
    DEPARTMENT_EDITOR = "department_editor", _("Sachbearbeitung im Fachdienst")
    COMMITTEE_SECRETARY = "committee_secretary", _("Schriftführung")
    COUNCIL_MEMBER = "council_member", _("Kreistags-/Ratsmitglied")
    EXTERNAL_STAKEHOLDER = "external_stakeholder", _("Externe Beteiligte")


DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.DEPARTMENT_EDITOR})


class RoleAssignment(models.Model):
    """A user's role in their body, for department roles in one department."""

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    user = models.ForeignKey(
        User, verbose_name=_("Benutzer"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("Rolle"), max_length=30, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    granted_at = models.DateTimeField(_("vergeben am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Rollenzuweisung")
        verbose_name_plural = _("Rollenzuweisungen")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(DEPARTMENT_ROLES), department__isnull=False)
                    | (~Q(role__in=sorted(DEPARTMENT_ROLES)) & Q(department__isnull=True))
                ),
                name="role_department_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(department__isnull=True),
                name="role_body_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                condition=Q(department__isnull=False),
                name="role_department_unique",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.department.code})" if self.department is not None else ""
        return f"{self.user}: {self.get_role_display()}{suffix}"


class BodyUserObjectPermission(UserObjectPermissionBase):
    """A user's object permission on a body (guardian direct foreign key table)."""

    content_object = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("Benutzerberechtigung auf Kommune")
        verbose_name_plural = _("Benutzerberechtigungen auf Kommunen")


class BodyGroupObjectPermission(GroupObjectPermissionBase):
    """A group's object permission on a body (guardian direct foreign key table)."""

    content_object = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("Gruppenberechtigung auf Kommune")
        verbose_name_plural = _("Gruppenberechtigungen auf Kommunen")


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    """A user's object permission on a department (guardian direct foreign key table)."""

    content_object = models.ForeignKey(
        Department, verbose_name=_("Organisationseinheit"), on_delete=models.CASCADE
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("Benutzerberechtigung auf Organisationseinheit")
        verbose_name_plural = _("Benutzerberechtigungen auf Organisationseinheiten")


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    """A group's object permission on a department (guardian direct foreign key table)."""

    content_object = models.ForeignKey(
        Department, verbose_name=_("Organisationseinheit"), on_delete=models.CASCADE
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("Gruppenberechtigung auf Organisationseinheit")
        verbose_name_plural = _("Gruppenberechtigungen auf Organisationseinheiten")
