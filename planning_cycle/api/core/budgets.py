"""The cycle's framework in the API: /api/v1/cycles/{id}/framework/ (read; management sets it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planning_cycle.access import user_may
from planning_cycle.api.auth import IsBodyMember
from planning_cycle.api.errors import DomainError
from planning_cycle.api.ids import parse_id
from planning_cycle.api.input import InputSerializer
from planning_cycle.models import Body, PlanningCycle, User
from planning_cycle.selectors.budgets import Framework, cycle_framework
from planning_cycle.selectors.cycles import cycles_of_body
from planning_cycle.services.budgets import (
    FRAMEWORK_PHASES,
    DepartmentFramework,
    FrameworkError,
    FrameworkNotPermitted,
    framework_set,
)
from planning_cycle.web import request_checker
from workflows.api.serializers import DepartmentRefSerializer

from .views import NotExternalOnly, user_body_id


def _amount(help_text: Any, *, allow_null: bool = True) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=2,
        read_only=True,
        allow_null=allow_null,
        help_text=help_text,
    )


class FrameworkLineSerializer(serializers.Serializer[Any]):
    department = DepartmentRefSerializer(read_only=True)
    ceiling = _amount(gettext_lazy("Obergrenze des Planungsjahres (EUR)."))
    savings_percent = _amount(gettext_lazy("Eigenes Sparziel in % (null: das allgemeine)."))
    savings_target = _amount(gettext_lazy("Geltendes Sparziel in %."))
    previous = _amount(gettext_lazy("Budget des Vorjahres (EUR)."), allow_null=False)
    planned = _amount(gettext_lazy("Geplantes Budget (EUR)."), allow_null=False)
    excess = _amount(gettext_lazy("Überschreitung der Obergrenze (EUR)."))
    savings = _amount(gettext_lazy("Vorjahr minus Planung (EUR)."), allow_null=False)
    savings_met = serializers.BooleanField(read_only=True, allow_null=True)


class FrameworkSerializer(serializers.Serializer[Any]):
    cycle = serializers.IntegerField(read_only=True)
    planning_year = serializers.IntegerField(read_only=True)
    previous_year = serializers.IntegerField(read_only=True)
    editable = serializers.BooleanField(read_only=True)
    savings_percent = _amount(gettext_lazy("Sparziel für alle in % des Vorjahresbudgets."))
    departments = FrameworkLineSerializer(many=True, read_only=True)


class FrameworkLineInputSerializer(InputSerializer):
    department = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    ceiling = serializers.CharField(
        allow_null=True, allow_blank=True, max_length=40, required=False, default=None
    )
    savings_percent = serializers.CharField(
        allow_null=True, allow_blank=True, max_length=40, required=False, default=None
    )


class FrameworkInputSerializer(InputSerializer):
    savings_percent = serializers.CharField(allow_null=True, allow_blank=True, max_length=40)
    departments = FrameworkLineInputSerializer(
        many=True, allow_empty=True, required=False, default=list
    )


def _data(framework: Framework, editable: bool) -> dict[str, Any]:
    cycle = framework.cycle
    return {
        "cycle": cycle.pk,
        "planning_year": cycle.year + 1,
        "previous_year": cycle.year,
        "editable": editable,
        "savings_percent": framework.savings_target,
        "departments": [
            {
                "department": line.department,
                "ceiling": line.ceiling,
                "savings_percent": framework.overrides.get(line.department.pk),
                "savings_target": line.savings_target,
                "previous": line.previous,
                "planned": line.planned,
                "excess": line.excess,
                "savings": line.savings,
                "savings_met": line.savings_met,
            }
            for line in framework.departments
        ],
    }


class CycleFrameworkView(APIView):
    """A cycle's framework: ceilings per department and the savings target."""

    permission_classes = [IsBodyMember, NotExternalOnly]

    def _cycle(self, request: Request, pk: str) -> PlanningCycle:
        parsed = parse_id(str(pk))
        cycle = (
            None
            if parsed is None
            else cycles_of_body(user_body_id(request)).filter(pk=parsed).first()
        )
        if cycle is None:
            raise exceptions.NotFound(_("Nicht gefunden."))
        return cycle

    def _may(self, request: Request, codename: str) -> bool:
        user: User = request.user  # type: ignore[assignment]
        body = Body(pk=user_body_id(request))
        return user_may(request_checker(request), user, f"planning_cycle.{codename}", body)  # type: ignore[arg-type]

    def _answer(self, request: Request, cycle: PlanningCycle) -> Response:
        editable = self._may(request, "framework_set") and cycle.phase in FRAMEWORK_PHASES
        return Response(FrameworkSerializer(_data(cycle_framework(cycle), editable)).data)

    @extend_schema(
        operation_id="cycles_framework_retrieve",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=FrameworkSerializer,
        summary="Read a cycle's framework (management and strategy unit)",
        tags=["cycles"],
    )
    def get(self, request: Request, pk: str) -> Response:
        """Ceilings and savings targets per taking-part department with planned budgets."""
        cycle = self._cycle(request, pk)
        if not (self._may(request, "framework_set") or self._may(request, "view_drafts")):
            raise exceptions.PermissionDenied(
                _("Die Rahmenvorgaben sehen die Verwaltungsleitung und die Strategische Steuerung.")
            )
        return self._answer(request, cycle)

    @extend_schema(
        operation_id="cycles_framework_update",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=FrameworkInputSerializer,
        responses=FrameworkSerializer,
        summary="Replace a cycle's framework (management)",
        tags=["cycles"],
    )
    def put(self, request: Request, pk: str) -> Response:
        """Replace the framework: departments not listed keep no ceiling or own target."""
        cycle = self._cycle(request, pk)
        data = FrameworkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = [
            DepartmentFramework(
                department_id=line["department"],
                ceiling=line.get("ceiling"),
                savings_percent=line.get("savings_percent"),
            )
            for line in data.validated_data["departments"]
        ]
        try:
            framework_set(
                acting_user=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                savings_percent=data.validated_data["savings_percent"],
                departments=lines,
            )
        except FrameworkNotPermitted as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        except FrameworkError as exc:
            if exc.status != 400:
                raise DomainError(exc.message, status_code=exc.status) from exc
            errors: dict[str, list[str]] = {}
            for key, message in exc.errors.items():
                errors.setdefault("savings_percent" if key is None else "departments", []).append(
                    message
                )
            raise serializers.ValidationError(errors) from exc
        fresh = cycles_of_body(user_body_id(request)).get(pk=cycle.pk)
        return self._answer(request, fresh)
