"""Viewsets of the core domain: read-only, scoped to the user's body; writes through services.

Every queryset filters on the user's body (`body_id`), so another body's object is a 404
and lists never show foreign rows. External stakeholders get 403 (see NotExternalOnly).
Lists are cursor-paginated in the order of `id`, a unique and stable key; they filter by
exact query parameters and load what they show in a fixed number of queries.
"""

from __future__ import annotations

import json
from decimal import InvalidOperation
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.auth import IsBodyMember
from planning_cycle.api.errors import DomainError
from planning_cycle.api.input import FORM_ONLY_FIELDS
from planning_cycle.api.pagination import ApiCursorPagination
from planning_cycle.models import (
    Body,
    CycleMilestone,
    Department,
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    Period,
    PhaseDeadline,
    PlanningCycle,
    PolicyField,
    Product,
    ProductBudget,
    StrategicGoal,
    User,
)
from planning_cycle.selectors.cycles import cycles_of_body, departments_of_body
from planning_cycle.selectors.users import is_external_only
from planning_cycle.services.calendar import CalendarError, CalendarSpec, MilestoneSpec
from planning_cycle.services.cycles import CycleError, CycleNotPermitted, cycle_create
from planning_cycle.web import request_checker, request_roles
from workflows.services.content import ContentError
from workflows.submissions.indicators import (
    INTEGER_DIGITS,
    indicator_actual_record,
    indicator_actual_set,
)

from . import filters
from . import serializers as s


class NotExternalOnly(permissions.BasePermission):
    """External stakeholders (and nothing else) are refused, as the web shows them a notice."""

    message = gettext_lazy(
        "Externe Beteiligte können die Planungsdaten über die API noch nicht abrufen."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        return not is_external_only(request_roles(request))  # type: ignore[arg-type]


class IdCursorPagination(ApiCursorPagination):
    """Cursor pages in the order of creation (`id`): unique, so no row is skipped or repeated."""

    ordering = ("id",)


def user_body_id(request: Request) -> int:
    """Return the body of the request's user (IsBodyMember ensures there is one)."""
    user: User = request.user  # type: ignore[assignment]
    assert user.body_id is not None
    return int(user.body_id)


def resource(tag: str, one: str, many: str) -> Any:
    """Name a resource's list and retrieve operations: tag and summaries in English."""
    return extend_schema_view(
        list=extend_schema(summary=f"List the {many} of the user's body", tags=[tag]),
        retrieve=extend_schema(summary=f"Read one {one}", tags=[tag]),
    )


class CoreViewSet(viewsets.ReadOnlyModelViewSet[Any]):
    """Read-only resource of the user's body."""

    permission_classes = [IsBodyMember, NotExternalOnly]
    pagination_class = IdCursorPagination
    model: type[Model]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.model._default_manager.none()
        return self.scoped(user_body_id(self.request))

    def scoped(self, body_id: int) -> QuerySet[Any]:
        return self.model._default_manager.filter(body_id=body_id)


@resource("bodies", "body", "bodies")
class BodyViewSet(CoreViewSet):
    """The user's own body (local government): a list of exactly one."""

    model = Body
    serializer_class = s.BodySerializer

    def scoped(self, body_id: int) -> QuerySet[Any]:
        return Body.objects.filter(pk=body_id)


@resource("departments", "department", "departments")
class DepartmentViewSet(CoreViewSet):
    """Departments (Fachbereiche, Fachdienste, Ämter) of the body."""

    model = Department
    serializer_class = s.DepartmentSerializer
    filterset_class = filters.DepartmentFilter

    def scoped(self, body_id: int) -> QuerySet[Any]:
        return departments_of_body(body_id)


@resource("cycles", "planning cycle", "planning cycles")
class CycleViewSet(CoreViewSet):
    """Planning cycles of the body with the due dates of their phases."""

    model = PlanningCycle
    serializer_class = s.CycleSerializer
    filterset_class = filters.CycleFilter

    def scoped(self, body_id: int) -> QuerySet[Any]:
        deadlines = PhaseDeadline.objects.filter(body_id=body_id).order_by("due_date", "id")
        milestones = CycleMilestone.objects.filter(body_id=body_id).order_by("due_date", "id")
        return cycles_of_body(body_id).prefetch_related(
            Prefetch("deadlines", queryset=deadlines),
            Prefetch("milestones", queryset=milestones),
        )

    @extend_schema(
        summary="Create a planning cycle with its calendar (management)",
        tags=["cycles"],
        request=s.CycleCreateSerializer,
        responses={201: s.CycleSerializer},
    )
    def create(self, request: Request) -> Response:
        """Create the body's cycle of a year with phase dates, switched-off phases, milestones.

        Refused (400, naming the phase or date) when the dates run backwards or a phase
        every cycle runs is switched off; 409 when the body has a cycle of that year.
        Nothing is written unless all of it is right.
        """
        data = s.CycleCreateSerializer(data=_form_body(request.data))
        data.is_valid(raise_exception=True)
        values = data.validated_data
        switched_off = values.get("switched_off")
        calendar = CalendarSpec(
            dates=values.get("dates") or {},
            switched_off=None if switched_off is None else frozenset(switched_off),
            milestones=tuple(
                MilestoneSpec(
                    title=m["title"],
                    kind=m["kind"],
                    due_date=m["due_date"],
                    audience=m["responsible"],
                    phase=m.get("phase") or "",
                )
                for m in values.get("milestones") or ()
            ),
        )
        try:
            cycle = cycle_create(
                acting_user=request.user,  # type: ignore[arg-type]
                body=Body.objects.get(pk=user_body_id(request)),
                year=values["year"],
                title=values.get("title") or "",
                calendar=calendar,
            )
        except CycleNotPermitted as exc:
            raise DomainError(str(exc), status_code=status.HTTP_403_FORBIDDEN) from exc
        except CalendarError as exc:
            raise serializers.ValidationError({exc.field or "dates": [exc.message]}) from exc
        except CycleError as exc:
            raise DomainError(str(exc), status_code=status.HTTP_409_CONFLICT) from exc
        created = self.scoped(user_body_id(request)).get(pk=cycle.pk)
        return Response(s.CycleSerializer(created).data, status=status.HTTP_201_CREATED)


# A form (or multipart) body cannot nest: it gives these fields as JSON text.
FORM_JSON_FIELDS = ("dates", "milestones")


def _form_body(data: Any) -> Any:
    """Return a form body as the JSON body it stands for (a JSON body as it is)."""
    if not isinstance(data, QueryDict):
        return data
    body: dict[str, Any] = {}
    for key in data:
        if key in FORM_ONLY_FIELDS:
            continue
        if key == "switched_off":
            body[key] = data.getlist(key)
        elif key in FORM_JSON_FIELDS:
            text = data.get(key)
            try:
                body[key] = json.loads(text or "")
            except ValueError:
                body[key] = text  # the serializer says what is wrong with it
        else:
            body[key] = data.get(key)
    return body


@resource("policy-fields", "policy field", "policy fields")
class PolicyFieldViewSet(CoreViewSet):
    """Policy fields or fields of action (Politikfelder, Handlungsfelder)."""

    model = PolicyField
    serializer_class = s.PolicyFieldSerializer
    filterset_class = filters.PolicyFieldFilter


@resource("strategic-goals", "strategic goal", "strategic goals")
class StrategicGoalViewSet(CoreViewSet):
    """Medium-term strategic goals with the products they concern."""

    model = StrategicGoal
    serializer_class = s.StrategicGoalSerializer
    filterset_class = filters.StrategicGoalFilter

    def scoped(self, body_id: int) -> QuerySet[Any]:
        return super().scoped(body_id).prefetch_related("products")


@resource("operative-goals", "operative goal", "operative goals")
class OperativeGoalViewSet(CoreViewSet):
    """Operative goals (action priorities) with their leading departments and products."""

    model = OperativeGoal
    serializer_class = s.OperativeGoalSerializer
    filterset_class = filters.OperativeGoalFilter

    def scoped(self, body_id: int) -> QuerySet[Any]:
        return super().scoped(body_id).prefetch_related("departments", "products")


@resource("measures", "measure", "measures")
class MeasureViewSet(CoreViewSet):
    """Measures and projects serving the operative goals."""

    model = Measure
    serializer_class = s.MeasureSerializer
    filterset_class = filters.MeasureFilter

    def scoped(self, body_id: int) -> QuerySet[Any]:
        return super().scoped(body_id).prefetch_related("products")


@resource("indicators", "indicator", "indicators")
class IndicatorViewSet(CoreViewSet):
    """Indicators (key figures) of goals and products."""

    model = Indicator
    serializer_class = s.IndicatorSerializer
    filterset_class = filters.IndicatorFilter

    @extend_schema(
        operation_id="indicators_actual_set",
        summary="Set or remove the actual value of an indicator in one period of a year",
        tags=["indicators"],
        request=s.ActualInputSerializer,
        responses={
            200: s.IndicatorValueSerializer,
            204: OpenApiResponse(description="The actual value was removed (value null or empty)."),
        },
    )
    @action(detail=True, methods=["post"], url_path="actuals", filterset_class=None)
    def actuals(self, request: Request, pk: str | None = None) -> Response:
        """Import one actual value (Istwert), as a department editor does in the goal review.

        Allowed for the editors and heads of a department the indicator belongs to, as long
        as that department's goal review reporting the year (the review of the cycle of the
        following year) is still with the department; locked afterwards (409).
        """
        indicator = self.get_object()
        data = s.ActualInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            entry = data.validated_data
            if entry["value"] in (None, "") and entry["period"] == Period.YEAR:
                stored = indicator_actual_set(
                    acting_user=request.user,  # type: ignore[arg-type]
                    indicator=indicator,
                    year=entry["year"],
                    value=entry["value"],
                    checker=request_checker(request),  # type: ignore[arg-type]
                )
            else:
                stored = indicator_actual_record(
                    acting_user=request.user,  # type: ignore[arg-type]
                    indicator=indicator,
                    year=entry["year"],
                    period=entry["period"],
                    value=entry["value"],
                    comment=entry["comment"],
                    source=entry["source"],
                    checker=request_checker(request),  # type: ignore[arg-type]
                )
        except ContentError as exc:
            if exc.field and exc.status == status.HTTP_400_BAD_REQUEST:
                raise serializers.ValidationError({exc.field: [exc.message]}) from exc
            raise DomainError(exc.message, status_code=exc.status) from exc
        except InvalidOperation as exc:  # a number too large for the service's arithmetic
            raise serializers.ValidationError(
                {
                    "value": [
                        _("Der Wert ist zu groß: höchstens %(digits)s Stellen vor dem Komma.")
                        % {"digits": INTEGER_DIGITS}
                    ]
                }
            ) from exc
        if stored is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(s.IndicatorValueSerializer(stored).data)


@resource("indicator-values", "indicator value", "indicator values")
class IndicatorValueViewSet(CoreViewSet):
    """Baseline, target and actual values of the indicators per year."""

    model = IndicatorValue
    serializer_class = s.IndicatorValueSerializer
    filterset_class = filters.IndicatorValueFilter


@resource("products", "product", "products")
class ProductViewSet(CoreViewSet):
    """Budget products (Produkte of the Produkthaushalt)."""

    model = Product
    serializer_class = s.ProductSerializer
    filterset_class = filters.ProductFilter


@resource("product-budgets", "product budget", "product budgets")
class ProductBudgetViewSet(CoreViewSet):
    """Budget amounts of the products per year."""

    model = ProductBudget
    serializer_class = s.ProductBudgetSerializer
    filterset_class = filters.ProductBudgetFilter
