"""Validate a file of indicator actuals against a body: rows, columns, keys, products, periods.

The columns (German headers, any case; other columns are ignored) are documented in
docs/controlling.md, "Importing actuals". Every error names its row (the file's line or
sheet row, the header being row 1) and column; `actuals_validate` returns either rows
ready to write or errors, never both.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from planning_cycle.models import Body, Indicator, Period, Product

from .actuals_file import Cell, FileRefused, number_parse, table_read, uses_decimal_comma


class Column(enum.StrEnum):
    """A column of the import file, by its German header."""

    KEY = "Kennzahl"
    PRODUCT = "Produkt"
    YEAR = "Jahr"
    PERIOD = "Zeitraum"
    VALUE = "Wert"
    COMMENT = "Kommentar"
    SOURCE = "Quelle"


# Headers (lower case, without spaces) that name each column.
HEADER_ALIASES: dict[str, Column] = {
    "kennzahl": Column.KEY,
    "kennung": Column.KEY,
    "produkt": Column.PRODUCT,
    "produktnummer": Column.PRODUCT,
    "jahr": Column.YEAR,
    "zeitraum": Column.PERIOD,
    "periode": Column.PERIOD,
    "wert": Column.VALUE,
    "istwert": Column.VALUE,
    "kommentar": Column.COMMENT,
    "quelle": Column.SOURCE,
}

# Period cells (lower case, without spaces and dots) and the period they name.
PERIOD_ALIASES: dict[str, str] = {
    "": Period.YEAR,
    "jahr": Period.YEAR,
    "year": Period.YEAR,
    "h1": Period.H1,
    "hj1": Period.H1,
    "1halbjahr": Period.H1,
    "h2": Period.H2,
    "hj2": Period.H2,
    "2halbjahr": Period.H2,
    **{f"q{n}": f"q{n}" for n in range(1, 5)},
    **{f"{n}quartal": f"q{n}" for n in range(1, 5)},
}

YEAR_MIN, YEAR_MAX = 1990, 2100
SOURCE_MAX_LENGTH = 300  # IndicatorValue.source
# The value column's limits (max_digits=16, decimal_places=4).
INTEGER_DIGITS_MAX, DECIMAL_PLACES_MAX = 12, 4


@dataclass(frozen=True)
class RowError:
    """One error: its row and column when it has them, and a German message."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is not None and self.column is not None:
            return _("Zeile %(row)d, Spalte „%(column)s“: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Zeile %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass(frozen=True)
class ActualRow:
    """A valid row: the indicator's actual in one period, with comment and source if given."""

    row: int
    indicator: Indicator
    year: int
    period: str
    value: Decimal
    comment: str | None
    source: str | None


@dataclass
class Validation:
    """Rows ready to write, or the errors that keep the file from being written."""

    rows: list[ActualRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    kind: str = ""

    @property
    def valid(self) -> bool:
        """Tell whether the whole file may be written."""
        return not self.errors


@dataclass
class _Raw:
    """A row's cells by column, before the body's indicators are looked up."""

    row: int
    key: str
    product: str
    year: int | None
    period: str | None
    value: Decimal | None
    comment: str | None
    source: str | None


def actuals_validate(*, body: Body, data: bytes, name: str) -> Validation:
    """Read and check a file of actuals for the body; all its errors, or its rows."""
    try:
        table = table_read(data, name)
    except FileRefused as refused:
        return Validation(errors=[RowError(refused.message)])
    result = Validation(kind=table.kind)
    columns = _columns(table.header, result.errors)
    if result.errors:
        return result
    index = columns[Column.VALUE]
    decimal_comma = uses_decimal_comma(
        [c[index] for _n, c in table.rows if index < len(c) and isinstance(c[index], str)]  # type: ignore[misc]
    )
    raws = [_raw(n, cells, columns, decimal_comma, result.errors) for n, cells in table.rows]
    rows = _resolve(body, raws, result.errors)
    if not result.errors:
        result.rows = rows
    return result


def _columns(header: list[str], errors: list[RowError]) -> dict[Column, int]:
    """Map the header to columns; report duplicates and missing required columns."""
    columns: dict[Column, int] = {}
    for index, title in enumerate(header):
        column = HEADER_ALIASES.get("".join(str(title).split()).lower())
        if column is None:
            continue
        if column in columns:
            errors.append(
                RowError(_("Die Spalte steht mehrfach in der Kopfzeile."), 1, column.value)
            )
            continue
        columns[column] = index
    for required in (Column.YEAR, Column.VALUE):
        if required not in columns:
            errors.append(
                RowError(
                    _("Die Kopfzeile hat keine Spalte „%(column)s“.") % {"column": required.value},
                    1,
                )
            )
    if Column.KEY not in columns and Column.PRODUCT not in columns:
        errors.append(
            RowError(_("Die Kopfzeile braucht eine Spalte „Kennzahl“ oder „Produkt“."), 1)
        )
    return columns


def _text(cells: list[Cell], columns: dict[Column, int], column: Column) -> str:
    """Return a cell's text ('' when the column or cell is missing); integers without '.0'."""
    index = columns.get(column)
    if index is None or index >= len(cells):
        return ""
    cell = cells[index]
    if isinstance(cell, Decimal):
        return str(int(cell)) if cell == cell.to_integral_value() else str(cell)
    return cell


def _raw(
    number: int,
    cells: list[Cell],
    columns: dict[Column, int],
    decimal_comma: bool,
    errors: list[RowError],
) -> _Raw:
    """Check a row's own cells (year, period, value, lengths); report each bad cell."""
    raw = _Raw(
        row=number,
        key=_text(cells, columns, Column.KEY),
        product=_text(cells, columns, Column.PRODUCT),
        year=None,
        period=None,
        value=None,
        comment=_text(cells, columns, Column.COMMENT) if Column.COMMENT in columns else None,
        source=_text(cells, columns, Column.SOURCE) if Column.SOURCE in columns else None,
    )
    if not raw.key and not raw.product:
        column = Column.KEY if Column.KEY in columns else Column.PRODUCT
        errors.append(RowError(_("Keine Kennzahl und kein Produkt angegeben."), number, column))
    year_text = _text(cells, columns, Column.YEAR)
    if year_text.isdigit() and YEAR_MIN <= int(year_text) <= YEAR_MAX:
        raw.year = int(year_text)
    elif not year_text:
        errors.append(RowError(_("Das Jahr fehlt."), number, Column.YEAR))
    else:
        errors.append(
            RowError(
                _("„%(text)s“ ist kein Jahr (%(min)d bis %(max)d).")
                % {"text": year_text, "min": YEAR_MIN, "max": YEAR_MAX},
                number,
                Column.YEAR,
            )
        )
    period_text = _text(cells, columns, Column.PERIOD)
    raw.period = PERIOD_ALIASES.get(period_text.lower().replace(" ", "").replace(".", ""))
    if raw.period is None:
        errors.append(
            RowError(
                _("„%(text)s“ ist kein Zeitraum (Jahr, H1, H2, Q1 bis Q4).")
                % {"text": period_text},
                number,
                Column.PERIOD,
            )
        )
    raw.value = _value(cells, columns[Column.VALUE], decimal_comma, number, errors)
    if raw.source is not None and len(raw.source) > SOURCE_MAX_LENGTH:
        errors.append(RowError(_("Die Quelle ist länger als 300 Zeichen."), number, Column.SOURCE))
    return raw


def _value(
    cells: list[Cell],
    index: int,
    decimal_comma: bool,
    number: int,
    errors: list[RowError],
) -> Decimal | None:
    """Return the row's value; report a missing, unreadable or too long number."""
    cell = cells[index] if index < len(cells) else ""
    if isinstance(cell, Decimal):
        value: Decimal | None = cell
    elif not cell:
        errors.append(RowError(_("Der Wert fehlt."), number, Column.VALUE))
        return None
    else:
        value = number_parse(cell, decimal_comma)
        if value is None:
            errors.append(
                RowError(_("„%(text)s“ ist keine Zahl.") % {"text": cell}, number, Column.VALUE)
            )
            return None
    assert value is not None
    _sign, digits, exponent = value.as_tuple()
    places = -int(exponent) if int(exponent) < 0 else 0
    if places > DECIMAL_PLACES_MAX:
        value = value.normalize()
        exp = int(value.as_tuple().exponent)
        places = -exp if exp < 0 else 0
    if places > DECIMAL_PLACES_MAX or len(digits) - places > INTEGER_DIGITS_MAX:
        errors.append(
            RowError(
                _(
                    "„%(text)s“ ist zu lang (höchstens %(int)d Stellen vor und "
                    "%(dec)d nach dem Komma)."
                )
                % {"text": cell, "int": INTEGER_DIGITS_MAX, "dec": DECIMAL_PLACES_MAX},
                number,
                Column.VALUE,
            )
        )
        return None
    return value


def _resolve(body: Body, raws: Iterable[_Raw], errors: list[RowError]) -> list[ActualRow]:
    """Find each row's indicator in the body by key or product; report unknown and duplicates."""
    raws = list(raws)
    keys = {raw.key for raw in raws if raw.key}
    codes = {raw.product for raw in raws if raw.product}
    by_key = {i.key: i for i in Indicator.objects.filter(body=body, key__in=keys)}
    by_product: dict[str, list[Indicator]] = {code: [] for code in codes}
    for indicator in (
        Indicator.objects.filter(body=body, product__code__in=codes)
        .select_related("product")
        .order_by("key")
    ):
        assert indicator.product is not None
        by_product[indicator.product.code].append(indicator)
    known_codes = set(
        Product.objects.filter(body=body, code__in=codes).values_list("code", flat=True)
    )
    rows: list[ActualRow] = []
    seen: dict[tuple[int, int, str], int] = {}
    for raw in raws:
        found = _indicator(raw, by_key, by_product, known_codes, errors)
        if found is None or raw.year is None or raw.period is None or raw.value is None:
            continue
        indicator = found
        slot = (indicator.pk, raw.year, raw.period)
        if slot in seen:
            errors.append(
                RowError(
                    _(
                        "Der Istwert von Kennzahl „%(key)s“ für %(year)d, %(period)s steht "
                        "schon in Zeile %(first)d."
                    )
                    % {
                        "key": indicator.key,
                        "year": raw.year,
                        "period": Period(raw.period).label,
                        "first": seen[slot],
                    },
                    raw.row,
                )
            )
            continue
        seen[slot] = raw.row
        rows.append(
            ActualRow(
                row=raw.row,
                indicator=indicator,
                year=raw.year,
                period=raw.period,
                value=raw.value,
                comment=raw.comment,
                source=raw.source,
            )
        )
    return rows


def _indicator(
    raw: _Raw,
    by_key: dict[str, Indicator],
    by_product: dict[str, list[Indicator]],
    known_codes: set[str],
    errors: list[RowError],
) -> Indicator | None:
    """Return the row's indicator, or report why there is none."""
    if raw.product and raw.product not in known_codes:
        errors.append(
            RowError(
                _("Ein Produkt „%(code)s“ gibt es in dieser Kommune nicht.")
                % {"code": raw.product},
                raw.row,
                Column.PRODUCT,
            )
        )
        return None
    if raw.key:
        indicator = by_key.get(raw.key)
        if indicator is None:
            errors.append(
                RowError(
                    _("Eine Kennzahl „%(key)s“ gibt es in dieser Kommune nicht.")
                    % {"key": raw.key},
                    raw.row,
                    Column.KEY,
                )
            )
            return None
        if raw.product and indicator not in by_product[raw.product]:
            errors.append(
                RowError(
                    _("Die Kennzahl „%(key)s“ gehört nicht zum Produkt „%(code)s“.")
                    % {"key": raw.key, "code": raw.product},
                    raw.row,
                    Column.KEY,
                )
            )
            return None
        return indicator
    if not raw.product:
        return None
    candidates = by_product[raw.product]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        message = _("Das Produkt „%(code)s“ hat keine Kennzahl.") % {"code": raw.product}
    else:
        message = _(
            "Das Produkt „%(code)s“ hat mehrere Kennzahlen (%(keys)s): bitte die Spalte "
            "„Kennzahl“ angeben."
        ) % {"code": raw.product, "keys": ", ".join(i.key for i in candidates)}
    errors.append(RowError(message, raw.row, Column.PRODUCT))
    return None
