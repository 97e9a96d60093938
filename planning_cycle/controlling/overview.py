"""The controlling overview: the goal hierarchy with rolled-up statuses in one period.

`controlling_overview` reads in a fixed number of queries, whatever the number of goals
and indicators (`body_status`'s seven: it reuses their rows), and links every worst child
to its page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from planning_cycle.models import Period

from .rollup import RollUp
from .selectors import BodyStatus, FieldRef, GoalRef, IndicatorRef, IndicatorState, body_status


@dataclass
class IndicatorRow:
    """An indicator below a goal with its state in the period and its page."""

    indicator: IndicatorRef
    state: IndicatorState
    url: str


def _url_pattern(name: str) -> str:
    """Return the URL of `name` with `0` as its pk, to fill in per row (reverse is slow)."""
    return reverse(name, args=[0]).replace("/0/", "/{}/")


@dataclass
class GoalRow:
    """A goal (strategic or operative) with its status, its children and its worst child."""

    goal: GoalRef
    status: RollUp
    url: str
    indicators: list[IndicatorRow] = field(default_factory=list)
    children: list[GoalRow] = field(default_factory=list)
    worst_url: str = ""
    worst_label: str = ""


@dataclass
class FieldRow:
    """A policy field with its rolled-up status, its strategic goals and its worst child."""

    policy_field: FieldRef
    status: RollUp
    goals: list[GoalRow] = field(default_factory=list)
    worst_url: str = ""
    worst_label: str = ""


@dataclass
class Overview:
    """The body's policy fields with their statuses in one period."""

    status: BodyStatus
    fields: list[FieldRow]


def _worst(status: RollUp, candidates: list[tuple[str, str, str]]) -> tuple[str, str]:
    """Return label and URL of the first candidate (label, code, url) with the worst code.

    `roll_up` reports the first of equally bad children in catalog order; the candidates
    come in the same order, so the first with the worst child's status is that child.
    """
    if status.worst is None:
        return "", ""
    for label, code, url in candidates:
        if code == status.worst.result.code:
            return label, url
    return status.worst.label, ""


def controlling_overview(*, body_id: int, year: int, period: str = Period.YEAR) -> Overview:
    """Return the body's policy fields → strategic → operative goals → indicators, with status."""
    status = body_status(body_id=body_id, year=year, period=period)
    catalog = reverse("goal_catalog")
    indicator_url = _url_pattern("indicator_detail")
    operative_url = _url_pattern("operative_goal_detail")
    indicators: dict[tuple[str, int], list[IndicatorRow]] = {}
    for indicator in status.indicator_refs:
        if indicator.strategic_goal_id is not None:
            owner = ("s", indicator.strategic_goal_id)
        elif indicator.operative_goal_id is not None:
            owner = ("o", indicator.operative_goal_id)
        else:
            continue
        indicators.setdefault(owner, []).append(
            IndicatorRow(
                indicator, status.indicators[indicator.pk], indicator_url.format(indicator.pk)
            )
        )

    operative: dict[int, list[GoalRow]] = {}
    for ogoal in status.operative_goal_refs:
        rows = indicators.get(("o", ogoal.pk), [])
        row = GoalRow(
            goal=ogoal,
            status=status.operative_goals[ogoal.pk],
            url=operative_url.format(ogoal.pk),
            indicators=rows,
        )
        row.worst_label, row.worst_url = _worst(
            row.status, [(r.indicator.name, r.state.status.code, r.url) for r in rows]
        )
        operative.setdefault(ogoal.parent_id, []).append(row)

    strategic: dict[int, list[GoalRow]] = {}
    for sgoal in status.strategic_goal_refs:
        own = indicators.get(("s", sgoal.pk), [])
        children = operative.get(sgoal.pk, [])
        row = GoalRow(
            goal=sgoal,
            status=status.strategic_goals[sgoal.pk],
            url=f"{catalog}?jahr={year}&zeitraum={period}#strategisch-{sgoal.pk}",
            indicators=own,
            children=children,
        )
        candidates = [(r.indicator.name, r.state.status.code, r.url) for r in own] + [
            (f"{c.goal.number} {c.goal.title}", c.status.code, c.url)
            for c in children
            if not c.goal.superseded
        ]
        row.worst_label, row.worst_url = _worst(row.status, candidates)
        strategic.setdefault(sgoal.parent_id, []).append(row)

    fields: list[FieldRow] = []
    for policy_field in status.policy_field_refs:
        goals = strategic.get(policy_field.pk, [])
        field_row = FieldRow(policy_field, status.policy_fields[policy_field.pk], goals)
        field_row.worst_label, field_row.worst_url = _worst(
            field_row.status,
            [
                (f"{g.goal.number} {g.goal.title}", g.status.code, g.url)
                for g in goals
                if not g.goal.superseded
            ],
        )
        fields.append(field_row)
    return Overview(status=status, fields=fields)
