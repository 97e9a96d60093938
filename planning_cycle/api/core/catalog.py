"""The goal catalog as one tree, with the status of every indicator, goal and product."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planning_cycle.api.auth import IsBodyMember
from planning_cycle.controlling.rollup import RollUp
from planning_cycle.controlling.selectors import (
    BodyStatus,
    body_status,
    product_areas,
    reporting_year_default,
)
from planning_cycle.controlling.status import MeasureStatus, Result, Status
from planning_cycle.models import (
    Indicator,
    Measure,
    OperativeGoal,
    Period,
    PolicyField,
    Product,
    StrategicGoal,
)
from planning_cycle.selectors.goals import goal_catalog, product_catalog, visions_of_body

from .serializers import IndicatorValueSerializer, VisionSerializer
from .views import NotExternalOnly, user_body_id

# --- statuses ---------------------------------------------------------------------------------


class StatusSerializer(serializers.Serializer[Result]):
    code = serializers.ChoiceField(choices=Status.choices, read_only=True)
    label = serializers.CharField(read_only=True, help_text="The status in German words.")  # type: ignore[assignment]
    reason = serializers.CharField(read_only=True, help_text="Why, in German.")


class MeasureStatusSerializer(StatusSerializer):
    code = serializers.ChoiceField(choices=MeasureStatus.choices, read_only=True)


class StatusCountsSerializer(serializers.Serializer[dict[str, int]]):
    met = serializers.IntegerField(read_only=True)
    within_tolerance = serializers.IntegerField(read_only=True)
    missed = serializers.IntegerField(read_only=True)
    no_data = serializers.IntegerField(read_only=True)


class MeasureCountsSerializer(serializers.Serializer[dict[str, int]]):
    done = serializers.IntegerField(read_only=True)
    on_time = serializers.IntegerField(read_only=True)
    late = serializers.IntegerField(read_only=True)
    no_deadline = serializers.IntegerField(read_only=True)


class WorstChildSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    status = StatusSerializer(source="result", read_only=True)


class MeasureWorstChildSerializer(WorstChildSerializer):
    status = MeasureStatusSerializer(source="result", read_only=True)


class RollUpSerializer(StatusSerializer):
    worst = WorstChildSerializer(
        read_only=True, allow_null=True, help_text="The child with the worst status."
    )
    counts = StatusCountsSerializer(read_only=True, help_text="Direct children per status.")
    indicators = StatusCountsSerializer(
        source="leaves", read_only=True, help_text="All indicators below per status."
    )


class MeasureRollUpSerializer(MeasureStatusSerializer):
    worst = MeasureWorstChildSerializer(read_only=True, allow_null=True)
    counts = MeasureCountsSerializer(read_only=True, help_text="Measures per status.")


def _body(serializer: serializers.Field) -> BodyStatus:  # type: ignore[type-arg]
    """Return the statuses the view computed for the response."""
    status: BodyStatus = serializer.context["status"]
    return status


def _rollup(rolled: RollUp | None) -> dict[str, Any]:
    return dict(RollUpSerializer(rolled).data) if rolled is not None else {}


# --- the tree ---------------------------------------------------------------------------------


class CatalogIndicatorSerializer(serializers.ModelSerializer[Indicator]):
    values = IndicatorValueSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "key",
            "name",
            "unit",
            "unit_kind",
            "direction",
            "tolerance",
            "values",
            "status",
        ]
        read_only_fields = fields

    @extend_schema_field(StatusSerializer)
    def get_status(self, obj: Indicator) -> dict[str, Any]:
        return dict(StatusSerializer(_body(self).indicators[obj.pk].status).data)


class CatalogMeasureSerializer(serializers.ModelSerializer[Measure]):
    status = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = ["id", "key", "title", "owner", "due_date", "done_on", "status"]
        read_only_fields = fields

    @extend_schema_field(MeasureStatusSerializer)
    def get_status(self, obj: Measure) -> dict[str, Any]:
        return dict(MeasureStatusSerializer(_body(self).measures[obj.pk]).data)


class CatalogOperativeGoalSerializer(serializers.ModelSerializer[OperativeGoal]):
    measures = CatalogMeasureSerializer(many=True, read_only=True)
    indicators = CatalogIndicatorSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField()
    measure_status = serializers.SerializerMethodField()

    class Meta:
        model = OperativeGoal
        fields = [
            "id",
            "key",
            "number",
            "title",
            "departments",
            "products",
            "measures",
            "indicators",
            "status",
            "measure_status",
        ]
        read_only_fields = fields

    @extend_schema_field(RollUpSerializer)
    def get_status(self, obj: OperativeGoal) -> dict[str, Any]:
        return _rollup(_body(self).operative_goals.get(obj.pk))

    @extend_schema_field(MeasureRollUpSerializer)
    def get_measure_status(self, obj: OperativeGoal) -> dict[str, Any]:
        rolled = _body(self).operative_goal_measures.get(obj.pk)
        return dict(MeasureRollUpSerializer(rolled).data) if rolled is not None else {}


class CatalogStrategicGoalSerializer(serializers.ModelSerializer[StrategicGoal]):
    operative_goals = CatalogOperativeGoalSerializer(many=True, read_only=True)
    indicators = CatalogIndicatorSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = StrategicGoal
        fields = [
            "id",
            "number",
            "title",
            "valid_from",
            "valid_until",
            "products",
            "indicators",
            "operative_goals",
            "status",
        ]
        read_only_fields = fields

    @extend_schema_field(RollUpSerializer)
    def get_status(self, obj: StrategicGoal) -> dict[str, Any]:
        return _rollup(_body(self).strategic_goals.get(obj.pk))


class CatalogPolicyFieldSerializer(serializers.ModelSerializer[PolicyField]):
    strategic_goals = CatalogStrategicGoalSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = PolicyField
        fields = ["id", "key", "name", "vision", "strategic_goals", "status"]
        read_only_fields = fields

    @extend_schema_field(RollUpSerializer)
    def get_status(self, obj: PolicyField) -> dict[str, Any]:
        return _rollup(_body(self).policy_fields.get(obj.pk))


class CatalogProductSerializer(serializers.ModelSerializer[Product]):
    indicators = CatalogIndicatorSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["id", "code", "name", "department", "indicators", "status"]
        read_only_fields = fields

    @extend_schema_field(RollUpSerializer)
    def get_status(self, obj: Product) -> dict[str, Any]:
        return _rollup(_body(self).products.get(obj.pk))


class CatalogProductAreaSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(
        read_only=True, help_text="The product code up to its first separator, else two digits."
    )
    name = serializers.CharField(read_only=True)
    status = RollUpSerializer(read_only=True)
    products = CatalogProductSerializer(many=True, read_only=True)


class CatalogSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(read_only=True, help_text="The year of the statuses.")
    period = serializers.ChoiceField(choices=Period.choices, read_only=True)
    status = RollUpSerializer(read_only=True, help_text="The body's policy fields rolled up.")
    visions = VisionSerializer(many=True, read_only=True)
    policy_fields = CatalogPolicyFieldSerializer(many=True, read_only=True)
    product_areas = CatalogProductAreaSerializer(many=True, read_only=True)


class CatalogQuerySerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(
        required=False,
        min_value=1900,
        max_value=2200,
        error_messages={
            "invalid": _("Bitte ein Jahr als ganze Zahl angeben, z. B. 2025."),
            "min_value": _("Das Jahr muss {min_value} oder später sein."),
            "max_value": _("Das Jahr muss {max_value} oder früher sein."),
        },
    )
    period = serializers.ChoiceField(
        choices=Period.choices,
        required=False,
        error_messages={
            "invalid_choice": _("Unbekannter Zeitraum; erlaubt: year, h1, h2, q1, q2, q3, q4.")
        },
    )


class CatalogView(APIView):
    """The goal catalog as one tree: visions, policy fields, strategic and operative goals."""

    permission_classes = [IsBodyMember, NotExternalOnly]

    @extend_schema(
        operation_id="catalog_retrieve",
        summary="Read the goal catalog of the user's body",
        tags=["catalog"],
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 1900, "maximum": 2200},
                description="The year of the statuses (1900 to 2200); default: the year the "
                "current goal review reports (the current cycle's year minus one).",
            ),
            OpenApiParameter(
                "period",
                str,
                enum=Period.values,
                description="The reporting period within the year; default: year.",
            ),
        ],
        responses=CatalogSerializer,
    )
    def get(self, request: Request) -> Response:
        """Policy fields with their goals, measures, indicators (with values) and products.

        Every indicator, measure, goal, policy field, product and product area carries its
        status in the period (docs/controlling.md). Not paginated; the number of queries
        does not depend on the catalog's size.
        """
        body_id = user_body_id(request)
        query = CatalogQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or reporting_year_default(body_id)
        period = query.validated_data.get("period") or Period.YEAR
        status = body_status(body_id=body_id, year=year, period=period)
        catalog = {
            "year": year,
            "period": period,
            "status": status.body,
            "visions": visions_of_body(body_id),
            "policy_fields": goal_catalog(body_id),
            "product_areas": product_areas(product_catalog(body_id), status),
        }
        return Response(CatalogSerializer(catalog, context={"status": status}).data)
