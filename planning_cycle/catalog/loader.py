"""Read a catalog file, validate it completely and report every problem with file and line."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .common import CatalogMessage as CatalogMessage
from .common import CatalogProblem, CatalogWarning, Checker, Loc, line_of
from .common import format_path as format_path
from .references import References
from .schema import CatalogSpec, OperativeGoalSpec
from .yaml_source import MAX_NODES as MAX_NODES
from .yaml_source import check_characters, parse, read


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
        return line_of(self.lines, loc)


def load_catalog(path: Path) -> LoadedCatalog:
    """Parse and validate a catalog file; raise CatalogError listing all problems."""
    checker = Checker(path.name)
    text = read(path, checker)
    if text is None:
        raise CatalogError(checker.problems)
    parsed, data = parse(text, checker)
    if not parsed:
        raise CatalogError(checker.problems)
    if data is None:
        checker.problem((), _("Die Datei ist leer."))
        raise CatalogError(checker.problems)
    check_characters(data, (), checker, set())
    spec: CatalogSpec | None = None
    try:
        spec = CatalogSpec.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            checker.problem(tuple(error["loc"]), _error_message(error))
    if isinstance(data, dict):
        References(data, checker).check()
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


def _operative_goals(spec: CatalogSpec) -> Iterator[tuple[Loc, OperativeGoalSpec]]:
    """Yield every operative goal of the catalog with its location, in file order."""
    for f, policy_field in enumerate(spec.policy_fields):
        for s, goal in enumerate(policy_field.strategic_goals):
            for o, operative in enumerate(goal.operative_goals):
                yield ("policy_fields", f, "strategic_goals", s, "operative_goals", o), operative


def _shorten(text: str, limit: int = 70) -> str:
    """Return text cut to limit characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _assign_operative_keys(spec: CatalogSpec, checker: Checker) -> None:
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
