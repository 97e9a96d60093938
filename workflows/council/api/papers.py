"""Papers: /api/v1/papers/ (with their sequence and files; create, change, add a step or a file)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.ids import parse_id
from planning_cycle.models import Committee, Department, PlanningCycle, User
from planning_cycle.web import request_checker
from workflows.uploads import ACCEPTED

from ..access import in_own_committees, papers_visible, sees_nonpublic
from ..models import ConsultationStep, Paper, PaperFile
from ..services.base import CouncilError
from ..services.files import paper_file_remove, paper_files_attach
from ..services.papers import StepPlan, paper_create, paper_update, step_add
from ..states import FileRole, PaperType, StepRole
from .base import CouncilViewSet, acting_user, council_problem, one
from .filters import PaperFilter
from .inputs import (
    PaperCreateSerializer,
    PaperFileUploadSerializer,
    PaperUpdateSerializer,
    StepPlanSerializer,
)
from .serializers import ConsultationStepSerializer, PaperFileSerializer, PaperSerializer

logger = logging.getLogger(__name__)

STEP_FIELDS = ("committee", "role", "part")
# The service names the uploads "files" (the page's field); the API's field is "file".
FILE_FIELDS = {"files": "file"}
FILE_ID = OpenApiParameter(
    "file_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Die Id der Datei."
)


def of_body(model: type[models.Model], user: User) -> models.QuerySet[Any]:
    return model._default_manager.filter(body_id=user.body_id or 0)


def steps_shown() -> models.QuerySet[Any]:
    """A paper's steps as its answer lists them: in order, with committee and meeting."""
    return (
        ConsultationStep.objects.filter(deleted=False)
        .select_related("committee", "agenda_item__meeting")
        .order_by("position", "id")
    )


def files_visible(user: User) -> models.QuerySet[Any]:
    """A paper's files the user may see: public ones, non-public ones as non-public papers."""
    deliberated = ConsultationStep.objects.filter(
        in_own_committees(user), paper_id=OuterRef("paper_id"), deleted=False
    )
    return (
        PaperFile.objects.filter(deleted=False)
        .filter(Q(public=True) | sees_nonpublic(user) | Q(Exists(deliberated)))
        .order_by("position", "id")
    )


def _plans(user: User, rows: list[dict[str, Any]]) -> list[StepPlan]:
    """The sequence of a new paper: committees of the body (else a 400 naming the row)."""
    committees = {
        c.pk: c for c in of_body(Committee, user).filter(pk__in=[r["committee"] for r in rows])
    }
    plans = []
    for index, row in enumerate(rows):
        committee = committees.get(row["committee"])
        if committee is None:
            raise serializers.ValidationError(
                {"steps": {str(index): {"committee": [_("Gibt es in Ihrer Kommune nicht.")]}}}
            )
        plans.append(
            StepPlan(
                committee=committee,
                role=row.get("role", StepRole.PRE_DELIBERATION),
                part=row.get("part", ""),
            )
        )
    return plans


@extend_schema_view(
    list=extend_schema(summary="List the papers you may see"),
    retrieve=extend_schema(summary="Read one paper with its consultation sequence and files"),
)
class PaperViewSet(CouncilViewSet):
    """Council papers of the body: public ones, non-public ones for those allowed."""

    model = Paper
    queryset = Paper.objects.none()
    filterset_class = PaperFilter
    response_serializer = PaperSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def visible(self) -> models.QuerySet[Any]:
        user = acting_user(self.request)
        return papers_visible(of_body(Paper, user), user)

    def with_relations(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        user = acting_user(self.request)
        return queryset.select_related("lead_department", "cycle").prefetch_related(
            Prefetch("steps", queryset=steps_shown(), to_attr="visible_steps"),
            Prefetch("files", queryset=files_visible(user), to_attr="visible_files"),
        )

    def _department(self, request: Request, pk: int) -> Department:
        return one(of_body(Department, acting_user(request)), pk, "lead_department")  # type: ignore[no-any-return]

    @extend_schema(
        request=PaperCreateSerializer,
        responses={201: PaperSerializer},
        summary="Create a paper with the next reference number and its consultation sequence",
    )
    def create(self, request: Request) -> Response:
        """Create a paper (council office, strategy unit) numbered by the body's pattern."""
        data = PaperCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        department = self._department(request, values["lead_department"])
        cycle = one(of_body(PlanningCycle, user), values.get("cycle"), "cycle")
        plans = _plans(user, values.get("steps", []))
        try:
            created = paper_create(
                acting_user=user,
                title=values["title"],
                paper_type=values.get("paper_type", PaperType.RESOLUTION),
                lead_department=department,
                public=values["public"],
                proposed_resolution=values.get("proposed_resolution", ""),
                reasoning=values.get("reasoning", ""),
                financial_effects=values.get("financial_effects", ""),
                submitter=values.get("submitter", ""),
                author=values.get("author", ""),
                external_url=values.get("external_url", ""),
                date=values.get("date"),
                cycle=cycle,
                cycle_phase=values.get("cycle_phase", ""),
                steps=plans,
                checker=request_checker(request),
            )
        except CouncilError as exc:
            refusal = exc
            if exc.field in STEP_FIELDS:  # a row of the sequence: named as the sequence
                refusal = CouncilError(exc.message, "steps", status=exc.status)
            raise council_problem(refusal) from exc
        return self.answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=PaperUpdateSerializer,
        responses=PaperSerializer,
        summary="Change a paper (fields left out stay as they are; the number stays)",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change a paper's content; its reference number and sequence stay."""
        paper: Paper = self.get_transition_object()
        data = PaperUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        department = (
            self._department(request, values["lead_department"])
            if "lead_department" in values
            else paper.lead_department
        )
        try:
            paper_update(
                acting_user=acting_user(request),
                paper=paper,
                title=values.get("title", paper.title),
                paper_type=values.get("paper_type", paper.paper_type),
                lead_department=department,
                public=values.get("public", paper.public),
                proposed_resolution=values.get("proposed_resolution", paper.proposed_resolution),
                reasoning=values.get("reasoning", paper.reasoning),
                financial_effects=values.get("financial_effects", paper.financial_effects),
                submitter=values.get("submitter", paper.submitter),
                author=values.get("author", paper.author),
                external_url=values.get("external_url", paper.external_url),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return self.answer(paper)

    @extend_schema(
        request=StepPlanSerializer,
        responses={201: ConsultationStepSerializer},
        summary="Add a committee at the end of the paper's consultation sequence",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def steps(self, request: Request, pk: str | None = None) -> Response:
        """Add a committee (with its role and the part it covers) to the sequence."""
        paper: Paper = self.get_transition_object()
        data = StepPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        committee = one(of_body(Committee, user), values["committee"], "committee")
        try:
            step = step_add(
                acting_user=user,
                paper=paper,
                committee=committee,
                role=values.get("role", StepRole.PRE_DELIBERATION),
                part=values.get("part", ""),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        fresh = steps_shown().select_related("paper").get(pk=step.pk)
        return Response(ConsultationStepSerializer(fresh).data, status=status.HTTP_201_CREATED)

    # --- files ------------------------------------------------------------------------

    def _visible_file(self, paper: Paper, file_id: str | None) -> PaperFile:
        """A file of the paper the user may see (another paper's, or a withheld one: 404)."""
        pk = parse_id(str(file_id))
        found = None
        if pk is not None:
            user = acting_user(self.request)
            found = files_visible(user).filter(paper=paper, pk=pk).select_related("paper").first()
        if found is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        return found  # type: ignore[no-any-return]

    @extend_schema(
        request={"multipart/form-data": PaperFileUploadSerializer},
        responses={201: PaperFileSerializer},
        summary="Upload the paper's main document or an attachment (multipart/form-data)",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="files",
        url_name="files",
        parser_classes=[MultiPartParser],
        pagination_class=None,
        filter_backends=[],
    )
    def files(self, request: Request, pk: str | None = None) -> Response:
        """Store one checked file; a new main document replaces the previous one."""
        paper: Paper = self.get_transition_object()
        data = PaperFileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            (stored,) = paper_files_attach(
                acting_user=acting_user(request),
                paper=paper,
                uploads=[values["file"]],
                role=FileRole.MAIN if values["main"] else FileRole.ATTACHMENT,
                public=values["public"],
                name=values.get("name", ""),
                checker=request_checker(request),
            )
        except CouncilError as exc:
            if exc.field in FILE_FIELDS:
                exc = CouncilError(exc.message, FILE_FIELDS[exc.field], status=exc.status)
            raise council_problem(exc) from exc
        return Response(PaperFileSerializer(stored).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[FILE_ID],
        responses={(200, kind.media_type): OpenApiTypes.BINARY for kind in ACCEPTED},
        summary="Download a file of the paper (as its page offers it)",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"files/(?P<file_id>[^/.]+)",
        url_name="file",
        pagination_class=None,
        filter_backends=[],
    )
    def file(self, request: Request, pk: str | None = None, file_id: str | None = None) -> Any:
        """Hand out a file the user may see, under its name."""
        found = self._visible_file(self.get_transition_object(), file_id)
        try:
            handle = found.file.open("rb")
        except FileNotFoundError:
            logger.error("stored file of PaperFile %s is missing", found.pk)
            raise exceptions.NotFound(_("Die Datei ist nicht mehr vorhanden.")) from None
        response = FileResponse(
            handle, as_attachment=True, filename=found.name, content_type=found.media_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(
        parameters=[FILE_ID],
        request=None,
        responses={204: None},
        summary="Remove a file of the paper (kept as deleted for OParl)",
    )
    @file.mapping.delete
    def file_remove(
        self, request: Request, pk: str | None = None, file_id: str | None = None
    ) -> Response:
        """Remove a file of the paper (council office)."""
        found = self._visible_file(self.get_transition_object(), file_id)
        try:
            paper_file_remove(
                acting_user=acting_user(request), file=found, checker=request_checker(request)
            )
        except CouncilError as exc:
            raise council_problem(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A download answers in the file's own type, whatever the client accepts.
        return super().perform_content_negotiation(request, force=force or self.action == "file")
