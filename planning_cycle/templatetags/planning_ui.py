"""Template helpers of the web pages: state badges and links to workflow objects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.db import models
from django.utils import formats

from planning_cycle.selectors.budgets import euro_text, percent_text
from workflows.web import object_url

register = template.Library()

# KERN badge variant and icon per state; the label always says the state in words.
STATE_VARIANTS: dict[str, tuple[str, str]] = {
    "draft": ("info", "draft"),
    "proposed": ("info", "draft"),
    "submitted": ("info", "info"),
    "returned": ("danger", "warning"),
    "accepted": ("success", "success"),
    "approved": ("success", "success"),
    "adopted": ("success", "success"),
    "changed": ("success", "success"),
    "deferred": ("warning", "warning"),
    "dropped": ("danger", "danger"),
    "resolved": ("success", "success"),
    "in_implementation": ("info", "info"),
    "achieved": ("success", "success"),
    "partly_achieved": ("warning", "warning"),
    "not_achieved": ("danger", "danger"),
    "carried_over": ("warning", "info"),
    "closed": ("success", "check"),
    "withdrawn": ("danger", "close"),
}


@register.inclusion_tag("partials/state_badge.html")
def state_badge(state: str, label: str, visible: bool = True) -> dict[str, Any]:
    """Render a state as a KERN badge with icon and text."""
    variant, icon = STATE_VARIANTS.get(state, ("info", "info")) if visible else ("info", "draft")
    return {"variant": variant, "icon": icon, "label": label}


@register.simple_tag
def url_of(obj: models.Model) -> str:
    """Return the page of a workflow object."""
    return object_url(obj)


@register.filter
def number(value: Any) -> str:
    """Format a decimal without trailing zeros, in the current language's notation."""
    if value is None or value == "":
        return "\u2013"  # en dash: no value
    amount = Decimal(value)
    amount = (
        amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
    )
    return formats.number_format(amount, force_grouping=True)


@register.filter
def euro(value: Any) -> str:
    """Format an amount in euros, grouped, with cents only where there are any."""
    if value is None or value == "":
        return "\u2013"
    return euro_text(Decimal(value))


@register.filter
def percent(value: Any) -> str:
    """Format a percentage without trailing zeros."""
    if value is None or value == "":
        return "\u2013"
    return percent_text(Decimal(value))
