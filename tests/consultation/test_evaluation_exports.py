"""The weighing table downloads: XLSX and PDF, with and without personal data."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from planning_cycle.models import Role
from tests.support.world import World

from .evaluation_support import Weighing, _evaluation_urls, weighing_build

__all__ = ["_evaluation_urls"]


@pytest.fixture
def weighing(world: World) -> Weighing:
    w = weighing_build(world)
    w.weigh_all()
    return w


def _get(weighing: Weighing, suffix: str) -> bytes:
    client = Client()
    client.force_login(weighing.strategy)
    response = client.get(f"/beteiligung/{weighing.round.round.pk}/abwaegungstabelle{suffix}")
    assert response.status_code == 200
    assert f"Abwaegungstabelle-{weighing.round.round.pk}." in response["Content-Disposition"]
    return bytes(response.content)


def _person(weighing: Weighing) -> tuple[str, str]:
    head = weighing.world.users[Role.DEPARTMENT_HEAD]
    return head.get_full_name(), head.email


def test_xlsx_holds_the_rows(weighing: Weighing) -> None:
    book = load_workbook(io.BytesIO(_get(weighing, ".xlsx")))
    sheet = book.active
    assert sheet is not None
    assert "Entwurf Kreisentwicklungskonzept" in str(sheet["A1"].value)
    assert sheet.freeze_panes == "B4"
    header = [c.value for c in sheet[3]]
    assert header[:2] == ["Nr.", "Stellungnahme von"]
    assert "Begründung der Abwägung" in header
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert len(values) == 4
    texts = {str(v) for row in values for v in row}
    assert "ABLEHNUNG-FD31 der Radwege" in texts
    assert "berücksichtigt" in texts
    name, email = _person(weighing)
    assert any(name in t and email in t for t in texts)


def test_xlsx_without_personal_data(weighing: Weighing) -> None:
    book = load_workbook(io.BytesIO(_get(weighing, ".xlsx?anonym=1")))
    sheet = book.active
    assert sheet is not None
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert "ABLEHNUNG-FD31" in cells
    assert weighing.round.organisations[0].name in cells  # organisations stay
    for user in (*weighing.round.contacts.values(), weighing.world.users[Role.DEPARTMENT_HEAD]):
        assert user.get_full_name() not in cells
        assert user.email not in cells


def test_xlsx_filtered_holds_only_the_filtered_rows(weighing: Weighing) -> None:
    book = load_workbook(io.BytesIO(_get(weighing, ".xlsx?position=rejection")))
    sheet = book.active
    assert sheet is not None
    # The row keeps its number from the whole table (the general statement comes first).
    assert [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=4)] == [
        (2, str(weighing.statements[0].invitee))
    ]


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    return " ".join(p.extract_text() for p in reader.pages)


def test_pdf_holds_the_statements(weighing: Weighing) -> None:
    text = _pdf_text(_get(weighing, ".pdf"))
    assert "ABLEHNUNG-FD31" in text
    assert "Abwägungstabelle: Entwurf Kreisentwicklungskonzept" in text
    assert weighing.world.users[Role.DEPARTMENT_HEAD].last_name in text


def test_pdf_without_personal_data(weighing: Weighing) -> None:
    text = _pdf_text(_get(weighing, ".pdf?anonym=1"))
    assert "ABLEHNUNG-FD31" in text
    for user in (*weighing.round.contacts.values(), weighing.world.users[Role.DEPARTMENT_HEAD]):
        assert user.last_name not in text
        assert user.email not in text


def test_xlsx_keeps_formula_like_text_as_text(weighing: Weighing) -> None:
    import dataclasses

    from workflows.consultation.exports import weighing_xlsx
    from workflows.consultation.selectors.evaluation import weighing_rows

    rows = weighing_rows(weighing.round.round)
    rows[0] = dataclasses.replace(rows[0], text='=HYPERLINK("http://example.org","x")')
    book = load_workbook(io.BytesIO(weighing_xlsx(weighing.round.round, rows, anonymous=True)))
    sheet = book.active
    assert sheet is not None
    cell = sheet.cell(row=4, column=6)
    assert cell.value == '=HYPERLINK("http://example.org","x")'
    assert cell.data_type == "s"
