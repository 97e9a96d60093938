"""Serializers of the core domain: read shapes, and the input of an indicator actual."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from planning_cycle.api.input import InputSerializer
from planning_cycle.models import (
    Body,
    CycleMilestone,
    Department,
    Indicator,
    IndicatorValue,
    Measure,
    MilestoneAudience,
    MilestoneKind,
    OperativeGoal,
    Period,
    Phase,
    PhaseDeadline,
    PlanningCycle,
    PolicyField,
    Product,
    ProductBudget,
    StrategicGoal,
    Vision,
)


class BodySerializer(serializers.ModelSerializer[Body]):
    class Meta:
        model = Body
        fields = ["id", "key", "name", "kind", "state"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "parent", "takes_part"]
        read_only_fields = fields


class PhaseDeadlineSerializer(serializers.ModelSerializer[PhaseDeadline]):
    class Meta:
        model = PhaseDeadline
        fields = ["phase", "due_date", "switched_off"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer[CycleMilestone]):
    # "responsible": the notifications' tasks already name another choice set "audience".
    responsible = serializers.ChoiceField(
        source="audience", choices=MilestoneAudience.choices, read_only=True, label=_("zuständig")
    )
    phase = serializers.ChoiceField(
        choices=Phase.choices, allow_blank=True, read_only=True, label=_("Phase")
    )

    class Meta:
        model = CycleMilestone
        fields = ["id", "title", "kind", "due_date", "responsible", "phase", "done_at"]
        read_only_fields = fields


class CycleSerializer(serializers.ModelSerializer[PlanningCycle]):
    deadlines = PhaseDeadlineSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = PlanningCycle
        fields = [
            "id",
            "year",
            "title",
            "phase",
            "created_at",
            "updated_at",
            "deadlines",
            "milestones",
        ]
        read_only_fields = fields


class MilestoneInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200, label=_("Titel"))
    kind = serializers.ChoiceField(choices=MilestoneKind.choices, label=_("Art"))
    due_date = serializers.DateField(label=_("fällig am"))
    responsible = serializers.ChoiceField(
        choices=MilestoneAudience.choices,
        label=_("zuständig"),
        help_text=_(
            "Wer erinnert wird: alle Fachdienste, Verwaltungsleitung, "
            "Strategische Steuerung oder Sitzungsdienst."
        ),
    )
    phase = serializers.ChoiceField(
        choices=Phase.choices,
        required=False,
        allow_blank=True,
        default="",
        label=_("Phase"),
        help_text=_("Die Phase, zu der der Termin gehört (optional; nicht „closed“)."),
    )


class CycleCreateSerializer(InputSerializer):
    """A new cycle with its calendar; what the calendar leaves out comes from the body's."""

    year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("Jahr"))
    title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        label=_("Titel"),
        help_text=_("Leer: „Planungszyklus <Jahr>“."),
    )
    dates = serializers.DictField(
        child=serializers.DateField(),
        required=False,
        default=dict,
        label=_("Phasentermine"),
        help_text=_('Fälligkeit je Phase, z. B. {"retreat": "2027-06-30"}.'),
    )
    switched_off = serializers.ListField(
        child=serializers.ChoiceField(choices=[c for c in Phase.choices if c[0] != Phase.CLOSED]),
        required=False,
        allow_null=True,
        default=None,
        label=_("abgeschaltete Phasen"),
        help_text=_("Phasen, die der Zyklus überspringt; ohne Angabe die der Kommune."),
    )
    milestones = MilestoneInputSerializer(
        many=True, required=False, default=list, label=_("Termine")
    )


class VisionSerializer(serializers.ModelSerializer[Vision]):
    class Meta:
        model = Vision
        fields = ["id", "key", "title", "text"]
        read_only_fields = fields


class PolicyFieldSerializer(serializers.ModelSerializer[PolicyField]):
    class Meta:
        model = PolicyField
        fields = ["id", "key", "name", "vision", "baseline", "objective", "position"]
        read_only_fields = fields


class StrategicGoalSerializer(serializers.ModelSerializer[StrategicGoal]):
    class Meta:
        model = StrategicGoal
        fields = [
            "id",
            "policy_field",
            "number",
            "title",
            "description",
            "valid_from",
            "valid_until",
            "products",
            "position",
        ]
        read_only_fields = fields


class OperativeGoalSerializer(serializers.ModelSerializer[OperativeGoal]):
    class Meta:
        model = OperativeGoal
        fields = [
            "id",
            "strategic_goal",
            "key",
            "number",
            "title",
            "description",
            "departments",
            "products",
            "valid_from",
            "valid_until",
            "position",
        ]
        read_only_fields = fields


class MeasureSerializer(serializers.ModelSerializer[Measure]):
    partners = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "operative_goal",
            "key",
            "title",
            "description",
            "owner",
            "partners",
            "due_date",
            "done_on",
            "cost",
            "products",
            "position",
        ]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
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
            "strategic_goal",
            "operative_goal",
            "product",
        ]
        read_only_fields = fields


class IndicatorValueSerializer(serializers.ModelSerializer[IndicatorValue]):
    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "year",
            "period",
            "kind",
            "value",
            "target_kind",
            "upper_value",
            "comment",
            "source",
        ]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer[Product]):
    class Meta:
        model = Product
        fields = ["id", "code", "name", "department"]
        read_only_fields = fields


class ProductBudgetSerializer(serializers.ModelSerializer[ProductBudget]):
    class Meta:
        model = ProductBudget
        fields = ["id", "product", "year", "amount"]
        read_only_fields = fields


# --- input of an actual value ---------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string", "maxLength": 40}],
        "nullable": True,
        "example": "48.5",
        "description": 'A decimal number (up to 4 places); null or "" removes the value.',
    }
)
class DecimalInputField(serializers.Field):  # type: ignore[type-arg]
    """A number or a decimal string, passed on as text: the service parses and checks it."""

    default_error_messages = {
        "invalid": _("Bitte geben Sie eine Zahl ein, zum Beispiel 48,5."),
        # DRF's own message, with its translations.
        "max_length": _("Ensure this field has no more than {max_length} characters."),
    }
    MAX_LENGTH = 40

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool) or not isinstance(data, int | float | str | Decimal):
            self.fail("invalid")
        text = str(data)
        if len(text) > self.MAX_LENGTH:
            self.fail("max_length", max_length=self.MAX_LENGTH)
        return text

    def to_representation(self, value: Any) -> str:
        return str(value)


class ActualInputSerializer(InputSerializer):
    year = serializers.IntegerField(
        label=_("Jahr"), help_text=_("Das Jahr, auf das sich der Istwert bezieht.")
    )
    value = DecimalInputField(
        label=_("Wert"),
        allow_null=True,
        help_text=_("Leer oder null entfernt den Istwert (nur für das ganze Jahr)."),
    )
    period = serializers.ChoiceField(
        label=_("Zeitraum"),
        choices=Period.choices,
        default=Period.YEAR,
        help_text=_("Möglich sind die Zeiträume, die die Kommune berichtet."),
    )
    comment = serializers.CharField(
        label=_("Kommentar"), max_length=2000, required=False, allow_blank=True, default=""
    )
    source = serializers.CharField(  # type: ignore[assignment]
        label=_("Quelle"), max_length=300, required=False, allow_blank=True, default=""
    )
