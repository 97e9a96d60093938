"""Consultation rounds: /api/v1/consultation-rounds/ (and the round's weighing table)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.models import PlanningCycle
from planning_cycle.web import request_checker
from workflows.access import workflow_visible
from workflows.api.transitions import transition_actions
from workflows.services.content import ContentError

from ..models import ConsultationRound, Invitation, RoundSection
from ..selectors.evaluation import WeighingFilter, weighing_access, weighing_rows
from ..services.round_invitees import invitations_add
from ..services.rounds import round_create, round_update
from .base import ConsultationViewSet, acting_user, service_problem
from .filters import RoundFilter, WeighingTableFilter
from .inputs import InvitationsAddSerializer, RoundCreateSerializer, RoundUpdateSerializer, one
from .serializers import InvitationSerializer, RoundSerializer, WeighingRowSerializer


def weighing_filter(request: Request) -> WeighingFilter:
    """Validate the weighing table's query; a bad parameter is a 400 naming it."""
    filterset = WeighingTableFilter(
        request.query_params, queryset=ConsultationRound.objects.none(), request=request
    )
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    data = filterset.form.cleaned_data
    evaluator, section = data.get("evaluator"), data.get("section")
    return WeighingFilter(
        position=data.get("position") or "",
        disposition=data.get("disposition") or "",
        evaluator=f"department:{evaluator}" if evaluator is not None else "",
        section=str(section) if section is not None else "",
    )


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
        pagination_class=None,
        filterset_class=WeighingTableFilter,
    )
    def weighing_table(self, request: Request, pk: str | None = None) -> Response:
        """The weighing table as its page shows it, without personal data.

        Those who run rounds see all of it; an evaluating department the rows assigned to
        it; invitees, once the round is concluded, the published table. Anyone else: 404.
        """
        round_ = self.get_transition_object()
        assert isinstance(round_, ConsultationRound)
        filters = weighing_filter(request)
        access = weighing_access(acting_user(request), request_checker(request), round_)
        if access is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        rows = weighing_rows(
            round_, filters=filters, anonymous=True, departments=access.departments
        )
        return Response(WeighingRowSerializer(rows, many=True).data)

    def _cycle(self, request: Request, pk: int | None) -> PlanningCycle | None:
        cycles = PlanningCycle.objects.filter(body_id=acting_user(request).body_id)
        return one(cycles, pk, "cycle")  # type: ignore[no-any-return]

    @extend_schema(
        request=RoundCreateSerializer,
        responses={201: RoundSerializer},
        summary="Create a consultation round as a draft (a follow-up copies its invitees)",
    )
    def create(self, request: Request) -> Response:
        """Create a round as a draft; a follow-up round copies its predecessor's invitees."""
        data = RoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        previous = one(
            workflow_visible(ConsultationRound, user=user),
            values.get("previous_round"),
            "previous_round",
        )
        try:
            created = round_create(
                acting_user=user,
                title=values["title"],
                subject_kind=values.get("subject_kind", "other"),
                description=values.get("description", ""),
                deadline=values["deadline"],
                cycle=self._cycle(request, values.get("cycle")),
                previous_round=previous,
                checker=request_checker(request),
            )
        except ContentError as exc:
            raise service_problem(exc) from exc
        return self.answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=RoundUpdateSerializer,
        responses=RoundSerializer,
        summary="Change a draft round (fields left out stay as they are)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change a draft round's title, subject, description, deadline or cycle."""
        round_ = self.get_object()
        data = RoundUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        cycle = self._cycle(request, values["cycle"]) if "cycle" in values else round_.cycle
        try:
            round_update(
                acting_user=acting_user(request),
                round=round_,
                title=values.get("title", round_.title),
                subject_kind=values.get("subject_kind", round_.subject_kind),
                description=values.get("description", round_.description),
                deadline=values.get("deadline", round_.deadline),
                cycle=cycle,
                checker=request_checker(request),
            )
        except ContentError as exc:
            raise service_problem(exc) from exc
        return self.answer(round_)

    @extend_schema(
        request=InvitationsAddSerializer,
        responses={201: InvitationSerializer(many=True)},
        summary="Invite departments and organisations (draft or open round)",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def invitations(self, request: Request, pk: str | None = None) -> Response:
        """Invite departments and organisations; invited to an open round, they hear at once."""
        round_ = self.get_transition_object()
        data = InvitationsAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            created = invitations_add(
                acting_user=acting_user(request),
                round=round_,  # type: ignore[arg-type]
                department_ids=data.validated_data.get("departments", []),
                organisation_ids=data.validated_data.get("organisations", []),
                checker=request_checker(request),
            )
        except ContentError as exc:
            raise service_problem(exc) from exc
        rows = (
            Invitation.objects.filter(pk__in=[i.pk for i in created])
            .select_related("round", "department", "organisation")
            .order_by("id")
        )
        return Response(InvitationSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    transitions, fire = transition_actions(ConsultationRound)
