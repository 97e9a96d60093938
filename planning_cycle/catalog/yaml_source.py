"""Read and parse a catalog file's YAML, recording the line of every element."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from .common import Checker, Loc


def read(path: Path, checker: Checker) -> str | None:
    """Return the file's text, or record why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        checker.problem((), _("Datei nicht gefunden."))
    except UnicodeDecodeError:
        checker.problem((), _("Die Datei ist nicht UTF-8-kodiert."))
    except OSError as exc:
        checker.problem((), _("Datei kann nicht gelesen werden: %(error)s") % {"error": exc})
    return None


class _SafeLoader(yaml.SafeLoader):
    """The safe loader, leaving impossible dates and integers as text for the schema."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        """Return an int, or the plain text when Python refuses it (over 4,300 digits)."""
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """Return a date or datetime, or the plain text when it is no real date."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)
_SafeLoader.add_constructor("tag:yaml.org,2002:int", _SafeLoader.construct_yaml_int)


def parse(text: str, checker: Checker) -> tuple[bool, Any]:
    """Return whether the YAML parsed and its data; record the line of every element."""
    loader: _SafeLoader | None = None
    try:
        # The reader rejects control characters already here, before any parsing.
        loader = _SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return True, None
        _index(node, (), checker, set(), _Budget(MAX_NODES))
        return True, loader.construct_document(node)
    except _TooLarge as exc:
        checker.problem(
            (),
            _(
                "Die Datei ist zu umfangreich: sie ergibt mehr als %(limit)s Einträge "
                "(Aliasse wie *name zählen jedes Mal, wenn sie vorkommen). Ein Zielkatalog "
                "braucht weit weniger; bitte Aliasse nicht ineinander verschachteln."
            )
            % {"limit": f"{MAX_NODES:,}".replace(",", ".")},
            line=exc.line,
        )
    except RecursionError:
        # PyYAML parses nested collections recursively; hundreds of levels exhaust the stack.
        checker.problem(
            (),
            _(
                "Die Datei ist zu tief verschachtelt (Hunderte von Listen oder Zuordnungen "
                "ineinander); ein Zielkatalog braucht höchstens zehn Ebenen."
            ),
            line=_line_at(text, loader.get_mark().index) if loader is not None else None,
        )
    except yaml.reader.ReaderError as exc:
        checker.problem(
            (),
            _(
                "Unzulässiges Zeichen U+%(code)04X (ein Steuer- oder Sonderzeichen); YAML "
                "erlaubt es nirgends in der Datei, auch nicht in Kommentaren."
            )
            % {"code": exc.character},
            line=_line_at(text, exc.position),
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(part for part in (exc.context, exc.problem) if part)
        checker.problem(
            (),
            _("YAML-Syntaxfehler (Meldung des Parsers: %(detail)s).") % {"detail": detail},
            line=mark.line + 1 if mark else None,
        )
    except yaml.YAMLError as exc:
        checker.problem(
            (), _("YAML-Syntaxfehler (Meldung des Parsers: %(detail)s).") % {"detail": exc}
        )
    finally:
        if loader is not None:
            loader.dispose()
    return False, None


def _line_at(text: str, position: int) -> int:
    """Return the line (from 1) of a character position in text."""
    return text.count("\n", 0, max(position, 0)) + 1


# The most YAML nodes a catalog may expand to, aliases counted at every use. The shipped
# catalogs have under 1,000; the cap stops "billion laughs" files (nested aliases that
# expand exponentially) before they are indexed, constructed or validated.
MAX_NODES = 100_000


class _TooLarge(Exception):
    """The document expands to more than MAX_NODES nodes."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


@dataclass
class _Budget:
    """How many more nodes the index may visit."""

    remaining: int

    def spend(self, node: yaml.Node) -> None:
        """Count one node; raise _TooLarge when the budget is exhausted."""
        self.remaining -= 1
        if self.remaining < 0:
            raise _TooLarge(node.start_mark.line + 1)


def _index(node: yaml.Node, loc: Loc, checker: Checker, active: set[int], budget: _Budget) -> None:
    """Record the line of every mapping key and sequence item below node."""
    if id(node) in active:  # a recursive alias; the constructor reports or accepts it
        return
    budget.spend(node)
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + 1
            child = (*loc, key)
            if key in seen and key != "<<":
                checker.problem(
                    child,
                    _("Der Schlüssel „%(key)s“ steht doppelt (zuerst in Zeile %(first)d).")
                    % {"key": key, "first": seen[key]},
                    line=line,
                )
            else:
                seen[key] = line
            checker.lines[child] = line  # the last occurrence wins, as in the loaded data
            _index(value_node, child, checker, active, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*loc, index)
            checker.lines[child] = item.start_mark.line + 1
            _index(item, child, checker, active, budget)
    if not loc:
        checker.lines[()] = node.start_mark.line + 1
    active.discard(id(node))


# --- control characters ----------------------------------------------------------------

# Tab and line breaks may appear in texts; every other control character (written in YAML
# as an escape such as "\\0" or "\\a") is refused: no catalog text needs one, and PostgreSQL
# cannot store NUL at all.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _control_character(text: str) -> str | None:
    """Return the first control character of text that is not allowed, or None."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
            return char
    return None


def check_characters(value: Any, loc: Loc, checker: Checker, active: set[int]) -> None:
    """Record every key and text of the raw data that holds a forbidden control character."""
    if isinstance(value, str):
        char = _control_character(value)
        if char is not None:
            checker.problem(
                loc,
                _("Der Text enthält das Steuerzeichen U+%(code)04X; das ist nicht erlaubt.")
                % {"code": ord(char)},
            )
        return
    if not isinstance(value, dict | list) or id(value) in active:
        return  # a recursive alias is visited once
    active.add(id(value))
    if isinstance(value, dict):
        for key, item in value.items():
            child = (*loc, key if isinstance(key, str) else str(key))
            if isinstance(key, str) and _control_character(key) is not None:
                check_characters(key, child, checker, active)
            check_characters(item, child, checker, active)
    else:
        for index, item in enumerate(value):
            check_characters(item, (*loc, index), checker, active)
    active.discard(id(value))
