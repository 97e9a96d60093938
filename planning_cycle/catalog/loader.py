"""Read a catalog file, validate it completely and report every problem with file and line."""

from __future__ import annotations

import datetime as dt
import types
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .schema import (
    PHASES,
    CatalogSpec,
    OperativeGoalSpec,
)

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


class CatalogError(Exception):
    """A catalog cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: Sequence[CatalogProblem]) -> None:
        """Keep the problems, grouped by file in the given order and ordered by line."""
        files = list(dict.fromkeys(p.file for p in problems))
        self.problems = sorted(problems, key=lambda p: (files.index(p.file), p.line or 0))
        super().__init__(str(self))

    def __str__(self) -> str:
        """Return a German headline followed by one problem per line."""
        count = len(self.problems)
        files = list(dict.fromkeys(p.file for p in self.problems))
        headline = _("Der Katalog %(files)s enthält %(count)d Fehler:") % {
            "files": ", ".join(files),
            "count": count,
        }
        if len(files) > 1:
            headline = _("Die Kataloge %(files)s enthalten %(count)d Fehler:") % {
                "files": ", ".join(files),
                "count": count,
            }
        return "\n".join([headline, *(f"  {p}" for p in self.problems)])


@dataclass
class LoadedCatalog:
    """A validated catalog: its content, warnings and the line of every element."""

    path: Path
    spec: CatalogSpec
    warnings: list[CatalogWarning] = field(default_factory=list)
    lines: dict[Loc, int] = field(default_factory=dict)

    @property
    def file(self) -> str:
        """Return the file name used in messages."""
        return self.path.name

    def line_of(self, loc: Loc) -> int | None:
        """Return the line of an element, or of its closest enclosing element."""
        return _line_of(self.lines, loc)


def load_catalog(path: Path) -> LoadedCatalog:
    """Parse and validate a catalog file; raise CatalogError listing all problems."""
    checker = _Checker(path.name)
    text = _read(path, checker)
    if text is None:
        raise CatalogError(checker.problems)
    parsed, data = _parse(text, checker)
    if not parsed:
        raise CatalogError(checker.problems)
    if data is None:
        checker.problem((), _("Die Datei ist leer."))
        raise CatalogError(checker.problems)
    _check_characters(data, (), checker, set())
    spec: CatalogSpec | None = None
    try:
        spec = CatalogSpec.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            checker.problem(tuple(error["loc"]), _error_message(error))
    if isinstance(data, dict):
        _References(data, checker).check()
    if spec is None or checker.problems:
        raise CatalogError(checker.problems)
    _assign_operative_keys(spec, checker)
    return LoadedCatalog(path=path, spec=spec, warnings=checker.warnings, lines=checker.lines)


def load_catalogs(paths: Iterable[Path]) -> list[LoadedCatalog]:
    """Load several catalog files; raise one CatalogError with the problems of all of them."""
    loaded: list[LoadedCatalog] = []
    problems: list[CatalogProblem] = []
    for path in paths:
        try:
            loaded.append(load_catalog(path))
        except CatalogError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CatalogError(problems)
    return loaded


# --- reading and parsing -----------------------------------------------------------------


class _Checker:
    """Collects problems and warnings for one file and knows the line of every element."""

    def __init__(self, file: str) -> None:
        """Start with no findings."""
        self.file = file
        self.lines: dict[Loc, int] = {}
        self.problems: list[CatalogProblem] = []
        self.warnings: list[CatalogWarning] = []

    def line(self, loc: Loc) -> int | None:
        """Return the line of an element, or of its closest enclosing element."""
        return _line_of(self.lines, loc)

    def problem(self, loc: Loc, message: str, line: int | None = None) -> None:
        """Record a problem at an element."""
        self.problems.append(
            CatalogProblem(self.file, line or self.line(loc), format_path(loc), message)
        )

    def warning(self, loc: Loc, message: str) -> None:
        """Record a warning at an element."""
        self.warnings.append(CatalogWarning(self.file, self.line(loc), format_path(loc), message))


def _line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    """Return the line of loc or of its longest known prefix."""
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc)


def _read(path: Path, checker: _Checker) -> str | None:
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


def _parse(text: str, checker: _Checker) -> tuple[bool, Any]:
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


def _index(node: yaml.Node, loc: Loc, checker: _Checker, active: set[int], budget: _Budget) -> None:
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


def _check_characters(value: Any, loc: Loc, checker: _Checker, active: set[int]) -> None:
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
                _check_characters(key, child, checker, active)
            _check_characters(item, child, checker, active)
    else:
        for index, item in enumerate(value):
            _check_characters(item, (*loc, index), checker, active)
    active.discard(id(value))


# --- schema errors in German -----------------------------------------------------------


def _describe(value: Any) -> str:
    """Return a short German description of a YAML value."""
    if value is None:
        return _("nichts (leer)")
    if isinstance(value, bool):
        return _("Wahrheitswert %(value)s") % {"value": "true" if value else "false"}
    if isinstance(value, int | float):
        return _("Zahl %(value)s") % {"value": value}
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:39] + "…"
        return _("Text „%(value)s“") % {"value": short}
    if isinstance(value, dt.date):
        return _("Datum %(value)s") % {"value": value.isoformat()}
    if isinstance(value, dict):
        return _("eine Zuordnung (Schlüssel: Wert)")
    if isinstance(value, list):
        return _("eine Liste")
    return type(value).__name__


def _fields_at(loc: Loc) -> list[str]:
    """Return the field names of the schema element at loc, if it is a model."""
    model: type[BaseModel] | None = CatalogSpec
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = _model_in(info.annotation) if info else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """Return the model class inside an annotation such as `list[X] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (list, Union, types.UnionType, Annotated):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _error_message(error: ErrorDetails) -> str:
    """Translate a pydantic error into a German message for the catalog author."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    found = _describe(error.get("input"))
    if kind == "missing":
        return _("Pflichtfeld fehlt.")
    if kind == "extra_forbidden":
        allowed = _fields_at(tuple(error["loc"])[:-1])
        return _("Unbekanntes Feld (erlaubt sind: %(allowed)s).") % {"allowed": ", ".join(allowed)}
    if kind == "string_type":
        return _(
            "Text erwartet, gefunden: %(found)s. Nummern und Kürzel in Anführungszeichen "
            'setzen, z. B. "8.1".'
        ) % {"found": found}
    if kind == "string_too_short":
        return _("Darf nicht leer sein.")
    if kind == "string_too_long":
        return _("Zu lang: höchstens %(max)s Zeichen.") % {"max": ctx.get("max_length")}
    if kind == "string_pattern_mismatch":
        return _(
            "Ungültige Kennung: nur Kleinbuchstaben, Ziffern und Bindestriche, "
            "z. B. landkreis-peine."
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Ganze Zahl erwartet, gefunden: %(found)s.") % {"found": found}
    if kind in ("bool_type", "bool_parsing"):
        return _("true oder false erwartet, gefunden: %(found)s.") % {"found": found}
    if kind in ("decimal_type", "decimal_parsing", "finite_number"):
        return _("Zahl erwartet, gefunden: %(found)s.") % {"found": found}
    if kind == "decimal_max_places":
        return _("Höchstens %(places)s Nachkommastellen erlaubt.") % {
            "places": ctx.get("decimal_places")
        }
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return _("Die Zahl ist zu groß.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Muss mindestens %(limit)s sein.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Darf höchstens %(limit)s sein.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind.startswith("date_"):
        return _("Datum im Format JJJJ-MM-TT erwartet, gefunden: %(found)s.") % {"found": found}
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " oder ")
        value = error.get("input")
        return _("Ungültiger Wert %(found)s; erlaubt: %(expected)s.") % {
            "found": f"„{value}“" if isinstance(value, str) else found,
            "expected": expected,
        }
    if kind == "list_type":
        return _("Liste erwartet, gefunden: %(found)s.") % {"found": found}
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Zuordnung (Schlüssel: Wert) erwartet, gefunden: %(found)s.") % {"found": found}
    if kind == "catalog_rule":
        return str(error["msg"])
    return _("Ungültiger Wert: %(detail)s") % {"detail": error["msg"]}


# --- references and uniqueness --------------------------------------------------------
#
# These checks read the raw YAML data, not the validated model, so that they also run when
# the schema has found problems: the author gets every problem of the file at once.

Raw = dict[str, Any]


def _items(node: Raw, key: str) -> list[tuple[int, Raw]]:
    """Return the mapping entries of a list field with their indexes; skip anything else."""
    value = node.get(key)
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _text(node: Raw, key: str) -> str | None:
    """Return a text field, stripped as the schema strips it, or None."""
    value = node.get(key)
    return value.strip() if isinstance(value, str) else None


def _texts(node: Raw, key: str) -> list[tuple[int, str]]:
    """Return the text entries of a list field with their indexes."""
    value = node.get(key)
    if not isinstance(value, list):
        return []
    return [(index, item.strip()) for index, item in enumerate(value) if isinstance(item, str)]


def _year(node: Raw) -> int | None:
    """Return the year of a value entry, or None."""
    value = node.get("year")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _raw_operative_goals(data: Raw) -> Iterator[tuple[Loc, Raw]]:
    """Yield every operative goal of the raw data with its location, in file order."""
    for f, policy_field in _items(data, "policy_fields"):
        for s, goal in _items(policy_field, "strategic_goals"):
            for o, operative in _items(goal, "operative_goals"):
                yield ("policy_fields", f, "strategic_goals", s, "operative_goals", o), operative


def _raw_indicators(data: Raw) -> Iterator[tuple[Loc, Raw]]:
    """Yield every indicator of the raw data with its location."""
    for f, policy_field in _items(data, "policy_fields"):
        for s, goal in _items(policy_field, "strategic_goals"):
            base: Loc = ("policy_fields", f, "strategic_goals", s)
            for i, indicator in _items(goal, "indicators"):
                yield (*base, "indicators", i), indicator
            for o, operative in _items(goal, "operative_goals"):
                for i, indicator in _items(operative, "indicators"):
                    yield (*base, "operative_goals", o, "indicators", i), indicator
    for p, product in _items(data, "products"):
        for i, indicator in _items(product, "indicators"):
            yield ("products", p, "indicators", i), indicator


class _Unique:
    """Reports the second occurrence of a value that must be unique."""

    def __init__(self, checker: _Checker, label: str) -> None:
        """Remember what is counted, e.g. 'Kürzel'."""
        self.checker = checker
        self.label = label
        self.seen: dict[str, Loc] = {}

    def add(self, value: str | None, loc: Loc) -> None:
        """Register a value; record a problem when it occurred before."""
        if value is None:
            return
        if value in self.seen:
            self.checker.problem(
                loc,
                _("%(label)s „%(value)s“ ist doppelt (zuerst in Zeile %(line)s).")
                % {
                    "label": self.label,
                    "value": value,
                    "line": self.checker.line(self.seen[value]),
                },
            )
        else:
            self.seen[value] = loc


class _References:
    """Checks uniqueness and that every reference resolves within the same file."""

    def __init__(self, data: Raw, checker: _Checker) -> None:
        """Collect the departments, visions and products the file defines."""
        self.data = data
        self.checker = checker
        self.departments = self._unique("departments", "code", _("Kürzel"))
        self.visions = self._unique("visions", "key", _("Leitbild-Kennung"))
        self.products = self._unique("products", "code", _("Produktnummer"))

    def _unique(self, section: str, key: str, label: str) -> dict[str, Loc]:
        """Check that a section's keys are unique and return them."""
        unique = _Unique(self.checker, label)
        for index, item in _items(self.data, section):
            unique.add(_text(item, key), (section, index, key))
        return unique.seen

    def ref(self, node: Raw, key: str, loc: Loc, known: dict[str, Loc], what: str) -> None:
        """Check that a single reference resolves."""
        value = _text(node, key)
        if value is not None and value not in known:
            self._unknown(value, (*loc, key), what)

    def refs(self, node: Raw, key: str, loc: Loc, known: dict[str, Loc], what: str) -> None:
        """Check that every entry of a reference list resolves and occurs once."""
        unique = _Unique(self.checker, _("Eintrag"))
        for index, value in _texts(node, key):
            if value not in known:
                self._unknown(value, (*loc, key, index), what)
            unique.add(value, (*loc, key, index))

    def _unknown(self, value: str, loc: Loc, what: str) -> None:
        """Record a reference that does not resolve."""
        self.checker.problem(
            loc,
            _("Unbekannter Verweis: %(what)s „%(value)s“ ist in dieser Datei nicht definiert.")
            % {"what": what, "value": value},
        )

    def check(self) -> None:
        """Run every check."""
        self.check_departments()
        self.check_calendar()
        self.check_products()
        self.check_goals()
        self.check_indicators()

    def check_departments(self) -> None:
        """Check parents: known, not the department itself, no cycles."""
        parents: dict[str, str | None] = {}
        for d, department in _items(self.data, "departments"):
            code, parent = _text(department, "code"), _text(department, "parent")
            if code is not None:
                parents.setdefault(code, parent)
            if parent is not None and parent == code:
                self.checker.problem(
                    ("departments", d, "parent"),
                    _("Eine Einheit kann nicht sich selbst übergeordnet sein."),
                )
            else:
                self.ref(
                    department,
                    "parent",
                    ("departments", d),
                    self.departments,
                    _("Organisationseinheit"),
                )
        reported: set[str] = set()
        for d, department in _items(self.data, "departments"):
            start = _text(department, "code")
            if start is None:
                continue
            chain: list[str] = []
            current: str | None = start
            while current is not None and current in parents and current not in chain:
                chain.append(current)
                current = parents[current]
            if current == start and len(chain) > 1 and start not in reported:
                reported.update(chain)
                self.checker.problem(
                    ("departments", d, "parent"),
                    _("Zirkuläre Zuordnung: %(chain)s.") % {"chain": " → ".join([*chain, start])},
                )

    def check_calendar(self) -> None:
        """Check that a given calendar names every phase exactly once."""
        if not isinstance(self.data.get("calendar"), list):
            return
        phases = _Unique(self.checker, _("Phase"))
        for c, entry in _items(self.data, "calendar"):
            phases.add(_text(entry, "phase"), ("calendar", c, "phase"))
        missing = [phase for phase in PHASES if phase not in phases.seen]
        if missing:
            self.checker.problem(
                ("calendar",),
                _("Der Kalender muss alle acht Phasen enthalten; es fehlen: %(missing)s.")
                % {"missing": ", ".join(missing)},
            )

    def check_products(self) -> None:
        """Check product departments and budget years."""
        for p, product in _items(self.data, "products"):
            self.ref(
                product, "department", ("products", p), self.departments, _("Organisationseinheit")
            )
            years = _Unique(self.checker, _("Jahr"))
            for b, budget in _items(product, "budgets"):
                year = _year(budget)
                years.add(
                    None if year is None else str(year), ("products", p, "budgets", b, "year")
                )

    def check_goals(self) -> None:
        """Check policy fields, strategic and operative goals and measures."""
        department, product = _("Organisationseinheit"), _("Produktnummer")
        fields = _Unique(self.checker, _("Politikfeld-Kennung"))
        numbers = _Unique(self.checker, _("Nummer des strategischen Ziels"))
        for f, policy_field in _items(self.data, "policy_fields"):
            base: Loc = ("policy_fields", f)
            fields.add(_text(policy_field, "key"), (*base, "key"))
            self.ref(policy_field, "vision", base, self.visions, _("Leitbild"))
            for s, goal in _items(policy_field, "strategic_goals"):
                goal_loc: Loc = (*base, "strategic_goals", s)
                numbers.add(_text(goal, "number"), (*goal_loc, "number"))
                self.refs(goal, "products", goal_loc, self.products, product)
        keys = _Unique(self.checker, _("Kennung des operativen Ziels"))
        for loc, operative in _raw_operative_goals(self.data):
            keys.add(_text(operative, "key"), (*loc, "key"))
            self.refs(operative, "departments", loc, self.departments, department)
            self.refs(operative, "products", loc, self.products, product)
            measure_keys = _Unique(self.checker, _("Kennung der Maßnahme"))
            for m, measure in _items(operative, "measures"):
                measure_loc: Loc = (*loc, "measures", m)
                key_field = "key" if "key" in measure else "title"
                measure_keys.add(_text(measure, key_field), (*measure_loc, key_field))
                self.ref(measure, "owner", measure_loc, self.departments, department)

    def check_indicators(self) -> None:
        """Check that indicator keys are unique and each year has one target and one actual."""
        keys = _Unique(self.checker, _("Kennung der Kennzahl"))
        for loc, indicator in _raw_indicators(self.data):
            keys.add(_text(indicator, "key"), (*loc, "key"))
            for kind in ("targets", "actuals"):
                years = _Unique(self.checker, _("Jahr"))
                for v, value in _items(indicator, kind):
                    year = _year(value)
                    years.add(None if year is None else str(year), (*loc, kind, v, "year"))


def _operative_goals(spec: CatalogSpec) -> Iterator[tuple[Loc, OperativeGoalSpec]]:
    """Yield every operative goal of the catalog with its location, in file order."""
    for f, policy_field in enumerate(spec.policy_fields):
        for s, goal in enumerate(policy_field.strategic_goals):
            for o, operative in enumerate(goal.operative_goals):
                yield ("policy_fields", f, "strategic_goals", s, "operative_goals", o), operative


def _shorten(text: str, limit: int = 70) -> str:
    """Return text cut to limit characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _assign_operative_keys(spec: CatalogSpec, checker: _Checker) -> None:
    """Give every operative goal its key; a repeated number gets `<number> (2)` and a warning."""
    goals = list(_operative_goals(spec))
    taken = {operative.key: (loc, operative) for loc, operative in goals if operative.key}
    for loc, operative in goals:
        if operative.key:
            continue
        if operative.number not in taken:
            operative.key = operative.number
            taken[operative.key] = (loc, operative)
            continue
        suffix = 2
        while f"{operative.number} ({suffix})" in taken:
            suffix += 1
        operative.key = f"{operative.number} ({suffix})"
        first_loc, first = taken[operative.number]
        taken[operative.key] = (loc, operative)
        values = {
            "number": operative.number,
            "first": _shorten(first.title),
            "first_line": checker.line(first_loc),
            "second": _shorten(operative.title),
            "key": operative.key,
        }
        if first.number == operative.number:
            message = _(
                "Die Nummer „%(number)s“ kommt mehrfach vor: „%(first)s“ (Zeile %(first_line)s) "
                "und „%(second)s“. Beide werden importiert; dieses Ziel erhält die Kennung "
                "„%(key)s“."
            )
        else:
            message = _(
                "Die Kennung „%(number)s“ ist bereits vergeben an „%(first)s“ "
                "(Zeile %(first_line)s); „%(second)s“ erhält die Kennung „%(key)s“."
            )
        checker.warning((*loc, "number"), message % values)
