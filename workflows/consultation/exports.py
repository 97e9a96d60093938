"""The weighing table (Abwägungstabelle) as an XLSX workbook and as a PDF (landscape A4)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .models import ConsultationRound
from .selectors.evaluation import WeighingRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters a spreadsheet reads as the start of a formula: such cell text is marked as
# text (quote prefix), so that a statement never runs as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _columns(anonymous: bool) -> list[tuple[str, int]]:
    """Return the headings with their widths (in characters)."""
    columns = [
        (_("Nr."), 6),
        (_("Stellungnahme von"), 24),
        (_("gemeinsam mit"), 18),
        (_("Abschnitt"), 18),
        (_("Haltung"), 16),
        (_("Stellungnahme"), 60),
        (_("Fassung"), 14),
        (_("abwägende Stelle"), 20),
        (_("Abwägungsergebnis"), 18),
        (_("Begründung der Abwägung"), 50),
        (_("freigegeben am"), 14),
    ]
    if not anonymous:
        columns.append((_("freigegeben von"), 24))
    return columns


def _values(row: WeighingRow, anonymous: bool) -> list[Any]:
    values: list[Any] = [
        row.number,
        row.invitee,
        ", ".join(row.co_signers),
        row.section,
        row.position_label,
        row.text,
        row.version_note or str(row.version),
        row.evaluator,
        row.disposition_label,
        row.reason,
        date_format(timezone.localtime(row.released_at), "SHORT_DATE_FORMAT")
        if row.released_at
        else "",
    ]
    if not anonymous:
        person = row.released_by
        if row.released_by_email:
            person = f"{person} ({row.released_by_email})" if person else row.released_by_email
        values.append(person)
    return values


def export_filename(round_: ConsultationRound, extension: str) -> str:
    """Return the download's file name, e.g. Abwaegungstabelle-12.xlsx."""
    return f"Abwaegungstabelle-{round_.pk}.{extension}"


def _title(round_: ConsultationRound, anonymous: bool, now: dt.datetime) -> str:
    title = _("Abwägungstabelle: %(round)s, Stand %(date)s") % {
        "round": round_.title,
        "date": date_format(timezone.localtime(now), "SHORT_DATE_FORMAT"),
    }
    if anonymous:
        title += " " + _("(ohne personenbezogene Daten)")
    return title


def weighing_xlsx(
    round_: ConsultationRound,
    rows: Sequence[WeighingRow],
    *,
    anonymous: bool,
    now: dt.datetime | None = None,
) -> bytes:
    """Return the weighing table as an XLSX workbook: title row, header, frozen pane."""
    now = now or timezone.now()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Abwägungstabelle")[:31]
    columns = _columns(anonymous)
    sheet.append([_title(round_, anonymous, now)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append([heading for heading, _width in columns])
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(_values(row, anonymous))
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                # Text, never a formula (a statement may start with "=" or "-").
                cell.data_type = "s"
                cell.quotePrefix = True
    for index, (_heading, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B4"
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(columns))}{max(sheet.max_row, 3)}"
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "3:3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Refuse every resource: the PDF is built from the template alone (no outside requests)."""
    raise ValueError(f"resource not allowed in the weighing table PDF: {url}")


def weighing_pdf(
    round_: ConsultationRound,
    rows: Sequence[WeighingRow],
    *,
    anonymous: bool,
    now: dt.datetime | None = None,
) -> bytes:
    """Return the weighing table as a PDF: a landscape A4 table with German headings."""
    from weasyprint import HTML  # imported here: loading pango takes a moment

    now = now or timezone.now()
    html = render_to_string(
        "consultation/weighing_pdf.html",
        {
            "round": round_,
            "rows": rows,
            "anonymous": anonymous,
            "title": _title(round_, anonymous, now),
            "headings": [heading for heading, _width in _columns(anonymous)],
            "cells": [_values(row, anonymous) for row in rows],
        },
    )
    pdf: bytes = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    return pdf
