"""Per department and cycle: the goal review and the goal and budget plan."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from planning_cycle.models import Body, Department, Phase, PlanningCycle
from workflows.conditions import in_phase

from .states import PlanState, ReviewState

IN_GOAL_REVIEW = in_phase(Phase.GOAL_REVIEW)
IN_PLANNING = in_phase(Phase.PLANNING)


class DepartmentSubmission(ConcurrentTransitionMixin, models.Model):
    """What a department's review and plan share: one per department and cycle, a text.

    Each subclass declares its cycle and department (their reverse names differ), its
    states, its text and its transitions with their own permissions and phase.
    """

    body = models.ForeignKey(Body, verbose_name=_("Kommune"), on_delete=models.CASCADE)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    cycle: models.ForeignKey[PlanningCycle, PlanningCycle]
    department: models.ForeignKey[Department, Department]
    title: str

    class Meta:
        abstract = True
        ordering = ["cycle", "department__code"]

    def __str__(self) -> str:
        return f"{self.title} {self.department.code} {self.cycle.year}"


class DepartmentReview(DepartmentSubmission):
    """A department's goal review (Zielbilanzierung) of the past year."""

    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    state = FSMField(
        _("Status"), default=ReviewState.DRAFT, choices=ReviewState.choices, protected=True
    )
    summary = models.TextField(_("Bilanz"), blank=True)

    class Meta(DepartmentSubmission.Meta):
        verbose_name = _("Zielbilanzierung")
        verbose_name_plural = _("Zielbilanzierungen")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "department"], name="review_unique"),
        ]

    @property
    def title(self) -> str:  # type: ignore[override]
        return str(_("Zielbilanzierung"))

    @transition(
        field=state,
        source=[ReviewState.DRAFT, ReviewState.RETURNED],
        target=ReviewState.SUBMITTED,
        permission="planning_cycle.review_submit",
        conditions=[IN_GOAL_REVIEW],
        custom={"label": _("Einreichen")},
    )
    def submit(self) -> None:
        """Submit the review to management."""

    @transition(
        field=state,
        source=ReviewState.SUBMITTED,
        target=ReviewState.RETURNED,
        permission="planning_cycle.review_decide",
        conditions=[IN_GOAL_REVIEW],
        custom={"label": _("Zurückgeben"), "comment_required": True},
    )
    def return_(self) -> None:
        """Return the review to the department for rework."""

    @transition(
        field=state,
        source=ReviewState.SUBMITTED,
        target=ReviewState.ACCEPTED,
        permission="planning_cycle.review_decide",
        conditions=[IN_GOAL_REVIEW],
        custom={"label": _("Annehmen")},
    )
    def accept(self) -> None:
        """Accept the review."""


class DepartmentPlan(DepartmentSubmission):
    """A department's goal and budget plan for the coming year."""

    cycle = models.ForeignKey(
        PlanningCycle,
        verbose_name=_("Planungszyklus"),
        on_delete=models.CASCADE,
        related_name="plans",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("Organisationseinheit"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    state = FSMField(
        _("Status"), default=PlanState.DRAFT, choices=PlanState.choices, protected=True
    )
    summary = models.TextField(_("Planung"), blank=True)

    class Meta(DepartmentSubmission.Meta):
        verbose_name = _("Ziel- und Haushaltsplanung")
        verbose_name_plural = _("Ziel- und Haushaltsplanungen")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "department"], name="plan_unique"),
        ]

    @property
    def title(self) -> str:  # type: ignore[override]
        return str(_("Planung"))

    @transition(
        field=state,
        source=[PlanState.DRAFT, PlanState.RETURNED],
        target=PlanState.SUBMITTED,
        permission="planning_cycle.plan_submit",
        conditions=[IN_PLANNING],
        # Over its budget ceiling a plan may still go in: the department is warned first.
        custom={"label": _("Einreichen"), "warnings": ("budget_ceiling",)},
    )
    def submit(self) -> None:
        """Submit the plan to management."""

    @transition(
        field=state,
        source=PlanState.SUBMITTED,
        target=PlanState.RETURNED,
        permission="planning_cycle.plan_decide",
        conditions=[IN_PLANNING],
        custom={"label": _("Zurückgeben"), "comment_required": True},
    )
    def return_(self) -> None:
        """Return the plan to the department for rework."""

    @transition(
        field=state,
        source=PlanState.SUBMITTED,
        target=PlanState.APPROVED,
        permission="planning_cycle.plan_decide",
        conditions=[IN_PLANNING],
        custom={"label": _("Genehmigen")},
    )
    def approve(self) -> None:
        """Approve the plan."""
