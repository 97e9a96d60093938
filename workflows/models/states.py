"""The states of the department review, department plan and goal agreement."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("eingereicht")
    RETURNED = "returned", _("zurückgegeben")
    ACCEPTED = "accepted", _("angenommen")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("eingereicht")
    RETURNED = "returned", _("zurückgegeben")
    APPROVED = "approved", _("genehmigt")


class AgreementState(models.TextChoices):
    PROPOSED = "proposed", _("vorgeschlagen")
    SUBMITTED = "submitted", _("eingereicht")
    RETURNED = "returned", _("zurückgegeben")
    APPROVED = "approved", _("von der Verwaltungsleitung gebilligt")
    ADOPTED = "adopted", _("in der Klausur übernommen")
    CHANGED = "changed", _("in der Klausur geändert übernommen")
    DEFERRED = "deferred", _("in der Klausur zurückgestellt")
    DROPPED = "dropped", _("in der Klausur verworfen")
    RESOLVED = "resolved", _("beschlossen")
    IN_IMPLEMENTATION = "in_implementation", _("in Umsetzung")
    ACHIEVED = "achieved", _("erreicht")
    PARTLY_ACHIEVED = "partly_achieved", _("teilweise erreicht")
    NOT_ACHIEVED = "not_achieved", _("nicht erreicht")
    CARRIED_OVER = "carried_over", _("übertragen")
    CLOSED = "closed", _("abgeschlossen")
    WITHDRAWN = "withdrawn", _("zurückgezogen")


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", _("erreicht")
    PARTLY_ACHIEVED = "partly_achieved", _("teilweise erreicht")
    NOT_ACHIEVED = "not_achieved", _("nicht erreicht")
    CARRIED_OVER = "carried_over", _("übertragen")


OPEN_AGREEMENT_STATES = (
    AgreementState.PROPOSED,
    AgreementState.SUBMITTED,
    AgreementState.RETURNED,
    AgreementState.APPROVED,
    AgreementState.ADOPTED,
    AgreementState.CHANGED,
    AgreementState.DEFERRED,
    AgreementState.RESOLVED,
    AgreementState.IN_IMPLEMENTATION,
)
REPORTED_AGREEMENT_STATES = (
    AgreementState.ACHIEVED,
    AgreementState.PARTLY_ACHIEVED,
    AgreementState.NOT_ACHIEVED,
    AgreementState.CARRIED_OVER,
)
