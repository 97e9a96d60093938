"""The declarations of the department review and the department plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Department, Phase, PlanningCycle
from planning_cycle.services.actual_locks import actuals_lock_register
from planning_cycle.services.cycles import on_cycle_opened
from workflows.conditions import warning_register
from workflows.guards import guard_register
from workflows.models import DepartmentPlan, DepartmentReview, PlanState, ReviewState
from workflows.registry import Task, Workflow, workflow_objects_created, workflow_register

from .actual_locks import review_locks
from .budgets import plan_ceiling_warning
from .guards import all_plans_approved, all_reviews_accepted

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# What the phase conditions read, loaded with the lock: the cycle's phase as one column.
CYCLE_PHASE = {"locked_cycle_phase": F("cycle__phase")}
RELATED = ("cycle", "department")


def submissions_open(cycle: PlanningCycle, departments: list[Department]) -> None:
    """Create each taking-part department's review and plan of a new cycle."""
    reviews = DepartmentReview.objects.bulk_create(
        DepartmentReview(body_id=cycle.body_id, cycle=cycle, department=d) for d in departments
    )
    plans = DepartmentPlan.objects.bulk_create(
        DepartmentPlan(body_id=cycle.body_id, cycle=cycle, department=d) for d in departments
    )
    # Each review and plan is a department's task from the start: open its deadline.
    workflow_objects_created([*reviews, *plans])


def register() -> None:
    """Declare the review's and the plan's workflows; a new cycle creates their objects."""
    on_cycle_opened(submissions_open)
    actuals_lock_register(review_locks)
    guard_register("all_reviews_accepted", all_reviews_accepted)
    guard_register("all_plans_approved", all_plans_approved)
    warning_register("budget_ceiling", plan_ceiling_warning)
    workflow_register(
        _submission(
            DepartmentReview,
            slug="zielbilanzierung",
            name="review",
            states=ReviewState,
            api=("reviews", "department-review", "Review"),
            phase=Phase.GOAL_REVIEW,
            not_editable_message=_(
                "Die Zielbilanzierung ist %(state)s und kann nicht mehr bearbeitet werden."
            ),
            saved_message=_("Die Zielbilanzierung wurde gespeichert."),
            prepare_label=_(
                "Zielbilanzierung vorbereiten (Einreichen durch die Fachdienstleitung)"
            ),
        )
    )
    workflow_register(
        _submission(
            DepartmentPlan,
            slug="planung",
            name="plan",
            states=PlanState,
            api=("plans", "department-plan", "Plan"),
            phase=Phase.PLANNING,
            not_editable_message=_(
                "Die Ziel- und Haushaltsplanung ist %(state)s und kann nicht mehr bearbeitet "
                "werden."
            ),
            saved_message=_("Die Ziel- und Haushaltsplanung wurde gespeichert."),
            prepare_label=_(
                "Ziel- und Haushaltsplanung vorbereiten (Einreichen durch die Fachdienstleitung)"
            ),
        )
    )


def _submission(
    model: type[DepartmentReview] | type[DepartmentPlan],
    *,
    slug: str,
    name: str,
    states: type[ReviewState] | type[PlanState],
    api: tuple[str, str, str],
    phase: str,
    not_editable_message: StrPromise,
    saved_message: StrPromise,
    prepare_label: StrPromise,
) -> Workflow:
    """Declare a department's review or plan: the same machine in its own phase.

    Both are with their department while drafted or returned, submitted to management,
    and can only move in their phase (`name` prefixes permissions, tasks and addresses).
    """
    with_department = frozenset({states.DRAFT, states.RETURNED})
    prefix, basename, api_name = api
    view = "Review" if model is DepartmentReview else "Plan"
    return Workflow(
        model=model,
        slug=slug,
        lock_annotations=CYCLE_PHASE,
        display_related=RELATED,
        draft_states=with_department,
        editable_states=with_department,
        edit_permission=f"planning_cycle.{name}_edit",
        content_fields=("summary",),
        not_editable_message=not_editable_message,
        saved_message=saved_message,
        tasks=(
            Task(
                kind=f"{name}_submit",
                audience="department",
                states=with_department,
                phase=phase,
                phase_bound=phase,
                permission=f"planning_cycle.{name}_submit",
                prepare_permission=f"planning_cycle.{name}_edit",
                prepare_label=prepare_label,
            ),
            Task(
                kind=f"{name}_decide",
                audience="management",
                states=frozenset({states.SUBMITTED}),
                phase_bound=phase,
            ),
        ),
        detail_url_name=f"workflows:{name}_detail",
        edit_url_name=f"workflows:{name}_edit",
        edit_form=f"workflows.submissions.forms.{view}EditForm",
        template="workflows/submission_detail.html",
        page_context=f"workflows.submissions.views.{name}_page_context",
        api_prefix=prefix,
        api_basename=basename,
        api_name=api_name,
        api_viewset=f"workflows.submissions.api.{view}ViewSet",
    )
