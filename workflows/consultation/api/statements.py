"""Statements of invitees: /api/v1/statements/ (draft, edit, release, correct)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from workflows.api.transitions import transition_actions

from ..models import Invitation, Statement
from .base import ConsultationViewSet
from .filters import StatementFilter
from .serializers import StatementSerializer

CO_SIGNERS = Prefetch(
    "co_signers",
    queryset=Invitation.objects.select_related("department", "organisation").order_by("id"),
)


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

    transitions, fire = transition_actions(Statement)
