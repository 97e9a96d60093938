"""Statements of invitees: /api/v1/statements/ (draft, edit, release, correct)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.input import refuse_body
from planning_cycle.web import request_checker
from workflows.access import workflow_visible
from workflows.api.transitions import transition_actions
from workflows.services.content import ContentError

from ..models import Invitation, RoundSection, Statement
from ..services.statements import statement_correct, statement_create, statement_update
from .base import ConsultationViewSet, acting_user, service_problem
from .filters import StatementFilter
from .inputs import StatementCreateSerializer, StatementWriteSerializer, not_found, one
from .serializers import StatementSerializer

CO_SIGNERS = Prefetch(
    "co_signers",
    queryset=Invitation.objects.select_related("department", "organisation").order_by("id"),
)


def _section(invitation: Invitation, pk: int | None) -> RoundSection | None:
    """A section of the invitation's round (another round's is no section of this one)."""
    sections = RoundSection.objects.filter(round_id=invitation.round_id)
    return one(sections, pk, "section")  # type: ignore[no-any-return]


def _co_signers(invitation: Invitation, pks: list[int]) -> list[Invitation]:
    """Invitations of the same round (an invitee cannot list the others' invitations)."""
    found = list(Invitation.objects.filter(round_id=invitation.round_id, pk__in=pks))
    if len(found) != len(set(pks)):
        raise not_found("co_signers")
    return found


@extend_schema_view(
    list=extend_schema(summary="List the statements you may see"),
    retrieve=extend_schema(summary="Read one statement"),
)
class StatementViewSet(ConsultationViewSet):
    """Statements: an invitee's own (drafts too), released ones for runners and evaluators."""

    model = Statement
    queryset = Statement.objects.none()
    filterset_class = StatementFilter
    response_serializer = StatementSerializer
    prefetch = (CO_SIGNERS,)

    @extend_schema(
        request=StatementCreateSerializer,
        responses={201: StatementSerializer},
        summary="Draft a statement for an invitation of your department",
    )
    def create(self, request: Request) -> Response:
        """Draft a statement for an invitation you may answer, while statements are taken."""
        data = StatementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        invitation = one(
            workflow_visible(Invitation, user=user), values["invitation"], "invitation"
        )
        try:
            created = statement_create(
                acting_user=user,
                invitation=invitation,
                position=values.get("position", ""),
                text=values.get("text", ""),
                section=_section(invitation, values.get("section")),
                co_signers=_co_signers(invitation, values.get("co_signers", [])),
                checker=request_checker(request),
            )
        except ContentError as exc:
            raise service_problem(exc) from exc
        return self.answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=StatementWriteSerializer,
        responses=StatementSerializer,
        summary="Change a draft statement (fields left out stay as they are)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change a draft statement's position, text, section or co-signers."""
        statement: Statement = self.get_object()
        data = StatementWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        invitation = statement.invitation
        section = (
            _section(invitation, values["section"]) if "section" in values else statement.section
        )
        signers = (
            _co_signers(invitation, values["co_signers"])
            if "co_signers" in values
            else list(statement.co_signers.all())
        )
        try:
            statement_update(
                acting_user=acting_user(request),
                statement=statement,
                position=values.get("position", statement.position),
                text=values.get("text", statement.text),
                section=section,
                co_signers=signers,
                expected_updated_at=values.get("expected_updated_at"),
                checker=request_checker(request),
            )
        except ContentError as exc:
            raise service_problem(exc) from exc
        return self.answer(statement)

    @extend_schema(
        request=None,
        responses={201: StatementSerializer},
        summary="Correct a released statement: a new draft version that replaces it",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        """Start a correction: a new draft version; the released one is kept and shown."""
        statement = self.get_transition_object()
        refuse_body(request)
        try:
            created = statement_correct(
                acting_user=acting_user(request),
                statement=statement,  # type: ignore[arg-type]
                checker=request_checker(request),
            )
        except ContentError as exc:
            raise service_problem(exc) from exc
        return self.answer(created, status.HTTP_201_CREATED)

    transitions, fire = transition_actions(Statement)
