"""Charts as inline SVG, readable without colour: text labels, patterns, markers and dashes.

The SVG uses presentation attributes only (no style attributes), so the pages keep their
strict Content-Security-Policy, and WeasyPrint draws the same markup in the PDF.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from planning_cycle.controlling.formatting import number
from planning_cycle.controlling.status import Status

# Fill (a pattern id) and label per status; the pattern tells the status apart without colour.
STATUS_FILLS: dict[str, tuple[str, str]] = {
    Status.MET: ("pc-met", "#2e7d32"),
    Status.WITHIN_TOLERANCE: ("pc-tol", "#b26a00"),
    Status.MISSED: ("pc-miss", "#c62828"),
    Status.NO_DATA: ("pc-none", "#616161"),
}

_PATTERNS = (
    "<defs>"
    '<pattern id="{p}-pc-met" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#2e7d32"/></pattern>'
    '<pattern id="{p}-pc-tol" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#fff3e0"/><circle cx="3" cy="3" r="1.6" fill="#b26a00"/>'
    "</pattern>"
    '<pattern id="{p}-pc-miss" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffebee"/>'
    '<rect width="3" height="6" fill="#c62828"/></pattern>'
    '<pattern id="{p}-pc-none" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#ffffff"/><path d="M0 3H6M3 0V6" stroke="#616161" '
    'stroke-width="1"/></pattern>'
    "</defs>"
)


def status_bar(
    counts: Mapping[str, int],
    labels: Mapping[str, str],
    title: str,
    prefix: str,
    width: int = 480,
) -> SafeString:
    """Return a horizontal bar of counts per status: patterned segments with text labels.

    `prefix` makes the ids of the chart's patterns unique on the page.
    """
    total = sum(counts.values())
    height, bar = 58, 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="status-bar" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        _PATTERNS.replace("{p}", escape(prefix)),
    ]
    x = 0.0
    legend_x = 0
    for code, (pattern, stroke) in STATUS_FILLS.items():
        n = counts.get(code, 0)
        label = f"{labels.get(code, code)}: {n}"
        if n and total:
            w = width * n / total
            parts.append(
                f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{bar}" '
                f'fill="url(#{prefix}-{pattern})" stroke="{stroke}" stroke-width="1"/>'
            )
            x += w
        parts.append(
            f'<rect x="{legend_x}" y="{bar + 10}" width="12" height="12" '
            f'fill="url(#{prefix}-{pattern})" stroke="{stroke}" stroke-width="1"/>'
            f'<text x="{legend_x + 16}" y="{bar + 20}" font-size="11" '
            f'fill="#000000">{escape(label)}</text>'
        )
        # Each entry as wide as its text (about 6 px a character at 11 px), so that a long
        # label ("im Toleranzbereich") does not run into the next one.
        legend_x += max(width // 5, 16 + len(label) * 6 + 18)
    if not total:
        parts.append(
            f'<text x="4" y="15" font-size="11" fill="#000000">'
            f"{escape(_('Keine Kennzahlen'))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above


@dataclass(frozen=True)
class Series:
    """A line of the trend chart: its name, dash pattern, marker and points (x index, value)."""

    name: str
    dash: str
    marker: str  # "circle" or "square"
    points: Sequence[tuple[int, Decimal]]


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "square":
        return (
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" '
            f'fill="#ffffff" stroke="#000000" stroke-width="1.5"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#000000"/>'


def trend_chart(periods: Sequence[str], series: Sequence[Series], title: str) -> SafeString:
    """Return a line chart of the series over the periods, with value labels and a legend."""
    width, height = 640, 300
    left, right, top, bottom = 60, 20, 20, 80
    values = [v for s in series for _, v in s.points]
    low = min(values, default=Decimal(0))
    high = max(values, default=Decimal(1))
    low = min(low, Decimal(0))
    if high == low:
        high = low + 1
    span = float(high - low)
    step = (width - left - right) / max(len(periods) - 1, 1)

    def xy(index: int, value: Decimal) -> tuple[float, float]:
        y = top + (height - top - bottom) * (1 - float(value - low) / span)
        return left + index * step, y

    base = height - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#000000"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#000000"/>',
        f'<text x="{left - 6}" y="{top + 4}" font-size="10" text-anchor="end" '
        f'fill="#000000">{escape(number(high))}</text>',
        f'<text x="{left - 6}" y="{base + 4}" font-size="10" text-anchor="end" '
        f'fill="#000000">{escape(number(low))}</text>',
    ]
    for index, period in enumerate(periods):
        x = left + index * step
        parts.append(
            f'<text x="{x:.1f}" y="{base + 16}" font-size="10" text-anchor="middle" '
            f'fill="#000000">{escape(period)}</text>'
        )
    for offset, line in enumerate(series):
        coords = [xy(i, v) for i, v in line.points]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="#000000" stroke-width="1.5"'
                + (f' stroke-dasharray="{line.dash}"' if line.dash else "")
                + "/>"
            )
        for (x, y), (_i, value) in zip(coords, line.points, strict=True):
            parts.append(_marker(line.marker, x, y))
            dy = -8 if offset == 0 else 16
            parts.append(
                f'<text x="{x:.1f}" y="{y + dy:.1f}" font-size="10" text-anchor="middle" '
                f'fill="#000000">{escape(number(value))}</text>'
            )
        legend_y = base + 36 + offset * 18
        sample = (
            f'<line x1="{left}" y1="{legend_y}" x2="{left + 30}" y2="{legend_y}" '
            f'stroke="#000000" stroke-width="1.5"'
            + (f' stroke-dasharray="{line.dash}"' if line.dash else "")
            + "/>"
        )
        parts.append(sample + _marker(line.marker, left + 15, legend_y))
        parts.append(
            f'<text x="{left + 40}" y="{legend_y + 4}" font-size="11" '
            f'fill="#000000">{escape(line.name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above
