"""The declaration of the goal agreement's workflow."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Phase, PlanningCycle
from workflows.guards import guard_register
from workflows.models import AgreementState, GoalAgreement
from workflows.registry import Task, Workflow, on_transition, workflow_register

from .carry_over import agreements_carry_over
from .guards import all_priorities_resolved, all_proposals_approved, all_proposals_prioritised

AGREEMENT_FIELDS = ("balance", "effects", "programmes", "processes", "resources")
UNRELEASED = frozenset({AgreementState.PROPOSED, AgreementState.RETURNED})


def register() -> None:
    """Declare the goal agreement's workflow and what it does when a cycle closes."""
    workflow_register(
        Workflow(
            model=GoalAgreement,
            slug="zielvereinbarung",
            transition_fields=("outcome",),
            display_related=("cycle", "department", "operative_goal"),
            draft_states=UNRELEASED,
            editable_states=UNRELEASED,
            edit_permission="planning_cycle.agreement_edit",
            content_fields=AGREEMENT_FIELDS,
            not_editable_message=_(
                "Die Zielvereinbarung ist %(state)s und kann nicht mehr bearbeitet werden."
            ),
            saved_message=_("Die Zielvereinbarung wurde gespeichert."),
            tasks=(
                # Agreements feed the strategy retreat: due when its preparation ends.
                Task(
                    kind="agreement_submit",
                    audience="department",
                    states=UNRELEASED,
                    phase=Phase.RETREAT_PREPARATION,
                    permission="planning_cycle.agreement_submit",
                    prepare_permission="planning_cycle.agreement_edit",
                    prepare_label=_(
                        "Zielvereinbarung vorbereiten (Einreichen durch die Fachdienstleitung)"
                    ),
                ),
                Task(
                    kind="agreement_decide",
                    audience="management",
                    states=frozenset({AgreementState.SUBMITTED}),
                ),
            ),
            detail_url_name="workflows:agreement_detail",
            edit_url_name="workflows:agreement_edit",
            edit_form="workflows.agreements.forms.AgreementEditForm",
            template="workflows/agreement_detail.html",
            page_context="workflows.agreements.views.agreement_page_context",
            api_prefix="goal-agreements",
            api_basename="goal-agreement",
            api_name="Agreement",
            api_viewset="workflows.agreements.api.AgreementViewSet",
        )
    )
    # Closing a cycle carries unfinished agreements over into the next one.
    on_transition(agreements_carry_over, model=PlanningCycle, transition="close")
    guard_register("all_proposals_approved", all_proposals_approved)
    guard_register("all_proposals_prioritised", all_proposals_prioritised)
    guard_register("all_priorities_resolved", all_priorities_resolved)
