"""Consultation rounds, their sections and documents, invitations, statements, evaluations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from planning_cycle.models import Body, Department, Organisation, PlanningCycle

from .conditions import (
    DEADLINE_AHEAD,
    DISPOSITION_COMPLETE,
    HAS_INVITEES,
    IN_TIME,
    PAST_DEADLINE,
    ROUND_OPEN_OR_CLOSED,
    STATEMENT_COMPLETE,
)
from .states import (
    Disposition,
    EvaluationState,
    InvitationState,
    Position,
    RoundState,
    StatementState,
    SubjectKind,
)
from .storage import private_storage, upload_path

MANAGE = "planning_cycle.consultation_manage"
RESPOND = "planning_cycle.invitation_respond"


class ConsultationRound(ConcurrentTransitionMixin, models.Model):
    """A request for statements on a draft of the body, to invitees, by a deadline."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_rounds",
    )
    title = models.CharField(_("Titel"), max_length=200)
    subject_kind = models.CharField(
        _("Gegenstand"), max_length=30, choices=SubjectKind.choices, default=SubjectKind.OTHER
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    deadline = models.DateField(_("Frist für Stellungnahmen"))
    state = FSMField(
        _("Status"), default=RoundState.DRAFT, choices=RoundState.choices, protected=True
    )
    previous_round = models.ForeignKey(
        "self",
        verbose_name=_("vorheriges Verfahren"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=_("Ein überarbeiteter Entwurf wird in einer weiteren Runde beteiligt."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    opened_at = models.DateTimeField(_("eröffnet am"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Beteiligungsverfahren")
        verbose_name_plural = _("Beteiligungsverfahren")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="round_has_title"),
            models.CheckConstraint(
                condition=~Q(previous_round=F("id")), name="round_not_own_previous"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @transition(
        field=state,
        source=RoundState.DRAFT,
        target=RoundState.OPEN,
        permission=MANAGE,
        conditions=[HAS_INVITEES, DEADLINE_AHEAD],
        custom={"label": _("Verfahren eröffnen und Einladungen versenden")},
    )
    def open(self) -> None:
        """Open the round: the invitations go out."""
        self.opened_at = timezone.now()

    @transition(
        field=state,
        source=RoundState.OPEN,
        target=RoundState.CLOSED,
        permission=MANAGE,
        custom={"label": _("Beteiligung schließen")},
    )
    def close(self) -> None:
        """Close the round for statements (late ones only with an extension)."""

    @transition(
        field=state,
        source=RoundState.CLOSED,
        target=RoundState.EVALUATED,
        permission=MANAGE,
        custom={"label": _("Abwägung abschließen"), "guards": ("round_all_disposed",)},
    )
    def evaluate(self) -> None:
        """Finish the evaluation: every statement has its disposition."""

    @transition(
        field=state,
        source=RoundState.EVALUATED,
        target=RoundState.CONCLUDED,
        permission=MANAGE,
        custom={
            "label": _("Verfahren abschließen und Schlussmitteilungen versenden"),
            "guards": ("round_all_disposed",),
        },
    )
    def conclude(self) -> None:
        """Conclude the round: the evaluation is published, submitters are told."""
        self.concluded_at = timezone.now()

    @transition(
        field=state,
        source=[RoundState.DRAFT, RoundState.OPEN, RoundState.CLOSED],
        target=RoundState.CANCELLED,
        permission=MANAGE,
        custom={"label": _("Verfahren abbrechen"), "comment_required": True},
    )
    def cancel(self) -> None:
        """Cancel the round; its open invitations end."""


class RoundSection(models.Model):
    """A numbered section of the round's draft that statements can refer to."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    round = models.ForeignKey(
        ConsultationRound,
        verbose_name=_("Beteiligungsverfahren"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    number = models.CharField(_("Nummer"), max_length=20)
    title = models.CharField(_("Überschrift"), max_length=200)
    text = models.TextField(_("Text"), blank=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Abschnitt des Entwurfs")
        verbose_name_plural = _("Abschnitte des Entwurfs")
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="section_number_unique"),
            models.CheckConstraint(condition=~Q(number=""), name="section_has_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Invitation(ConcurrentTransitionMixin, models.Model):
    """One invitee of a round: a department of the body or a stakeholder organisation."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    round = models.ForeignKey(
        ConsultationRound,
        verbose_name=_("Beteiligungsverfahren"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_invitations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Beteiligte Organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_invitations",
    )
    state = FSMField(
        _("Status"),
        default=InvitationState.INVITED,
        choices=InvitationState.choices,
        protected=True,
    )
    extension_requested_until = models.DateField(
        _("Verlängerung beantragt bis"), null=True, blank=True
    )
    extended_until = models.DateField(_("Frist verlängert bis"), null=True, blank=True)
    created_at = models.DateTimeField(_("eingeladen am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Einladung zur Stellungnahme")
        verbose_name_plural = _("Einladungen zur Stellungnahme")
        ordering = ["round", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=True, organisation__isnull=False)
                | Q(department__isnull=False, organisation__isnull=True),
                name="invitation_one_invitee",
            ),
            models.UniqueConstraint(
                fields=["round", "department"],
                condition=Q(department__isnull=False),
                name="invitation_department_once",
            ),
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=Q(organisation__isnull=False),
                name="invitation_organisation_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.invitee)

    @property
    def invitee(self) -> Department | Organisation:
        return self.department or self.organisation  # type: ignore[return-value]

    @property
    def deadline(self) -> dt.date:
        """Return this invitee's deadline: its extension, else the round's."""
        return self.extended_until or self.round.deadline

    @transition(
        field=state,
        source=[InvitationState.INVITED, InvitationState.OVERDUE],
        target=InvitationState.EXTENSION_REQUESTED,
        permission=RESPOND,
        conditions=[ROUND_OPEN_OR_CLOSED],
        custom={"label": _("Fristverlängerung beantragen"), "comment_required": True},
    )
    def request_extension(self) -> None:
        """Ask for more time (the date is set by the service, the reason is the comment)."""

    @transition(
        field=state,
        source=InvitationState.EXTENSION_REQUESTED,
        target=InvitationState.INVITED,
        permission=MANAGE,
        custom={"label": _("Fristverlängerung gewähren")},
    )
    def grant_extension(self) -> None:
        """Grant the requested extension."""
        self.extended_until = self.extension_requested_until
        self.extension_requested_until = None

    @transition(
        field=state,
        source=InvitationState.EXTENSION_REQUESTED,
        target=InvitationState.INVITED,
        permission=MANAGE,
        custom={"label": _("Fristverlängerung ablehnen"), "comment_required": True},
    )
    def refuse_extension(self) -> None:
        """Refuse the requested extension, with a reason."""
        self.extension_requested_until = None

    @transition(
        field=state,
        source=[
            InvitationState.INVITED,
            InvitationState.EXTENSION_REQUESTED,
            InvitationState.OVERDUE,
        ],
        target=InvitationState.DECLINED,
        permission=RESPOND,
        conditions=[ROUND_OPEN_OR_CLOSED],
        custom={"label": _("Keine Stellungnahme abgeben (absagen)")},
    )
    def decline(self) -> None:
        """Decline to give a statement."""

    @transition(
        field=state,
        source=[
            InvitationState.INVITED,
            InvitationState.EXTENSION_REQUESTED,
            InvitationState.OVERDUE,
        ],
        target=InvitationState.SUBMITTED,
        permission="planning_cycle.statement_release",
        custom={"label": _("Stellungnahme abgegeben"), "internal": True},
    )
    def submit(self) -> None:
        """Mark the invitation answered (fired by releasing a statement)."""

    @transition(
        field=state,
        source=InvitationState.INVITED,
        target=InvitationState.OVERDUE,
        permission=MANAGE,
        conditions=[PAST_DEADLINE],
        custom={"label": _("Als Frist versäumt markieren")},
    )
    def mark_overdue(self) -> None:
        """Mark the invitation overdue after its deadline passed unanswered."""


class Statement(ConcurrentTransitionMixin, models.Model):
    """A statement (Stellungnahme) of an invitee; released ones never change.

    A correction of a released statement is a new version that `supersedes` it; both are
    kept and shown. A joint statement names its co-signers: it counts for each of them.
    """

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    round = models.ForeignKey(
        ConsultationRound,
        verbose_name=_("Beteiligungsverfahren"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("Einladung"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    # The invitee, copied from the invitation: the scopes its people's roles are held on.
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Beteiligte Organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    co_signers = models.ManyToManyField(
        Invitation,
        verbose_name=_("gemeinsam mit"),
        blank=True,
        related_name="joint_statements",
    )
    section = models.ForeignKey(
        RoundSection,
        verbose_name=_("Abschnitt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
    )
    position = models.CharField(_("Haltung"), max_length=30, choices=Position.choices, blank=True)
    text = models.TextField(_("Stellungnahme"), blank=True)
    state = FSMField(
        _("Status"), default=StatementState.DRAFT, choices=StatementState.choices, protected=True
    )
    version = models.PositiveSmallIntegerField(_("Fassung"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("ersetzt Fassung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zuletzt bearbeitet von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    released_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stellungnahme")
        verbose_name_plural = _("Stellungnahmen")
        ordering = ["round", "invitation", "version", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=True, organisation__isnull=False)
                | Q(department__isnull=False, organisation__isnull=True),
                name="statement_one_invitee",
            ),
            models.CheckConstraint(
                condition=Q(state="draft", released_at__isnull=True)
                | Q(state="released", released_at__isnull=False),
                name="statement_released_iff_stamped",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="statement_version_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Stellungnahme von %(invitee)s") % {"invitee": self.invitee})

    @property
    def invitee(self) -> Department | Organisation:
        return self.department or self.organisation  # type: ignore[return-value]

    @transition(
        field=state,
        source=StatementState.DRAFT,
        target=StatementState.RELEASED,
        permission="planning_cycle.statement_release",
        conditions=[STATEMENT_COMPLETE, ROUND_OPEN_OR_CLOSED, IN_TIME],
        custom={"label": _("Stellungnahme freigeben und abgeben")},
    )
    def release(self) -> None:
        """Release the statement: it is given and never changes again."""
        self.released_at = timezone.now()


class ConsultationFile(models.Model):
    """A document of a round or an attachment of a statement, stored privately.

    Served only through the access gate; its type was checked by content and its SHA-256
    is kept to prove later that it is the file that was given.
    """

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    round = models.ForeignKey(
        ConsultationRound,
        verbose_name=_("Beteiligungsverfahren"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    statement = models.ForeignKey(
        Statement,
        verbose_name=_("Stellungnahme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("Datei"), storage=private_storage, upload_to=upload_path)
    name = models.CharField(_("Dateiname"), max_length=200)
    media_type = models.CharField(_("Dateityp"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(_("SHA-256-Prüfsumme"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hochgeladen von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)

    class Meta:
        verbose_name = _("Datei")
        verbose_name_plural = _("Dateien")
        ordering = ["round", "statement", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="file_not_empty"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="file_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Evaluation(ConcurrentTransitionMixin, models.Model):
    """The weighing (Abwägung) of one statement by its evaluator: disposition and reason."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    round = models.ForeignKey(
        ConsultationRound,
        verbose_name=_("Beteiligungsverfahren"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    statement = models.OneToOneField(
        Statement,
        verbose_name=_("Stellungnahme"),
        on_delete=models.CASCADE,
        related_name="evaluation",
    )
    # The evaluating department; none: the strategy unit weighs the statement itself.
    department = models.ForeignKey(
        Department,
        verbose_name=_("abwägende Organisationseinheit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_evaluations",
    )
    state = FSMField(
        _("Status"),
        default=EvaluationState.ASSIGNED,
        choices=EvaluationState.choices,
        protected=True,
    )
    disposition = models.CharField(
        _("Abwägungsergebnis"), max_length=20, choices=Disposition.choices, blank=True
    )
    reason = models.TextField(_("Begründung der Abwägung"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zugewiesen von"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("zugewiesen am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Abwägung")
        verbose_name_plural = _("Abwägungen")
        ordering = ["round", "statement", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="assigned") | (~Q(disposition="") & ~Q(reason="")),
                name="evaluation_recorded_has_disposition",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Abwägung zu %(statement)s") % {"statement": self.statement})

    @transition(
        field=state,
        source=EvaluationState.ASSIGNED,
        target=EvaluationState.RECORDED,
        permission="planning_cycle.disposition_record",
        conditions=[DISPOSITION_COMPLETE, ROUND_OPEN_OR_CLOSED],
        custom={"label": _("Abwägung festhalten")},
    )
    def record(self) -> None:
        """Record the disposition and its reason."""

    @transition(
        field=state,
        source=EvaluationState.RECORDED,
        target=EvaluationState.ASSIGNED,
        permission=MANAGE,
        conditions=[ROUND_OPEN_OR_CLOSED],
        custom={"label": _("Abwägung erneut öffnen"), "comment_required": True},
    )
    def reopen(self) -> None:
        """Open the disposition for rework, with a reason."""


class FinalNotice(models.Model):
    """That a submitter was sent the final notice (Schlussmitteilung) of a round: once each."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    round = models.ForeignKey(
        ConsultationRound,
        verbose_name=_("Beteiligungsverfahren"),
        on_delete=models.CASCADE,
        related_name="final_notices",
    )
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("Einladung"),
        on_delete=models.CASCADE,
        related_name="final_notices",
    )
    created_at = models.DateTimeField(_("veranlasst am"), default=timezone.now)

    class Meta:
        verbose_name = _("Schlussmitteilung")
        verbose_name_plural = _("Schlussmitteilungen")
        ordering = ["round", "invitation"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "invitation"], name="final_notice_once_per_submitter"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Schlussmitteilung an %(invitee)s") % {"invitee": self.invitation})
