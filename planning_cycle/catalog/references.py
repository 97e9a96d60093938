"""Check uniqueness and cross-references in a catalog's raw YAML data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .common import Checker, Loc
from .schema import PHASES

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


def _period(node: Raw) -> str | None:
    """Return the year and period of a value entry as text (`2025`, `2025 h1`), or None."""
    year = _year(node)
    if year is None:
        return None
    period = node.get("period", "year")
    return str(year) if period in ("year", None) else f"{year} {period}"


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

    def __init__(self, checker: Checker, label: str) -> None:
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


class References:
    """Checks uniqueness and that every reference resolves within the same file."""

    def __init__(self, data: Raw, checker: Checker) -> None:
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
                self.measure_products(measure, measure_loc)

    def measure_products(self, measure: Raw, loc: Loc) -> None:
        """Check that a measure's product codes resolve, naming the measure when one does not."""
        name = _text(measure, "key") or _text(measure, "title") or "?"
        unique = _Unique(self.checker, _("Eintrag"))
        for index, code in _texts(measure, "products"):
            if code not in self.products:
                self.checker.problem(
                    (*loc, "products", index),
                    _(
                        "Unbekannte Produktnummer „%(code)s“ bei der Maßnahme „%(measure)s“: "
                        "das Produkt ist in dieser Datei nicht definiert."
                    )
                    % {"code": code, "measure": name},
                )
            unique.add(code, (*loc, "products", index))

    def check_indicators(self) -> None:
        """Check that indicator keys are unique and each period has one target and one actual."""
        keys = _Unique(self.checker, _("Kennung der Kennzahl"))
        for loc, indicator in _raw_indicators(self.data):
            keys.add(_text(indicator, "key"), (*loc, "key"))
            for kind in ("targets", "actuals"):
                years = _Unique(self.checker, _("Jahr"))
                for v, value in _items(indicator, kind):
                    years.add(_period(value), (*loc, kind, v, "year"))
