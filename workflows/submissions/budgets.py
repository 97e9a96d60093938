"""The plan's budget: the department's planned product budgets, the ceiling warning."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import Product, ProductBudget, User
from planning_cycle.selectors.budgets import ceiling_warning, planning_year
from planning_cycle.services.budgets import AmountInvalid, amount_parse
from workflows.models import DepartmentPlan
from workflows.services.content import ContentError, may_edit, not_editable_reason, not_permitted


class BudgetInputError(ContentError):
    """Some amounts were refused; `errors` holds the message per product id."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(" ".join(errors.values()), "amounts")
        self.errors = errors


def plan_ceiling_warning(plan: DepartmentPlan) -> str | None:
    """Warn when the plan's department plans more than its ceiling (the plan submit's warning)."""
    return ceiling_warning(plan.cycle, plan.department_id)


def plan_budget_set(
    *,
    acting_user: User,
    plan: DepartmentPlan,
    amounts: Mapping[int, Decimal | int | str | None],
    checker: ObjectPermissionChecker | None = None,
) -> DepartmentPlan:
    """Write the planned budgets (planning year) of the plan department's products.

    `amounts` maps product ids to the amount; an empty amount removes the product's budget
    of the planning year. Allowed to holders of `plan_edit` while the plan is a draft or
    returned; every product must be the plan's department's, and nothing is written unless
    every amount is valid. The plan's text and `updated_at` stay as they are.
    """
    checker = checker or ObjectPermissionChecker(acting_user)
    with transaction.atomic():
        locked = (
            DepartmentPlan.objects.select_for_update(of=("self",))
            .select_related("cycle", "department")
            .get(pk=plan.pk)
        )
        if not may_edit(acting_user, checker, locked):
            raise not_permitted()
        reason = not_editable_reason(locked)
        if reason:
            raise ContentError(reason, status=409)
        products = {
            p.pk: p
            for p in Product.objects.filter(
                body_id=locked.body_id, department_id=locked.department_id, pk__in=list(amounts)
            )
        }
        errors: dict[int, str] = {}
        parsed: dict[int, Decimal | None] = {}
        for product_id, raw in amounts.items():
            product = products.get(product_id)
            if product is None:
                errors[product_id] = _("Produkt %(id)s gehört nicht zu %(department)s.") % {
                    "id": product_id,
                    "department": locked.department.code,
                }
                continue
            try:
                parsed[product_id] = amount_parse(raw)
            except AmountInvalid as exc:
                errors[product_id] = _("Produkt %(code)s: Ansatz %(problem)s.") % {
                    "code": product.code,
                    "problem": exc.message,
                }
        if errors:
            raise BudgetInputError(errors)
        year = planning_year(locked.cycle)
        removed = [pk for pk, amount in parsed.items() if amount is None]
        ProductBudget.objects.filter(product_id__in=removed, year=year).delete()
        kept = {pk: amount for pk, amount in parsed.items() if amount is not None}
        existing = {
            b.product_id: b
            for b in ProductBudget.objects.filter(product_id__in=list(kept), year=year)
        }
        changed = []
        for product_id, amount in kept.items():
            budget = existing.get(product_id)
            if budget is not None and budget.amount != amount:
                budget.amount = amount
                changed.append(budget)
        ProductBudget.objects.bulk_update(changed, ["amount"])
        ProductBudget.objects.bulk_create(
            ProductBudget(body_id=locked.body_id, product_id=pk, year=year, amount=amount)
            for pk, amount in kept.items()
            if pk not in existing
        )
    return locked
