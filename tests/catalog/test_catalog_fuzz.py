"""Property-based tests: whatever a catalog file contains, the import is clean or clearly refused.

The shipped catalogs are parsed, mutated (as data and as raw text) and imported through the
`catalog_import` service. For every input exactly one of two things must happen:

- the import succeeds, and importing the same file again changes nothing; or
- the loader raises `CatalogError`, every problem names the file (and, when the YAML
  parsed, a line and a path), and no row of any model was written.

Any other exception, a half-written database or a hang is a bug.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planning_cycle.catalog import CatalogError
from planning_cycle.catalog.importer import catalog_import
from planning_cycle.catalog.loader import MAX_NODES

pytestmark = pytest.mark.django_db

CATALOGS = Path(django_settings.BASE_DIR) / "catalogs"
SHIPPED: dict[str, bytes] = {p.name: p.read_bytes() for p in sorted(CATALOGS.glob("*.yaml"))}
PARSED: dict[str, Any] = {name: yaml.safe_load(raw) for name, raw in SHIPPED.items()}
FILE = "fuzz.yaml"

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Fields whose value is (or whose list holds) a reference to a code or key in the file.
REFERENCE_FIELDS = {"parent", "vision", "owner", "department", "departments", "products"}

# --- the property ------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    """Return the number of rows of every model."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def parse(raw: bytes) -> tuple[bool, Any]:
    """Return whether raw is UTF-8 and one YAML document with content, and its data."""
    try:
        document = yaml.safe_load(raw.decode("utf-8"))
    # ValueError: impossible dates such as 2015-13-45, which the loader leaves to the schema.
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError, ValueError):
        return False, None
    return document is not None, document


def assert_import_clean_or_refused(raw: bytes) -> None:
    """Import raw as a catalog file: success and an idempotent re-import, or a clean refusal."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / FILE
        path.write_bytes(raw)
        # Every example starts from the same database and leaves it as it was.
        with transaction.atomic():
            before = row_counts()
            try:
                catalog_import(acting_user=None, path=path)
            except CatalogError as exc:
                assert_clear_problems(exc, *parse(raw))
                assert row_counts() == before, "a refused import wrote rows"
            else:
                again = catalog_import(acting_user=None, path=path).total
                assert (again.created, again.updated) == (0, 0), f"re-import changed {again}"
            transaction.set_rollback(True)


def assert_clear_problems(exc: CatalogError, parsed: bool, document: Any) -> None:
    """Every problem names the file; in a parsed file also a line and (below the root) a path."""
    assert exc.problems, "CatalogError without problems"
    for problem in exc.problems:
        assert problem.file == FILE, problem
        assert problem.message.strip(), problem
        assert FILE in str(exc)
        if parsed:
            assert problem.line is not None, f"no line: {problem}"
            # Only a problem about the whole document (not a mapping, too large) has no path.
            if isinstance(document, dict) and "zu umfangreich" not in problem.message:
                assert problem.path, f"no path: {problem}"


# --- structural mutations --------------------------------------------------------------

Slot = tuple[Any, Any]  # (container, key or index)


def slots(node: Any, found: list[Slot] | None = None) -> list[Slot]:
    """Return every (container, key) pair below node, depth first."""
    found = [] if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((node, key))
            slots(value, found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((node, index))
            slots(value, found)
    return found


def containers(node: Any) -> list[dict[Any, Any]]:
    """Return every mapping in node (node included)."""
    found = [node] if isinstance(node, dict) else []
    for container, key in slots(node):
        if isinstance(container[key], dict):
            found.append(container[key])
    return found


def reference_slots(node: Any) -> list[Slot]:
    """Return the slots holding a reference (a single one or an entry of a reference list)."""
    found: list[Slot] = []
    for container, key in slots(node):
        if key in REFERENCE_FIELDS and isinstance(container, dict):
            value = container[key]
            if isinstance(value, list) and value:
                found.extend((value, index) for index in range(len(value)))
            elif isinstance(value, str):
                found.append((container, key))
    return found


CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\ufeff\t\r\n a"
other_values = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    st.integers(min_value=200, max_value=60_000).map(lambda n: "Ü" * n),
    st.text(alphabet=CONTROL, min_size=1, max_size=12),
    st.text(max_size=40),
    st.sampled_from(["", " ", "1", "8.1", "2009", "NaN", "-1", "1e400", "2015-13-45", "yes"]),
)
key_names = st.one_of(
    st.sampled_from(["key", "code", "number", "titel", "Name", "extra", "<<", "body", "1"]),
    st.text(min_size=1, max_size=12),
    st.integers(),
)


@st.composite
def mutated_catalog(draw: st.DrawFn) -> bytes:
    """Return a shipped catalog with one to three structural mutations, dumped as YAML."""
    data = copy.deepcopy(PARSED[draw(st.sampled_from(sorted(PARSED)))])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        mutate = draw(st.sampled_from(MUTATIONS))
        mutate(draw, data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def delete_key(draw: st.DrawFn, data: Any) -> None:
    """Remove a mapping key or a list item."""
    container, key = draw(st.sampled_from(slots(data)))
    del container[key]


def replace_value(draw: st.DrawFn, data: Any) -> None:
    """Replace a value by one of another type."""
    container, key = draw(st.sampled_from(slots(data)))
    container[key] = draw(other_values)


def duplicate_item(draw: st.DrawFn, data: Any) -> None:
    """Repeat a list item right after itself."""
    items = [(c, i) for c, i in slots(data) if isinstance(c, list)]
    if items:
        container, index = draw(st.sampled_from(items))
        container.insert(index + 1, copy.deepcopy(container[index]))


def rename_key(draw: st.DrawFn, data: Any) -> None:
    """Give a mapping key another name (the value stays)."""
    pairs = [(c, k) for c, k in slots(data) if isinstance(c, dict)]
    container, key = draw(st.sampled_from(pairs))
    new = draw(key_names)
    container[new] = container.pop(key)


def insert_unknown_key(draw: st.DrawFn, data: Any) -> None:
    """Add a key to some mapping."""
    container = draw(st.sampled_from(containers(data)))
    container[draw(key_names)] = draw(other_values)


def dangling_reference(draw: st.DrawFn, data: Any) -> None:
    """Point a reference at a code that the file does not define."""
    refs = reference_slots(data)
    if refs:
        container, key = draw(st.sampled_from(refs))
        container[key] = draw(st.sampled_from(["FD 999", "gibt-es-nicht", "  ", ""]))


MUTATIONS: list[Callable[[st.DrawFn, Any], None]] = [
    delete_key,
    replace_value,
    duplicate_item,
    rename_key,
    insert_unknown_key,
    dangling_reference,
]


@FUZZ
@given(raw=mutated_catalog())
def test_mutated_catalog_imports_cleanly_or_is_refused(raw: bytes) -> None:
    assert_import_clean_or_refused(raw)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_catalogs_satisfy_the_property(name: str) -> None:
    """The unmutated catalogs import, and a second import changes nothing."""
    assert_import_clean_or_refused(SHIPPED[name])


# --- raw text mutations ----------------------------------------------------------------

INSERTED = [c.encode() for c in "\t:'\"&*!{}[]|>#%@`-?,\n\x00\\"] + [b"  ", b"\n- ", b"---\n"]
NOT_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3", b"\x80\x81", b"\xed\xa0\x80", b"\xc0\xaf"]


@st.composite
def mutated_text(draw: st.DrawFn) -> bytes:
    """Return a shipped catalog's bytes, truncated or with bytes inserted."""
    raw = SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        position = draw(st.integers(min_value=0, max_value=len(raw)))
        kind = draw(st.sampled_from(["truncate", "insert", "insert", "unicode", "not_utf8"]))
        if kind == "truncate":
            raw = raw[:position]
        elif kind == "insert":
            raw = raw[:position] + draw(st.sampled_from(INSERTED)) + raw[position:]
        elif kind == "unicode":
            raw = raw[:position] + draw(st.characters()).encode("utf-8", "replace") + raw[position:]
        else:
            raw = raw[:position] + draw(st.sampled_from(NOT_UTF8)) + raw[position:]
    return raw


@FUZZ
@given(raw=mutated_text())
@example(raw=b"")
@example(raw=b"   \n# nur ein Kommentar\n")
@example(raw=b"\xef\xbb\xbf" + SHIPPED["kreis-soest.yaml"])  # a byte order mark
def test_mutated_text_imports_cleanly_or_is_refused(raw: bytes) -> None:
    assert_import_clean_or_refused(raw)


# --- hand-picked hostile files ---------------------------------------------------------


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """Return YAML whose aliases expand to width**levels strings."""
    lines = ["lol0: &lol0 [" + ", ".join(['"lol"'] * width) + "]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*lol{level - 1}"] * width)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\n"


def indented_laughs() -> str:
    """Return billion_laughs() indented to sit below a mapping key."""
    return "".join(f"  {line}\n" for line in billion_laughs().splitlines())


VALID_HEAD = """\
format: 1
body: {key: boese, name: Böse, kind: stadt, state: NI}
departments: [{code: "FD 1", name: Fachdienst 1}]
"""
HOSTILE = {
    "billion_laughs_unknown_key": VALID_HEAD + "policy_fields: []\nbomb:\n" + indented_laughs(),
    "billion_laughs_in_partners": (
        "anchors:\n"
        + indented_laughs()
        + VALID_HEAD
        + """\
policy_fields:
  - key: f
    name: F
    strategic_goals:
      - number: "1"
        title: T
        operative_goals:
          - number: "1.1"
            title: O
            measures: [{title: M, partners: *lol9}]
"""
    ),
    "billion_laughs_top_level": billion_laughs(),
    "recursive_alias": VALID_HEAD + "policy_fields: &loop [*loop]\n",
    "recursive_mapping": VALID_HEAD + "policy_fields: []\nbody: &b {key: x, self: *b}\n",
    "merge_key": VALID_HEAD.replace("body: {", "base: &base {kind: stadt}\nbody: {<<: *base, ")
    + "policy_fields: []\n",
    "python_tag": "!!python/object/apply:os.system ['echo pwned']\n",
    "unknown_tag": VALID_HEAD + "policy_fields: !geheim []\n",
    "binary_tag": VALID_HEAD + "policy_fields: []\nvisions: [{key: v, title: !!binary aGFsbG8=}]\n",
    "set_tag": VALID_HEAD + "policy_fields: !!set {a, b}\n",
    "two_documents": VALID_HEAD + "policy_fields: []\n---\nformat: 1\n",
    "top_level_list": "- format: 1\n",
    "top_level_scalar": "Zielkatalog\n",
    "nul_in_name": VALID_HEAD.replace("name: Böse", 'name: "B\\0se"') + "policy_fields: []\n",
    "bell_in_code": VALID_HEAD.replace('"FD 1"', '"FD\\a1"') + "policy_fields: []\n",
    "nul_in_key": VALID_HEAD + 'policy_fields: []\nvisions: [{"k\\0ey": v, title: T}]\n',
    "huge_year": VALID_HEAD
    + 'policy_fields: []\nproducts: [{code: "1", name: P, budgets: [{year: '
    + "9" * 5000
    + ", amount: 1}]}]\n",
    "nan_amount": VALID_HEAD
    + "policy_fields: []\n"
    + 'products: [{code: "1", name: P, budgets: [{year: 2024, amount: .nan}]}]\n',
    "datetime_due": VALID_HEAD
    + """\
policy_fields:
  - key: f
    name: F
    strategic_goals:
      - number: "1"
        title: T
        operative_goals:
          - number: "1.1"
            title: O
            measures: [{title: M, due: 2015-12-31 10:00:00}]
""",
    "deep_nesting": VALID_HEAD + "policy_fields: " + "[" * 5000 + "]" * 5000 + "\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_clearly(name: str) -> None:
    assert_import_clean_or_refused(HOSTILE[name].encode("utf-8"))


@pytest.mark.parametrize("name", ["billion_laughs_unknown_key", "billion_laughs_in_partners"])
def test_alias_expansion_is_bounded(name: str) -> None:
    """Nested aliases are refused with a message naming the file and the limit, quickly."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / FILE
        path.write_text(HOSTILE[name], encoding="utf-8")
        with pytest.raises(CatalogError) as caught:
            catalog_import(acting_user=None, path=path)
    [problem] = caught.value.problems
    assert problem.file == FILE
    assert problem.line is not None
    assert "zu umfangreich" in problem.message
    assert f"{MAX_NODES:,}".replace(",", ".") in problem.message


@pytest.mark.parametrize(
    ("name", "path"),
    [("nul_in_name", "body.name"), ("bell_in_code", "departments[0].code")],
)
def test_control_characters_are_refused_with_their_path(name: str, path: str) -> None:
    """NUL (which PostgreSQL cannot store) and other control characters name their field."""
    with tempfile.TemporaryDirectory() as directory:
        file = Path(directory) / FILE
        file.write_text(HOSTILE[name], encoding="utf-8")
        with pytest.raises(CatalogError) as caught:
            catalog_import(acting_user=None, path=file)
    [problem] = caught.value.problems
    assert (problem.file, problem.path) == (FILE, path)
    assert problem.line is not None
    assert "Steuerzeichen" in problem.message


def refusal(text: str) -> list[Any]:
    """Import text and return the problems it is refused with."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / FILE
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CatalogError) as caught:
            catalog_import(acting_user=None, path=path)
    return caught.value.problems


def test_unprintable_character_names_its_line() -> None:
    """Found by fuzzing: the YAML reader's error escaped the loader (ReaderError)."""
    [problem] = refusal(VALID_HEAD + "# Kommentar mit \x1f\npolicy_fields: []\n")
    assert (problem.file, problem.line) == (FILE, 4)
    assert "U+001F" in problem.message


def test_too_deep_nesting_is_refused() -> None:
    """Found by fuzzing: thousands of nested brackets raised RecursionError."""
    [problem] = refusal(HOSTILE["deep_nesting"])
    assert problem.file == FILE
    assert "zu tief verschachtelt" in problem.message


def test_integer_with_thousands_of_digits_is_a_schema_problem() -> None:
    """Found by fuzzing: Python refuses int() of over 4,300 digits with ValueError."""
    [problem] = refusal(HOSTILE["huge_year"])
    assert (problem.path, problem.line) == ("products[0].budgets[0].year", 5)
    assert problem.message.startswith("Ganze Zahl erwartet")
