"""The states and choices of meetings, papers and their consultation steps."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("terminiert")
    INVITED = "invited", _("eingeladen")
    HELD = "held", _("durchgeführt")
    # "abgesagt" is also a declined invitation: English tells the two apart.
    CANCELLED = "cancelled", pgettext_lazy("meeting", "abgesagt")


class PaperType(models.TextChoices):
    RESOLUTION = "resolution", _("Beschlussvorlage")
    INFORMATION = "information", _("Informationsvorlage")
    COMMUNICATION = "communication", _("Mitteilungsvorlage")
    MOTION = "motion", _("Antrag")


class StepRole(models.TextChoices):
    # What the committee does with the paper (OParl: Consultation.role).
    PRE_DELIBERATION = "pre_deliberation", _("Vorberatung")
    DECISION = "decision", _("Entscheidung")
    NOTICE = "notice", _("Kenntnisnahme")
    HEARING = "hearing", _("Anhörung")


class StepState(models.TextChoices):
    PLANNED = "planned", _("geplant")
    SCHEDULED = "scheduled", _("auf der Tagesordnung")
    RECORDED = "recorded", _("Ergebnis erfasst")


class StepResult(models.TextChoices):
    RECOMMENDED = "recommended", _("empfohlen")
    DECIDED = "decided", _("beschlossen")
    DECIDED_WITH_CHANGES = "decided_with_changes", _("mit Änderungen beschlossen")
    REJECTED = "rejected", _("abgelehnt")
    DEFERRED = "deferred", _("vertagt")
    NOTED = "noted", _("zur Kenntnis genommen")
    WITHDRAWN = "withdrawn", _("zurückgezogen")


class ResolutionStatus(models.TextChoices):
    # The paper's status: the result of its deciding step(s).
    PENDING = "pending", _("in Beratung")
    DECIDED = "decided", _("beschlossen")
    DECIDED_WITH_CHANGES = "decided_with_changes", _("mit Änderungen beschlossen")
    REJECTED = "rejected", _("abgelehnt")
    NOTED = "noted", _("zur Kenntnis genommen")
    WITHDRAWN = "withdrawn", _("zurückgezogen")


class FileRole(models.TextChoices):
    MAIN = "main", _("Hauptdokument")
    ATTACHMENT = "attachment", _("Anlage")


class CyclePaper(models.TextChoices):
    # The cycle phases that wait for a council paper's decision.
    COUNCIL_RESOLUTION = "council_resolution", _("Zielbeschluss (Beratung und Beschluss)")
    BUDGET_RESOLUTION = "budget_resolution", _("Haushaltsbeschluss")


class RetreatOutcome(models.TextChoices):
    ADOPT = "adopt", _("übernehmen")
    CHANGE = "change", _("ändern")
    DEFER = "defer", _("zurückstellen")
    DROP = "drop", _("streichen")


# A result that ends a step (a deferral puts it back to be planned).
FINAL_RESULTS = tuple(r for r in StepResult.values if r != StepResult.DEFERRED)
