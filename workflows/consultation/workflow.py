"""The declarations of the round, invitation, statement and evaluation workflows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from workflows.guards import guard_register
from workflows.registry import Task, Workflow, on_transition, workflow_register

from .guards import round_all_disposed
from .models import ConsultationRound, Evaluation, Invitation, Statement
from .services.final_notice import final_notices_send
from .states import EvaluationState, InvitationState, RoundState, StatementState

ACCESS = "workflows.consultation.access"
API = "workflows.consultation.api"


def _invitee_count() -> Subquery:
    # No literal in it (no Coalesce, no EXISTS's "SELECT 1"): the lock SQL is compiled once
    # with the pk as its only parameter. NULL for no invitees: the condition then counts.
    per_round = (
        Invitation.objects.filter(round_id=OuterRef("pk"))
        .order_by()
        .values("round_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Subquery(per_round, output_field=IntegerField())


def invitation_due_dates(objects: Sequence[Any]) -> dict[int, dt.date]:
    """Return each invitation's deadline: its extension, else its round's (no query per row)."""
    rounds = {obj.round_id for obj in objects}
    deadlines = dict(ConsultationRound.objects.filter(pk__in=rounds).values_list("pk", "deadline"))
    return {obj.pk: obj.extended_until or deadlines[obj.round_id] for obj in objects}


def register() -> None:
    """Declare the four workflows of a consultation round."""
    from .services.rounds import round_opened
    from .services.statements import extension_date_required, release_consequences

    guard_register("round_all_disposed", round_all_disposed)
    # Whoever releases a statement (page, API, engine endpoint): four eyes, answered invitations.
    on_transition(release_consequences, model=Statement, transition="release")
    on_transition(extension_date_required, model=Invitation, transition="request_extension")
    # Opening a round starts its invitations (deadlines, invitation messages) in its transaction.
    on_transition(round_opened, model=ConsultationRound, transition="open")
    # Concluding a round asks for the final notice to each submitter, once.
    on_transition(final_notices_send, model=ConsultationRound, transition="conclude")
    workflow_register(
        Workflow(
            model=ConsultationRound,
            slug="beteiligung",
            transition_fields=("opened_at", "concluded_at"),
            lock_annotations={"locked_invitees": _invitee_count()},
            display_related=("cycle", "created_by"),
            visibility=f"{ACCESS}.rounds_visible",
            editable_states=frozenset({RoundState.DRAFT}),
            edit_permission="planning_cycle.consultation_manage",
            content_fields=("title", "description"),
            not_editable_message=_(
                "Das Beteiligungsverfahren ist %(state)s und kann nicht mehr bearbeitet werden."
            ),
            saved_message=_("Das Beteiligungsverfahren wurde gespeichert."),
            detail_url_name="workflows:round_detail",
            reload_after_transition=True,
            api_prefix="consultation-rounds",
            api_basename="consultation-round",
            api_name="ConsultationRound",
            api_viewset=f"{API}.rounds.RoundViewSet",
        )
    )
    workflow_register(
        Workflow(
            model=Invitation,
            slug="einladung",
            transition_fields=("extended_until", "extension_requested_until"),
            lock_annotations={
                "locked_round_state": F("round__state"),
                "locked_deadline": Coalesce(F("extended_until"), F("round__deadline")),
            },
            display_related=("round", "department", "organisation"),
            visibility=f"{ACCESS}.invitations_visible",
            tasks=(
                Task(
                    kind="statement_give",
                    audience="invitee",
                    # Overdue is still to do (a late statement, an extension): the task stays
                    # open and the sweep escalates it.
                    states=frozenset({InvitationState.INVITED, InvitationState.OVERDUE}),
                    label=_("Stellungnahme abgeben"),
                    permission="planning_cycle.statement_release",
                    prepare_permission="planning_cycle.statement_edit",
                    prepare_label=_("Stellungnahme vorbereiten (Freigabe durch die Leitung)"),
                    due=f"{__name__}.invitation_due_dates",
                ),
            ),
            detail_url_name="workflows:invitation_detail",
            reload_after_transition=True,
            api_prefix="consultation-invitations",
            api_basename="consultation-invitation",
            api_name="Invitation",
            api_viewset=f"{API}.invitations.InvitationViewSet",
        )
    )
    workflow_register(
        Workflow(
            model=Statement,
            slug="stellungnahme",
            transition_fields=("released_at",),
            lock_annotations={
                "locked_round_state": F("round__state"),
                "locked_deadline": Coalesce(F("invitation__extended_until"), F("round__deadline")),
            },
            display_related=("round", "invitation", "department", "organisation", "section"),
            visibility=f"{ACCESS}.statements_visible",
            draft_states=frozenset({StatementState.DRAFT}),
            draft_permission="planning_cycle.statement_edit",
            editable_states=frozenset({StatementState.DRAFT}),
            edit_permission="planning_cycle.statement_edit",
            content_fields=("position", "text"),
            not_editable_message=_(
                "Die Stellungnahme ist %(state)s und kann nicht mehr geändert werden; "
                "legen Sie eine neue Fassung an."
            ),
            saved_message=_("Der Entwurf der Stellungnahme wurde gespeichert."),
            detail_url_name="workflows:statement_detail",
            reload_after_transition=True,
            api_prefix="statements",
            api_basename="statement",
            api_name="Statement",
            api_viewset=f"{API}.statements.StatementViewSet",
        )
    )
    workflow_register(
        Workflow(
            model=Evaluation,
            slug="abwaegung",
            lock_annotations={"locked_round_state": F("round__state")},
            display_related=("round", "statement", "department"),
            visibility=f"{ACCESS}.evaluations_visible",
            editable_states=frozenset({EvaluationState.ASSIGNED}),
            edit_permission="planning_cycle.disposition_record",
            content_fields=("disposition", "reason"),
            not_editable_message=_(
                "Die Abwägung ist %(state)s; die Strategische Steuerung kann sie erneut öffnen."
            ),
            saved_message=_("Die Abwägung wurde gespeichert."),
            tasks=(
                Task(
                    kind="disposition_record",
                    audience="department",
                    states=frozenset({EvaluationState.ASSIGNED}),
                    label=_("Stellungnahme abwägen"),
                ),
            ),
            detail_url_name="workflows:evaluation_detail",
            reload_after_transition=True,
            api_prefix="dispositions",
            api_basename="disposition",
            api_name="Disposition",
            api_viewset=f"{API}.dispositions.DispositionViewSet",
        )
    )
