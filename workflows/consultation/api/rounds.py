"""Consultation rounds: /api/v1/consultation-rounds/ (and the round's weighing table)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import ReturnDict

from planning_cycle.api.pagination import ApiCursorPagination
from workflows.api.transitions import transition_actions

from ..models import ConsultationRound, RoundSection
from ..selectors.api import weighing_table_rows
from .base import ConsultationViewSet, acting_user
from .filters import RoundFilter, WeighingTableFilter
from .serializers import RoundSerializer, WeighingRowSerializer


class WeighingTablePagination(ApiCursorPagination):
    """The weighing table in the draft's order: by section (none last), then statement."""

    ordering = ("section__position", "id")


def weighing_filters(request: Request) -> dict[str, Any]:
    """Validate the weighing table's query; a bad parameter is a 400 naming it."""
    from django_filters.utils import translate_validation

    filterset = WeighingTableFilter(
        request.query_params, queryset=ConsultationRound.objects.none(), request=request
    )
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    data = filterset.form.cleaned_data
    return {
        "position": data.get("position") or "",
        "disposition": data.get("disposition") or "",
        "evaluator_id": data.get("evaluator"),
        "section_id": data.get("section"),
    }


@extend_schema_view(
    list=extend_schema(summary="List the consultation rounds you may see"),
    retrieve=extend_schema(summary="Read one consultation round with its draft's sections"),
)
class RoundViewSet(ConsultationViewSet):
    """Consultation rounds of the user's body: those they run, are invited to or weigh for."""

    model = ConsultationRound
    queryset = ConsultationRound.objects.none()
    filterset_class = RoundFilter
    response_serializer = RoundSerializer
    prefetch = (Prefetch("sections", queryset=RoundSection.objects.order_by("position", "id")),)

    @extend_schema(
        request=None,
        responses=WeighingRowSerializer(many=True),
        summary="Read the round's weighing table (Abwägungstabelle), filtered",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="weighing-table",
        pagination_class=WeighingTablePagination,
        filterset_class=WeighingTableFilter,
    )
    def weighing_table(self, request: Request, pk: str | None = None) -> Response:
        """Every released statement (current version) you may see, with its evaluation."""
        round_ = self.get_transition_object()
        rows = weighing_table_rows(user=acting_user(request), round_=round_, **weighing_filters(request))  # type: ignore[arg-type]
        page = self.paginate_queryset(rows)
        assert page is not None
        data: ReturnDict = WeighingRowSerializer(page, many=True).data  # type: ignore[assignment]
        return self.get_paginated_response(data)

    transitions, fire = transition_actions(ConsultationRound)
