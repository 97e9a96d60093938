"""The states and choices of rounds, invitations, statements and evaluations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    OPEN = "open", _("offen für Stellungnahmen")
    CLOSED = "closed", _("geschlossen")
    EVALUATED = "evaluated", _("abgewogen")
    CONCLUDED = "concluded", _("abgeschlossen")
    CANCELLED = "cancelled", _("abgebrochen")


class InvitationState(models.TextChoices):
    INVITED = "invited", _("eingeladen")
    EXTENSION_REQUESTED = "extension_requested", _("Fristverlängerung beantragt")
    SUBMITTED = "submitted", _("Stellungnahme abgegeben")
    DECLINED = "declined", _("abgesagt")
    OVERDUE = "overdue", _("Frist versäumt")


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    RELEASED = "released", _("freigegeben")


class EvaluationState(models.TextChoices):
    ASSIGNED = "assigned", _("zur Abwägung zugewiesen")
    RECORDED = "recorded", _("abgewogen")


class Position(models.TextChoices):
    AGREEMENT = "agreement", _("Zustimmung")
    AGREEMENT_WITH_CHANGES = "agreement_with_changes", _("Zustimmung mit Änderungen")
    REJECTION = "rejection", _("Ablehnung")
    NO_COMMENT = "no_comment", _("keine Äußerung")


class Disposition(models.TextChoices):
    TAKEN = "taken", _("berücksichtigt")
    PARTLY = "partly", _("teilweise berücksichtigt")
    NOT_TAKEN = "not_taken", _("nicht berücksichtigt")
    NOTED = "noted", _("zur Kenntnis genommen")


class SubjectKind(models.TextChoices):
    GOAL_CATALOG = "goal_catalog", _("Zielkatalog (Entwurf)")
    CONCEPT = "concept", _("Konzept")
    DEPARTMENT_PLAN = "department_plan", _("Planung eines Fachdienstes")
    COUNCIL_PAPER = "council_paper", _("Entwurf einer Vorlage")
    OTHER = "other", _("Sonstiges")


# The invitations still waiting for an answer (the completion board's "open").
OPEN_INVITATION_STATES = (
    InvitationState.INVITED,
    InvitationState.EXTENSION_REQUESTED,
    InvitationState.OVERDUE,
)
