"""The status bar's segments are filled with patterns it defines, unique per chart."""

from __future__ import annotations

import re

from planning_cycle.controlling.reports.charts import status_bar
from planning_cycle.controlling.status import Status

LABELS = {Status.MET: "erfüllt", Status.MISSED: "verfehlt"}


def test_every_fill_names_a_pattern_of_its_own_chart() -> None:
    first = str(status_bar({Status.MET: 2, Status.MISSED: 1}, LABELS, "A", prefix="pf1"))
    second = str(status_bar({Status.MET: 1}, LABELS, "B", prefix="pf2"))

    for svg, prefix in ((first, "pf1"), (second, "pf2")):
        defined = set(re.findall(r'<pattern id="([^"]+)"', svg))
        used = set(re.findall(r'fill="url\(#([^)]+)\)"', svg))
        assert used and used <= defined
        assert all(name.startswith(f"{prefix}-") for name in defined)
    ids = re.findall(r'id="([^"]+)"', first + second)
    assert len(ids) == len(set(ids))  # no id twice on a page with both charts
