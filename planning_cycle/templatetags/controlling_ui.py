"""Template tags of the controlling pages: statuses by id, values as text, the check link."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from planning_cycle.controlling.consistency import catalog_check_allowed
from planning_cycle.controlling.formatting import period_text, target_text, with_unit
from planning_cycle.controlling.overview import GoalRow
from planning_cycle.controlling.selectors import BodyStatus
from planning_cycle.controlling.status import Result, effective_kind
from planning_cycle.models import Indicator, IndicatorValue, ValueKind
from planning_cycle.services.actuals import IMPORT_ROLES
from planning_cycle.web import request_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def may_check_catalog(context: Any) -> bool:
    """Tell whether the user's roles lead to the catalog's consistency check."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    return catalog_check_allowed(request_roles(request))


@register.simple_tag(takes_context=True)
def may_import_actuals(context: Any) -> bool:
    """Tell whether the user may import indicator actuals from a file."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    return bool(request_roles(request) & IMPORT_ROLES)


@register.simple_tag
def status_of(status: BodyStatus, table: str, pk: int) -> Any:
    """Return the status of a row: `indicators`, `measures`, `operative_goals` …"""
    return getattr(status, table, {}).get(pk)


@register.simple_tag
def value_text(value: IndicatorValue, indicator: Indicator) -> str:
    """Return a value with its unit; a target with its kind (`≥ 60 %`)."""
    if value.kind == ValueKind.TARGET:
        kind = effective_kind(value.target_kind, indicator.direction)
        upper = value.upper_value
        return target_text(kind, value.value, upper, indicator.unit_kind, indicator.unit)
    return with_unit(value.value, indicator.unit_kind, indicator.unit)


@register.filter
def period_of(value: IndicatorValue) -> str:
    """Return a value's period as text: `2025`, `1. Halbjahr 2025`."""
    return period_text(value.year, value.period)


@register.simple_tag
def amount_text(value: Decimal | None, indicator: Indicator) -> str:
    """Return a number with the indicator's unit, or a dash for none."""
    return "\u2013" if value is None else with_unit(value, indicator.unit_kind, indicator.unit)


@register.simple_tag
def reporting_period(year: int, period: str) -> str:
    """Return a year and period as text: `2025`, `1. Halbjahr 2025`."""
    return period_text(year, period)


def _esc(value: object) -> str:
    """Return a value escaped for HTML, as Django's `conditional_escape` does.

    Without `keep_lazy`'s checks per call: the overview escapes thousands of values.
    """
    if isinstance(value, SafeString):
        return value
    return html.escape(str(value), quote=True)


@register.simple_tag
def status_badge(status: Result) -> SafeString:
    """Return a status as a KERN badge with its icon and its label in words."""
    # A tag rather than an include: the overview shows hundreds of badges.
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<span class="kern-badge kern-badge--{_esc(status.variant)}">'
        f'<span class="kern-icon kern-icon--{_esc(status.icon)}" aria-hidden="true"></span>'
        f'<span class="kern-label kern-label--small">{_esc(status.label)}</span></span>'
    )


@register.simple_tag
def status_line(status: Result | None, prefix: str = "") -> SafeString:
    """Return a status as a line: the prefix, the badge and the reason (as goals/_status.html)."""
    if not status:
        return SafeString("")
    return format_html(
        '<p class="kern-body kern-body--small status-line">{}{} '
        '<span class="status-line__reason">{}</span></p>',
        format_html("<strong>{}</strong> ", prefix) if prefix else "",
        status_badge(status),
        status.reason,
    )


def _shortened(text: str, limit: int) -> str:
    """Return the text cut to `limit` characters with an ellipsis, if it is longer."""
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"


@register.simple_tag
def operative_goal_items(rows: list[GoalRow], superseded: str, worst_prefix: str) -> SafeString:
    """Return the list items of operative goals: link, badge, reason and worst child.

    A tag rather than a loop in the template: the overview lists hundreds of goals.
    """
    items = []
    for row in rows:
        goal = row.goal
        after = f" ({_esc(superseded)})" if goal.superseded else ""
        worst = (
            f' <span class="kern-body--small">{_esc(worst_prefix)} '
            f'<a class="kern-link" href="{_esc(row.worst_url)}">{_esc(row.worst_label)}</a></span>'
            if row.worst_label
            else ""
        )
        items.append(
            f'<li><a class="kern-link" href="{_esc(row.url)}">{_esc(goal.number)} '
            f"{_esc(_shortened(goal.title, 120))}</a>{after} {status_badge(row.status)} "
            f'<span class="kern-body--small">{_esc(row.status.reason)}</span>{worst}</li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value is escaped
