"""The declarations of the meeting and consultation-step workflows, and the cycle's guards."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from workflows.guards import guard_register
from workflows.registry import Task, Workflow, on_transition, workflow_register

from .guards import budget_paper_decided, council_paper_decided
from .models import ConsultationStep, Meeting
from .states import StepState

ACCESS = "workflows.council.access"
API = "workflows.council.api"


def register() -> None:
    """Declare the council workflows and the guards the cycle's council phases name."""
    from .services.results import meeting_cancelled, paper_resolution_update

    guard_register("council_paper_decided", council_paper_decided)
    guard_register("budget_paper_decided", budget_paper_decided)
    # Whoever records or reopens a result (page, API, engine endpoint): the paper follows.
    on_transition(paper_resolution_update, model=ConsultationStep, transition="record")
    on_transition(paper_resolution_update, model=ConsultationStep, transition="reopen")
    on_transition(meeting_cancelled, model=Meeting, transition="cancel")
    workflow_register(
        Workflow(
            model=Meeting,
            slug="sitzung",
            detail_url_name="workflows:meeting_detail",
            display_related=("committee", "location"),
            visibility=f"{ACCESS}.meetings_visible",
            reload_after_transition=True,
            api_prefix="meetings",
            api_basename="meeting",
            api_name="Meeting",
            # Meetings with the committees and papers they deliberate (not workflows).
            api_register=f"{API}.register",
        )
    )
    workflow_register(
        Workflow(
            model=ConsultationStep,
            slug="beratung",
            detail_url_name="workflows:step_detail",
            transition_fields=("agenda_item", "result", "result_date", "recorded_at"),
            lock_annotations={
                "locked_meeting_start": F("agenda_item__meeting__start"),
                "locked_meeting_state": F("agenda_item__meeting__state"),
            },
            display_related=("paper", "committee", "agenda_item__meeting"),
            visibility=f"{ACCESS}.steps_visible",
            reload_after_transition=True,
            api_prefix="consultation-steps",
            api_basename="consultation-step",
            api_name="ConsultationStep",
            tasks=(
                # On an agenda: the committee's secretaries record the result, due two
                # working days after the meeting (reminders through the deadlines).
                Task(
                    kind="result_record",
                    audience="committee",
                    states=frozenset({StepState.SCHEDULED}),
                    label=_("Beratungsergebnis erfassen"),
                    permission="planning_cycle.result_record",
                    due="workflows.council.deadlines.result_due_dates",
                ),
            ),
            api_viewset=f"{API}.steps.ConsultationStepViewSet",
        )
    )
