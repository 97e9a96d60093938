"""The goal agreement per operative goal, department and cycle."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from planning_cycle.models import Body, Department, OperativeGoal, PlanningCycle
from workflows.conditions import RequiredAnswers

from .states import OPEN_AGREEMENT_STATES, REPORTED_AGREEMENT_STATES, AgreementState, Outcome

S = AgreementState

# What management decides on: the effects sought and the programmes, processes and
# resources to reach them. The balance (Bilanz) may stay empty: a goal agreed on for the
# first time has nothing achieved yet to look back on.
ANSWERS_REQUIRED_FOR_SUBMISSION = RequiredAnswers("effects", "programmes", "processes", "resources")


class GoalAgreement(ConcurrentTransitionMixin, models.Model):
    """What a department agrees to achieve for an operative goal in one cycle."""

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.CASCADE,
        related_name="agreements",
    )
    operative_goal = models.ForeignKey(
        OperativeGoal,
        verbose_name=_("Operatives Ziel"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    state = FSMField(_("Status"), default=S.PROPOSED, choices=S.choices, protected=True)
    outcome = models.CharField(
        _("Zielerreichung"), max_length=20, choices=Outcome.choices, blank=True
    )
    # The five questions of a goal agreement (Kreis Soest).
    balance = models.TextField(_("Was war bisher? (Bilanz)"), blank=True)
    effects = models.TextField(_("Was wollen wir erreichen? (Wirkungen)"), blank=True)
    programmes = models.TextField(_("Was müssen wir dafür tun? (Programme, Produkte)"), blank=True)
    processes = models.TextField(_("Wie müssen wir es tun? (Prozesse, Strukturen)"), blank=True)
    resources = models.TextField(_("Was müssen wir dafür einsetzen? (Geld, Personal)"), blank=True)
    carried_over_from = models.OneToOneField(
        "self",
        verbose_name=_("übertragen aus"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
    )
    # The day the council met and resolved it (set with the resolution of its paper).
    council_resolved_on = models.DateField(
        _("vom Kreistag/Rat beschlossen am"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Zielvereinbarung")
        verbose_name_plural = _("Zielvereinbarungen")
        ordering = ["cycle", "operative_goal__position", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "operative_goal", "department"], name="agreement_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=list(REPORTED_AGREEMENT_STATES))
                | models.Q(outcome=models.F("state")),
                name="agreement_outcome_matches_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operative_goal.number} / {self.department.code} / {self.cycle.year}"

    @transition(
        field=state,
        source=[S.PROPOSED, S.RETURNED],
        target=S.SUBMITTED,
        permission="planning_cycle.agreement_submit",
        conditions=[ANSWERS_REQUIRED_FOR_SUBMISSION],
        custom={"label": _("Einreichen")},
    )
    def submit(self) -> None:
        """Submit the proposal to management."""

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.RETURNED,
        permission="planning_cycle.agreement_decide",
        custom={"label": _("Zurückgeben"), "comment_required": True},
    )
    def return_(self) -> None:
        """Return the proposal for rework."""

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.APPROVED,
        permission="planning_cycle.agreement_decide",
        custom={"label": _("Billigen")},
    )
    def approve(self) -> None:
        """Approve the proposal for the retreat."""

    @transition(
        field=state,
        source=S.APPROVED,
        target=S.ADOPTED,
        permission="planning_cycle.agreement_prioritise",
        custom={"label": _("Klausur: übernommen")},
    )
    def adopt(self) -> None:
        """Record that the retreat adopted the goal."""

    @transition(
        field=state,
        source=S.APPROVED,
        target=S.CHANGED,
        permission="planning_cycle.agreement_prioritise",
        custom={"label": _("Klausur: geändert übernommen"), "comment_required": True},
    )
    def change(self) -> None:
        """Record that the retreat adopted the goal with changes."""

    @transition(
        field=state,
        source=S.APPROVED,
        target=S.DEFERRED,
        permission="planning_cycle.agreement_prioritise",
        custom={"label": _("Klausur: zurückgestellt")},
    )
    def defer(self) -> None:
        """Record that the retreat deferred the goal."""

    @transition(
        field=state,
        source=S.APPROVED,
        target=S.DROPPED,
        permission="planning_cycle.agreement_prioritise",
        custom={"label": _("Klausur: verworfen"), "comment_required": True},
    )
    def drop(self) -> None:
        """Record that the retreat dropped the goal."""

    @transition(
        field=state,
        source=[S.ADOPTED, S.CHANGED],
        target=S.RESOLVED,
        permission="planning_cycle.agreement_resolve",
        custom={"label": _("Beschluss erfassen")},
    )
    def resolve(self) -> None:
        """Record the council's resolution."""

    @transition(
        field=state,
        source=S.RESOLVED,
        target=S.IN_IMPLEMENTATION,
        permission="planning_cycle.agreement_implement",
        custom={"label": _("Umsetzung beginnen")},
    )
    def start(self) -> None:
        """Start implementing the agreement."""

    @transition(
        field=state,
        source=S.IN_IMPLEMENTATION,
        target=S.ACHIEVED,
        permission="planning_cycle.agreement_implement",
        custom={"label": _("Ziel erreicht")},
    )
    def report_achieved(self) -> None:
        """Report the goal as achieved."""
        self.outcome = Outcome.ACHIEVED

    @transition(
        field=state,
        source=S.IN_IMPLEMENTATION,
        target=S.PARTLY_ACHIEVED,
        permission="planning_cycle.agreement_implement",
        custom={"label": _("Ziel teilweise erreicht"), "comment_required": True},
    )
    def report_partly_achieved(self) -> None:
        """Report the goal as partly achieved."""
        self.outcome = Outcome.PARTLY_ACHIEVED

    @transition(
        field=state,
        source=S.IN_IMPLEMENTATION,
        target=S.NOT_ACHIEVED,
        permission="planning_cycle.agreement_implement",
        custom={"label": _("Ziel nicht erreicht"), "comment_required": True},
    )
    def report_not_achieved(self) -> None:
        """Report the goal as not achieved."""
        self.outcome = Outcome.NOT_ACHIEVED

    @transition(
        field=state,
        source=S.IN_IMPLEMENTATION,
        target=S.CARRIED_OVER,
        permission="planning_cycle.agreement_implement",
        custom={"label": _("In den nächsten Zyklus übertragen"), "comment_required": True},
    )
    def report_carried_over(self) -> None:
        """Report that the goal continues in the next cycle."""
        self.outcome = Outcome.CARRIED_OVER

    @transition(
        field=state,
        source=[*REPORTED_AGREEMENT_STATES, S.DEFERRED, S.DROPPED],
        target=S.CLOSED,
        permission="planning_cycle.agreement_close",
        custom={"label": _("Abschließen")},
    )
    def close(self) -> None:
        """Close the agreement after its review."""

    @transition(
        field=state,
        source=list(OPEN_AGREEMENT_STATES),
        target=S.WITHDRAWN,
        permission="planning_cycle.agreement_withdraw",
        custom={"label": _("Zurückziehen"), "comment_required": True},
    )
    def withdraw(self) -> None:
        """Withdraw the agreement."""
