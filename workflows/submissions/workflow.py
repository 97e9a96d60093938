"""The declarations of the department review and the department plan."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Department, Phase, PlanningCycle
from planning_cycle.services.cycles import on_cycle_opened
from workflows.guards import guard_register
from workflows.models import DepartmentPlan, DepartmentReview, PlanState, ReviewState
from workflows.registry import Task, Workflow, workflow_objects_created, workflow_register

from .guards import all_plans_approved, all_reviews_accepted

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
    guard_register("all_reviews_accepted", all_reviews_accepted)
    guard_register("all_plans_approved", all_plans_approved)
    workflow_register(
        Workflow(
            model=DepartmentReview,
            slug="zielbilanzierung",
            lock_annotations=CYCLE_PHASE,
            display_related=RELATED,
            draft_states=frozenset({ReviewState.DRAFT, ReviewState.RETURNED}),
            editable_states=frozenset({ReviewState.DRAFT, ReviewState.RETURNED}),
            edit_permission="planning_cycle.review_edit",
            content_fields=("summary",),
            not_editable_message=_(
                "Die Zielbilanzierung ist %(state)s und kann nicht mehr bearbeitet werden."
            ),
            saved_message=_("Die Zielbilanzierung wurde gespeichert."),
            tasks=(
                Task(
                    kind="review_submit",
                    audience="department",
                    states=frozenset({ReviewState.DRAFT, ReviewState.RETURNED}),
                    phase=Phase.GOAL_REVIEW,
                    phase_bound=Phase.GOAL_REVIEW,
                    permission="planning_cycle.review_submit",
                    prepare_permission="planning_cycle.review_edit",
                    prepare_label=_(
                        "Zielbilanzierung vorbereiten (Einreichen durch die Fachdienstleitung)"
                    ),
                ),
                Task(
                    kind="review_decide",
                    audience="management",
                    states=frozenset({ReviewState.SUBMITTED}),
                    phase_bound=Phase.GOAL_REVIEW,
                ),
            ),
            detail_url_name="workflows:review_detail",
            edit_url_name="workflows:review_edit",
            edit_form="workflows.submissions.forms.ReviewEditForm",
            template="workflows/submission_detail.html",
            page_context="workflows.submissions.views.review_page_context",
            api_prefix="reviews",
            api_basename="department-review",
            api_name="Review",
            api_viewset="workflows.submissions.api.ReviewViewSet",
        )
    )
    workflow_register(
        Workflow(
            model=DepartmentPlan,
            slug="planung",
            lock_annotations=CYCLE_PHASE,
            display_related=RELATED,
            draft_states=frozenset({PlanState.DRAFT, PlanState.RETURNED}),
            editable_states=frozenset({PlanState.DRAFT, PlanState.RETURNED}),
            edit_permission="planning_cycle.plan_edit",
            content_fields=("summary",),
            not_editable_message=_(
                "Die Ziel- und Haushaltsplanung ist %(state)s und kann nicht mehr bearbeitet "
                "werden."
            ),
            saved_message=_("Die Ziel- und Haushaltsplanung wurde gespeichert."),
            tasks=(
                Task(
                    kind="plan_submit",
                    audience="department",
                    states=frozenset({PlanState.DRAFT, PlanState.RETURNED}),
                    phase=Phase.PLANNING,
                    phase_bound=Phase.PLANNING,
                    permission="planning_cycle.plan_submit",
                    prepare_permission="planning_cycle.plan_edit",
                    prepare_label=_(
                        "Ziel- und Haushaltsplanung vorbereiten (Einreichen durch die "
                        "Fachdienstleitung)"
                    ),
                ),
                Task(
                    kind="plan_decide",
                    audience="management",
                    states=frozenset({PlanState.SUBMITTED}),
                    phase_bound=Phase.PLANNING,
                ),
            ),
            detail_url_name="workflows:plan_detail",
            edit_url_name="workflows:plan_edit",
            edit_form="workflows.submissions.forms.PlanEditForm",
            template="workflows/submission_detail.html",
            page_context="workflows.submissions.views.plan_page_context",
            api_prefix="plans",
            api_basename="department-plan",
            api_name="Plan",
            api_viewset="workflows.submissions.api.PlanViewSet",
        )
    )
