"""What the reports show: the overview's hierarchy, the measures and the counts, read once."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from planning_cycle.controlling.overview import Overview, controlling_overview
from planning_cycle.controlling.rollup import INDICATORS
from planning_cycle.controlling.status import Result, Status, status_labels
from planning_cycle.models import Body, Measure

from .charts import status_bar


@dataclass(frozen=True)
class MeasureRow:
    """A measure with its operative goal's number and its status against the deadline."""

    measure: Measure
    goal_number: str
    status: Result


@dataclass
class GoalReview:
    """The content of the goal review report (Zielbilanz) of a body in one period."""

    body: Body
    overview: Overview
    measures: list[MeasureRow]

    @property
    def period_text(self) -> str:
        """Return the period as text."""
        return self.overview.status.period_text

    @property
    def totals(self) -> list[tuple[str, int]]:
        """Return the number of indicators per status (label, count) over the whole body."""
        body = self.overview.status.body
        leaves = body.leaves if body else INDICATORS.zero()
        return [(INDICATORS.label(code), leaves.get(code, 0)) for code in Status.values]


def field_chart(counts: dict[str, int], name: str, pk: int) -> str:
    """Return the bar of indicator counts per status of a policy field (ids after its pk)."""
    title = _("Kennzahlen nach Status: %(name)s") % {"name": name}
    return status_bar(counts, status_labels(), title, prefix=f"pf{pk}")


def goal_review(*, body: Body, year: int, period: str) -> GoalReview:
    """Return the body's goal review report content for the period (a fixed number of queries)."""
    overview = controlling_overview(body_id=body.pk, year=year, period=period)
    measures = [
        MeasureRow(m, m.operative_goal.number, overview.status.measures[m.pk])
        for m in Measure.objects.filter(body_id=body.pk)
        .select_related("operative_goal", "owner")
        .order_by("operative_goal__position", "operative_goal__number", "position")
    ]
    return GoalReview(body=body, overview=overview, measures=measures)
