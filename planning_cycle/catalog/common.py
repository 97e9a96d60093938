"""Share the location type, the message types and the problem collector of the catalog loader."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

Loc = tuple[str | int, ...]


def format_path(loc: Iterable[str | int]) -> str:
    """Return a location as `policy_fields[1].strategic_goals[0].number`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class CatalogMessage:
    """A message about one place in a catalog file."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        """Return `file, Zeile n, path: message`."""
        parts = [self.file]
        if self.line is not None:
            parts.append(_("Zeile %(line)d") % {"line": self.line})
        if self.path:
            parts.append(self.path)
        return f"{', '.join(parts)}: {self.message}"


class CatalogProblem(CatalogMessage):
    """A reason to reject a catalog file."""


class CatalogWarning(CatalogMessage):
    """A finding the importer can handle but the author should know about."""


class Checker:
    """Collects problems and warnings for one file and knows the line of every element."""

    def __init__(self, file: str) -> None:
        """Start with no findings."""
        self.file = file
        self.lines: dict[Loc, int] = {}
        self.problems: list[CatalogProblem] = []
        self.warnings: list[CatalogWarning] = []

    def line(self, loc: Loc) -> int | None:
        """Return the line of an element, or of its closest enclosing element."""
        return line_of(self.lines, loc)

    def problem(self, loc: Loc, message: str, line: int | None = None) -> None:
        """Record a problem at an element."""
        self.problems.append(
            CatalogProblem(self.file, line or self.line(loc), format_path(loc), message)
        )

    def warning(self, loc: Loc, message: str) -> None:
        """Record a warning at an element."""
        self.warnings.append(CatalogWarning(self.file, self.line(loc), format_path(loc), message))


def line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    """Return the line of loc or of its longest known prefix."""
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc)
