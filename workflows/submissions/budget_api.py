"""The plan's budget in the API: /api/v1/plans/{id}/budget/ (read, and write while editable)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from planning_cycle.api.input import InputSerializer
from planning_cycle.selectors.budgets import BudgetStatus, department_budget
from planning_cycle.web import request_checker
from workflows.api.serializers import DepartmentRefSerializer
from workflows.api.transitions import content_problem
from workflows.models import DepartmentPlan
from workflows.services.content import ContentError

from .budgets import BudgetInputError, plan_budget_set


def _amount(help_text: Any = "", **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=2,
        read_only=True,
        allow_null=kwargs.pop("allow_null", False),
        help_text=help_text,
        **kwargs,
    )


class ProductBudgetRowSerializer(serializers.Serializer[Any]):
    product = serializers.IntegerField(source="product.pk", read_only=True)
    code = serializers.CharField(source="product.code", read_only=True)
    name = serializers.CharField(source="product.name", read_only=True)
    previous = _amount(_("Ansatz des Vorjahres (EUR)."), allow_null=True)
    planned = _amount(_("Geplanter Ansatz des Planungsjahres (EUR)."), allow_null=True)


class BudgetStatusSerializer(serializers.Serializer[BudgetStatus]):
    department = DepartmentRefSerializer(read_only=True)
    planning_year = serializers.IntegerField(
        read_only=True, help_text=_("Das geplante Haushaltsjahr: das Jahr nach dem Zyklusjahr.")
    )
    previous_year = serializers.IntegerField(read_only=True)
    planned = _amount(_("Summe der geplanten Ansätze der Produkte (EUR)."))
    previous = _amount(_("Summe der Ansätze des Vorjahres (EUR)."))
    ceiling = _amount(_("Obergrenze aus den Rahmenvorgaben (EUR)."), allow_null=True)
    excess = _amount(_("Überschreitung der Obergrenze (EUR)."), allow_null=True)
    savings = _amount(_("Vorjahr minus Planung (EUR); negativ: mehr als im Vorjahr."))
    savings_percent = _amount(_("Einsparung in % des Vorjahres."), allow_null=True)
    savings_target = _amount(_("Sparziel in % des Vorjahres."), allow_null=True)
    savings_required = _amount(_("Sparziel in EUR."), allow_null=True)
    savings_met = serializers.BooleanField(read_only=True, allow_null=True)
    warning = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Hinweis vor dem Einreichen.")
    )
    products = ProductBudgetRowSerializer(many=True, read_only=True)


class PlanBudgetLineSerializer(InputSerializer):
    product = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    amount = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        max_length=40,
        help_text=_("Betrag in EUR, z. B. „1250000.00“; leer oder null entfernt den Ansatz."),
    )


class PlanBudgetInputSerializer(InputSerializer):
    products = PlanBudgetLineSerializer(many=True, allow_empty=True, required=False, default=list)


class PlanBudgetMixin:
    """The budget action of the plans' viewset."""

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=BudgetStatusSerializer,
        summary="Read the plan's budget: planned against ceiling, savings against target",
    )
    @extend_schema(
        methods=["PATCH"],
        request=PlanBudgetInputSerializer,
        responses=BudgetStatusSerializer,
        summary="Set the planned budgets of the department's products (draft or returned)",
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path="budget",
        pagination_class=None,
        filter_backends=[],
    )
    def budget(self: Any, request: Request, pk: str | None = None) -> Response:
        """The department's planned budget for the planning year (cycle year + 1).

        PATCH sets the listed products' amounts (all or nothing); it answers the new status.
        """
        plan: DepartmentPlan = self.get_transition_object()
        if request.method == "PATCH":
            data = PlanBudgetInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            amounts: dict[int, Any] = {}
            for line in data.validated_data["products"]:
                if line["product"] in amounts:
                    raise serializers.ValidationError(
                        {
                            "products": [
                                _("Produkt %(id)s ist doppelt angegeben.") % {"id": line["product"]}
                            ]
                        }
                    )
                amounts[line["product"]] = line["amount"]
            try:
                plan_budget_set(
                    acting_user=request.user,  # type: ignore[arg-type]
                    plan=plan,
                    amounts=amounts,
                    checker=request_checker(request),  # type: ignore[arg-type]
                )
            except BudgetInputError as exc:
                raise serializers.ValidationError({"products": list(exc.errors.values())}) from exc
            except ContentError as exc:
                raise content_problem(exc) from exc
        status = department_budget(plan.cycle, plan.department)
        return Response(BudgetStatusSerializer(status).data)
