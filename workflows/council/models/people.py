"""Legislative terms, meeting places, the people of the committees and their memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Body, Committee


class LegislativeTerm(models.Model):
    """A council's term (Wahlperiode), e.g. 2021-2026."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    name = models.CharField(_("Bezeichnung"), max_length=100)
    start_date = models.DateField(_("Beginn"))
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Wahlperiode")
        verbose_name_plural = _("Wahlperioden")
        ordering = ["body", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="term_name_unique"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="term_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """Where meetings take place (OParl: Location)."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    description = models.CharField(_("Bezeichnung"), max_length=200)
    room = models.CharField(_("Raum"), max_length=100, blank=True)
    street_address = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    locality = models.CharField(_("Ort"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Sitzungsort")
        verbose_name_plural = _("Sitzungsorte")
        ordering = ["body", "description"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="location_has_description"),
            models.UniqueConstraint(fields=["body", "description", "room"], name="location_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.description}, {self.room}" if self.room else self.description


class Person(models.Model):
    """A member of a committee; published only with their consent."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    # A council member who logs in sees the non-public papers of their committees.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzerkonto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_person",
    )
    form_of_address = models.CharField(_("Anrede"), max_length=40, blank=True)
    title = models.CharField(_("Titel"), max_length=40, blank=True)
    given_name = models.CharField(_("Vorname"), max_length=100)
    family_name = models.CharField(_("Nachname"), max_length=100)
    public_consent = models.BooleanField(
        _("Veröffentlichung erlaubt"),
        default=False,
        help_text=_("Name und Mitgliedschaften erscheinen nur mit Einwilligung öffentlich."),
    )
    deleted = models.BooleanField(_("gelöscht"), default=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["body", "family_name", "given_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(family_name=""), name="person_has_family_name"),
            # A namesake is refused; a deleted person's name can be given again.
            models.UniqueConstraint(
                fields=["body", "given_name", "family_name", "title"],
                condition=Q(deleted=False),
                name="person_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.title, self.given_name, self.family_name) if p)


class Membership(models.Model):
    """A person's seat in a committee, with its role and time."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="memberships"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("Gremium"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("Funktion"), max_length=100, default="Mitglied")
    voting_right = models.BooleanField(_("stimmberechtigt"), default=True)
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    deleted = models.BooleanField(_("gelöscht"), default=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["committee", "person"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="membership_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.committee}: {self.role})"
