"""The goal review report as XLSX: overview, indicators and measures, one sheet each."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from planning_cycle.controlling.status import Status

from ..status import status_labels
from .data import GoalReview

NUMBER = "#,##0.####"
DATE = "DD.MM.YYYY"
Cell = str | int | float | object | None


def _sheet(
    book: Workbook, title: str, header: Sequence[str], index: int | None = None
) -> Worksheet:
    sheet = book.create_sheet(title, index) if index is not None else book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for n, text in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(1, n).column_letter].width = max(12, len(text) + 4)
    return sheet


def _formats(sheet: Worksheet, columns: dict[int, str]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for column, fmt in columns.items():
            row[column - 1].number_format = fmt


def goal_review_xlsx(review: GoalReview) -> bytes:
    """Return the goal review report as an XLSX workbook's bytes."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    labels = status_labels()
    overview = _sheet(
        book,
        _("Übersicht"),
        [
            _("Politikfeld"),
            _("Status"),
            *(labels[code] for code in Status.values),
            _("Am schlechtesten"),
            _("Begründung"),
        ],
    )
    for row in review.overview.fields:
        overview.append(
            [
                row.policy_field.name,
                row.status.label,
                *(row.status.leaves.get(code, 0) for code in Status.values),
                row.worst_label,
                row.status.reason,
            ]
        )
    _formats(overview, {n: "0" for n in range(3, 3 + len(Status.values))})

    indicators = _sheet(
        book,
        _("Kennzahlen"),
        [
            _("Politikfeld"),
            _("Ziel-Nr."),
            _("Ziel"),
            _("Kennzahl"),
            _("Einheit"),
            _("Zielvorgabe"),
            _("Zielwert"),
            _("Istwert"),
            _("Status"),
            _("Begründung"),
        ],
    )
    for field_row in review.overview.fields:
        for sgoal in field_row.goals:
            for goal in [sgoal, *sgoal.children]:
                for item in goal.indicators:
                    state = item.state
                    indicators.append(
                        [
                            field_row.policy_field.name,
                            goal.goal.number,
                            goal.goal.title,
                            item.indicator.name,
                            item.indicator.unit,
                            state.target_text,
                            state.target.value if state.target else None,
                            state.actual,
                            state.status.label,
                            state.status.reason,
                        ]
                    )
    _formats(indicators, {7: NUMBER, 8: NUMBER})

    measures = _sheet(
        book,
        _("Maßnahmen"),
        [
            _("Ziel-Nr."),
            _("Maßnahme"),
            _("verantwortlich"),
            _("Frist"),
            _("erledigt am"),
            _("Status"),
            _("Begründung"),
        ],
    )
    for m in review.measures:
        measures.append(
            [
                m.goal_number,
                m.measure.title,
                str(m.measure.owner) if m.measure.owner else "",
                m.measure.due_date,
                m.measure.done_on,
                m.status.label,
                m.status.reason,
            ]
        )
    _formats(measures, {4: DATE, 5: DATE})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
