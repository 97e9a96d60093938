"""Read a table of indicator actuals from CSV or XLSX bytes into header and text cells.

CSV: UTF-8 with or without BOM, else Windows-1252 (German Excel); separated by semicolon,
comma or tab, whichever the header line holds most of. XLSX: the sheet named like
"Istwerte", else the first sheet. Numbers in text cells are read with `number_parse`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024
# Largest file accepted, and what an XLSX may unpack to (more is refused, not unpacked).
ACTUALS_MAX_BYTES = 5 * MEGABYTE
XLSX_UNPACKED_MAX = 50 * MEGABYTE
# Largest number of data rows in one file.
ACTUALS_MAX_ROWS = 10_000
SHEET_NAMES = ("istwerte", "istwert", "ist")
ZIP_MAGIC = b"PK\x03\x04"
UTF8_BOM = b"\xef\xbb\xbf"

Cell = str | Decimal


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why (German, for people)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    """A file's header (as written) and its non-empty data rows with their row numbers."""

    header: list[str]
    rows: list[tuple[int, list[Cell]]]
    kind: str


def table_read(data: bytes, name: str) -> Table:
    """Read CSV or XLSX bytes into a table; refuse empty, too big or unreadable files."""
    if not data.strip():
        raise FileRefused(_("Die Datei „%(name)s“ ist leer.") % {"name": name})
    if len(data) > ACTUALS_MAX_BYTES:
        raise FileRefused(
            _("Die Datei „%(name)s“ ist zu groß (höchstens %(max)d MB).")
            % {"name": name, "max": ACTUALS_MAX_BYTES // MEGABYTE}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(ZIP_MAGIC):
        if extension not in ("xlsx", ""):
            raise _wrong_type(name)
        table = _xlsx_read(data, name)
    elif extension in ("csv", "txt", ""):
        table = _csv_read(data, name)
    else:
        raise _wrong_type(name)
    if not table.rows:
        raise FileRefused(
            _("Die Datei „%(name)s“ enthält keine Datenzeilen unter der Kopfzeile.")
            % {"name": name}
        )
    if len(table.rows) > ACTUALS_MAX_ROWS:
        raise FileRefused(
            _("Die Datei „%(name)s“ hat zu viele Zeilen (höchstens %(max)d).")
            % {"name": name, "max": ACTUALS_MAX_ROWS}
        )
    return table


def _wrong_type(name: str) -> FileRefused:
    """Return the refusal of a file that is neither CSV nor XLSX."""
    return FileRefused(_("Die Datei „%(name)s“ ist keine CSV- oder XLSX-Datei.") % {"name": name})


def _decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM), else Windows-1252; refuse binary content."""
    if b"\x00" in data:
        raise _wrong_type(name)
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(
            _(
                "Die Zeichenkodierung der Datei „%(name)s“ ist nicht lesbar "
                "(erwartet: UTF-8 oder Windows-1252)."
            )
            % {"name": name}
        ) from None


def _csv_read(data: bytes, name: str) -> Table:
    """Read CSV text; the delimiter is the one the header line holds most of."""
    text = _decode(data, name)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if header is None:
                header = cells
                continue
            rows.append((number, list(cells)))
    except csv.Error as exc:
        raise FileRefused(
            _("Die CSV-Datei „%(name)s“ ist nicht lesbar: %(error)s") % {"name": name, "error": exc}
        ) from None
    if header is None:
        raise FileRefused(_("Die Datei „%(name)s“ ist leer.") % {"name": name})
    return Table(header=header, rows=rows, kind="CSV")


def _xlsx_read(data: bytes, name: str) -> Table:
    """Read the "Istwerte" sheet, else the first one, of an XLSX workbook."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > XLSX_UNPACKED_MAX:
                raise FileRefused(_("Die Datei „%(name)s“ ist entpackt zu groß.") % {"name": name})
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRefused:
        raise
    except Exception:
        raise FileRefused(
            _("Die Datei „%(name)s“ ist keine lesbare XLSX-Datei.") % {"name": name}
        ) from None
    try:
        sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
        sheet = next((sheets[n] for n in SHEET_NAMES if n in sheets), workbook.worksheets[0])
        header: list[str] | None = None
        rows: list[tuple[int, list[Cell]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(value) for value in values]
            if not any(cells):
                continue
            if header is None:
                header = [str(cell) for cell in cells]
                continue
            rows.append((number, cells))
    finally:
        workbook.close()
    if header is None:
        raise FileRefused(_("Die Datei „%(name)s“ ist leer.") % {"name": name})
    return Table(header=header, rows=rows, kind="XLSX")


def _xlsx_cell(value: object) -> Cell:
    """Return a cell as text, or as a decimal when the sheet holds a number."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Through its shortest text: 12.3 stays 12.3, not its binary neighbour.
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else ""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


_COMMA_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_DOT_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?[\d.]*,\d+$")
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def number_compact(text: str) -> str:
    """Return a number's text without spaces and thousands apostrophes, minus made ASCII."""
    return _SPACES.sub("", text).replace("\u2212", "-")


def uses_decimal_comma(texts: list[str]) -> bool:
    """Tell whether numbers in a file are German: any of them has a decimal comma."""
    return any(_COMMA_DECIMAL.match(number_compact(text)) for text in texts)


def number_parse(text: str, decimal_comma: bool) -> Decimal | None:
    """Return the number a text writes (`1.234,5` or `1,234.5` by the file's style), or None."""
    compact = number_compact(text)
    if decimal_comma:
        if not _COMMA_NUMBER.match(compact):
            return None
        compact = compact.replace(".", "").replace(",", ".")
    else:
        if not _DOT_NUMBER.match(compact):
            return None
        compact = compact.replace(",", "")
    try:
        return Decimal(compact)
    except InvalidOperation:
        return None
