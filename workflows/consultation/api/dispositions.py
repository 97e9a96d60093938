"""Dispositions (Abwägung) of statements: /api/v1/dispositions/ (assign, weigh, record)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from workflows.api.transitions import transition_actions

from ..models import Evaluation
from .base import ConsultationViewSet
from .filters import DispositionFilter
from .serializers import DispositionSerializer


@extend_schema_view(
    list=extend_schema(summary="List the dispositions you may see"),
    retrieve=extend_schema(summary="Read one disposition"),
)
class DispositionViewSet(ConsultationViewSet):
    """Dispositions: all for those who run rounds, the assigned ones for evaluators."""

    model = Evaluation
    queryset = Evaluation.objects.none()
    filterset_class = DispositionFilter
    response_serializer = DispositionSerializer

    transitions, fire = transition_actions(Evaluation)
