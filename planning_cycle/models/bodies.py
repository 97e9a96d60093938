"""Bodies (the tenants), their users, departments and role assignments."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from planning_cycle.permissions import WORKFLOW_PERMISSIONS, roles_held_on


class BodyKind(models.TextChoices):
    LANDKREIS = "landkreis", _("Landkreis")
    KREIS = "kreis", _("Kreis")
    STADT = "stadt", _("Stadt")
    GEMEINDE = "gemeinde", _("Gemeinde")


class ReportingPeriod(models.TextChoices):
    """How often a body reports indicator actuals: the periods open besides the year."""

    YEAR = "year", _("jährlich")
    HALF_YEAR = "half_year", _("halbjährlich")
    QUARTER = "quarter", _("vierteljährlich")


class Body(models.Model):
    """A local government (Kommune); every other row belongs to exactly one."""

    key = models.SlugField(_("Kennung"), max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=BodyKind.choices)
    state = models.CharField(
        _("Bundesland"), max_length=2, help_text=_("Kürzel des Landes, z. B. NI oder NW")
    )
    reporting_period = models.CharField(
        _("Berichtszeitraum"),
        max_length=10,
        choices=ReportingPeriod.choices,
        default=ReportingPeriod.YEAR,
        help_text=_("Wie oft Istwerte der Kennzahlen berichtet werden."),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

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
    COMMITTEE_SECRETARY = "committee_secretary", _("Sitzungsdienst")
    COMMITTEE_CLERK = "committee_clerk", _("Schriftführung eines Gremiums")
    COUNCIL_MEMBER = "council_member", _("Kreistags-/Ratsmitglied")
    EXTERNAL_STAKEHOLDER = "external_stakeholder", _("Externe Beteiligte")


BODY_ROLES = roles_held_on("body")
DEPARTMENT_ROLES = frozenset(roles_held_on("department"))
ORGANISATION_ROLES = frozenset(roles_held_on("organisation"))
COMMITTEE_ROLES = frozenset(roles_held_on("committee"))


class RoleAssignment(models.Model):
    """A user's role, held on one scope object of their body (the body, a department, …).

    Which scope kind a role is held on and what it grants there is the role table
    (`planning_cycle.permissions.ROLE_TABLE`); the scope kinds are registered in
    `planning_cycle.scopes`.
    """

    body = models.ForeignKey(
        Body, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    user = models.ForeignKey(
        User, verbose_name=_("Benutzer"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("Rolle"), max_length=30, choices=Role.choices)
    scope_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Art des Geltungsbereichs"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_id = models.PositiveBigIntegerField(_("ID des Geltungsbereichs"))
    scope = GenericForeignKey("scope_type", "scope_id")
    # Set for roles held on a department (then equal to scope_id): deleting a department
    # deletes its roles in the database, and the deadline audiences join on it.
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    # Likewise for roles held on a committee (its secretaries).
    committee = models.ForeignKey(
        "planning_cycle.Committee",
        verbose_name=_("Gremium"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    # Likewise for roles held on a stakeholder organisation (its contact people).
    organisation = models.ForeignKey(
        "planning_cycle.Organisation",
        verbose_name=_("Beteiligte Organisation"),
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
            models.UniqueConstraint(
                fields=["user", "role", "scope_type", "scope_id"], name="role_assignment_unique"
            ),
            # The scope kind of each role is the role table's; the content type is the
            # service's to set (its id is not known when the constraint is written).
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=BODY_ROLES,
                        department__isnull=True,
                        organisation__isnull=True,
                        committee__isnull=True,
                        scope_id=F("body_id"),
                    )
                    | Q(
                        role__in=sorted(DEPARTMENT_ROLES),
                        department__isnull=False,
                        organisation__isnull=True,
                        committee__isnull=True,
                        scope_id=F("department_id"),
                    )
                    | Q(
                        role__in=sorted(ORGANISATION_ROLES),
                        department__isnull=True,
                        organisation__isnull=False,
                        committee__isnull=True,
                        scope_id=F("organisation_id"),
                    )
                    | Q(
                        role__in=sorted(COMMITTEE_ROLES),
                        department__isnull=True,
                        organisation__isnull=True,
                        committee__isnull=False,
                        scope_id=F("committee_id"),
                    )
                    | (
                        ~Q(
                            role__in=[
                                *BODY_ROLES,
                                *sorted(DEPARTMENT_ROLES),
                                *sorted(ORGANISATION_ROLES),
                                *sorted(COMMITTEE_ROLES),
                            ]
                        )
                        & Q(
                            department__isnull=True,
                            organisation__isnull=True,
                            committee__isnull=True,
                        )
                    )
                ),
                name="role_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.department.code})" if self.department is not None else ""
        if self.organisation is not None:
            suffix = f" ({self.organisation})"
        if self.committee is not None:
            suffix = f" ({self.committee})"
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
