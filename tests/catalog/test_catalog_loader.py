"""Loading and validating catalog files: shipped catalogs and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from planning_cycle.catalog import CatalogError, load_catalog
from planning_cycle.catalog.loader import load_catalogs

CATALOGS = Path(settings.BASE_DIR) / "catalogs"
SHIPPED = sorted(p.name for p in CATALOGS.glob("*.yaml"))

# Every numbered action priority of the KT-Beschluss of 03.12.2008, in source order
# ("8.1" twice, no "8.2").
PEINE_PRIORITIES = [
    "1.1",
    "2.1",
    "3.1",
    "3.2",
    "3.3",
    "3.4",
    "3.5",
    "4.1",
    "4.2",
    "4.3",
    "4.4",
    "4.5",
    "5.1",
    "6.1",
    "6.2",
    "6.3",
    "6.4",
    "6.5",
    "7.1",
    "7.2",
    "8.1",
    "8.1",
    "8.3",
    "9.1",
    "10.1",
]

# A small valid catalog; the tests below break it at known lines.
MINIMAL = """\
format: 1
body:
  key: testkreis
  name: Testkreis
  kind: landkreis
  state: NI
departments:
  - {code: "FB 1", name: Fachbereich 1, takes_part: false}
  - {code: "FD 11", name: Fachdienst 11, parent: "FB 1"}
policy_fields:
  - key: finanzen
    name: Finanzen
    strategic_goals:
      - number: "1"
        title: Haushalt ausgleichen
        operative_goals:
          - number: "1.1"
            title: Budgets einhalten
            departments: ["FD 11"]
products:
  - {code: "111", name: Verwaltungssteuerung, department: "FD 11"}
"""


def write(tmp_path: Path, text: str, name: str = "testkreis.yaml") -> Path:
    """Write a catalog file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def replace_line(text: str, number: int, new: str) -> str:
    """Return text with line `number` (1-based) replaced; an empty `new` removes it."""
    lines = text.splitlines()
    lines[number - 1 : number] = [new] if new else []
    return "\n".join(lines) + "\n"


def problems_of(path: Path) -> list[str]:
    """Return the problems of a file that must be rejected."""
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    return [str(problem) for problem in info.value.problems]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_catalog_is_valid(name: str) -> None:
    catalog = load_catalog(CATALOGS / name)
    assert catalog.spec.body.key


def test_all_four_catalogs_are_shipped() -> None:
    assert SHIPPED == [
        "kreis-soest.yaml",
        "landkreis-peine-sozialpolitik.yaml",
        "landkreis-peine.yaml",
        "stadt-laatzen.yaml",
    ]


def test_peine_has_ten_strategic_goals_and_every_priority() -> None:
    spec = load_catalog(CATALOGS / "landkreis-peine.yaml").spec
    goals = [g for f in spec.policy_fields for g in f.strategic_goals]
    operatives = [o for g in goals for o in g.operative_goals]
    assert [g.number for g in goals] == [str(n) for n in range(1, 11)]
    assert [o.number for o in operatives] == PEINE_PRIORITIES
    assert [f.name for f in spec.policy_fields][:3] == [
        "Verwaltungsmodernisierung",
        "Finanzen",
        "Interkommunale Zusammenarbeit",
    ]
    taking_part = [d for d in spec.departments if d.takes_part]
    assert 10 <= len(taking_part) <= 14
    assert all(len(o.departments) >= 1 for o in operatives)


def test_peine_duplicate_number_gets_second_key_and_warning() -> None:
    catalog = load_catalog(CATALOGS / "landkreis-peine.yaml")
    familie = next(f for f in catalog.spec.policy_fields if f.key == "familie")
    keys = [o.key for o in familie.strategic_goals[0].operative_goals]
    assert keys == ["8.1", "8.1 (2)", "8.3"]
    assert len(catalog.warnings) == 1
    warning = catalog.warnings[0]
    assert warning.file == "landkreis-peine.yaml"
    assert warning.line is not None and warning.line > 1
    text = str(warning)
    assert text.startswith(f"landkreis-peine.yaml, Zeile {warning.line}, policy_fields[7]")
    assert "Präventionsketten" in text
    assert "Schutzauftrages" in text
    assert "8.1 (2)" in text


def test_peine_catalogs_share_one_body_and_the_same_departments() -> None:
    peine = load_catalog(CATALOGS / "landkreis-peine.yaml").spec
    social = load_catalog(CATALOGS / "landkreis-peine-sozialpolitik.yaml").spec
    assert peine.body == social.body
    assert peine.departments == social.departments
    peine_numbers = {
        o.key for f in peine.policy_fields for g in f.strategic_goals for o in g.operative_goals
    }
    social_numbers = {
        o.key for f in social.policy_fields for g in f.strategic_goals for o in g.operative_goals
    }
    assert not peine_numbers & social_numbers


def test_social_policy_catalog_has_five_fields_with_measures_and_but_target() -> None:
    spec = load_catalog(CATALOGS / "landkreis-peine-sozialpolitik.yaml").spec
    assert len(spec.policy_fields) == 5
    for policy_field in spec.policy_fields:
        assert policy_field.baseline and policy_field.objective
        (goal,) = policy_field.strategic_goals
        (operative,) = goal.operative_goals
        assert operative.title.startswith("Maßnahmenkatalog bis Ende 2015 \N{EN DASH} ")
        assert operative.measures[-1].title == "Evaluation des Maßnahmenkatalogs"
        assert str(operative.measures[-1].due) == "2016-03-31"
    migration = spec.policy_fields[3].strategic_goals[0].operative_goals[0]
    (indicator,) = migration.indicators
    assert indicator.direction == "higher"
    assert indicator.baseline is not None
    assert (indicator.baseline.year, indicator.baseline.value) == (2013, 100)
    assert [(t.year, t.value) for t in indicator.targets] == [(2015, 110)]


def test_soest_calendar_is_explicit_and_complete() -> None:
    spec = load_catalog(CATALOGS / "kreis-soest.yaml").spec
    assert spec.calendar is not None
    calendar = {e.phase: (e.month, e.day, e.year_offset) for e in spec.calendar}
    assert calendar["goal_review"] == (4, 30, 0)
    assert calendar["budget_introduction"] == (12, 15, 0)
    assert calendar["budget_resolution"] == (3, 31, 1)
    assert len(calendar) == 8


def test_minimal_catalog_is_valid(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path, MINIMAL))
    assert catalog.warnings == []
    assert catalog.line_of(("policy_fields", 0, "strategic_goals", 0, "title")) == 15


@pytest.mark.parametrize(
    ("line", "new", "expected"),
    [
        pytest.param(
            12,
            "    name: Finanzen: Haushalt",
            "testkreis.yaml, Zeile 12: YAML-Syntaxfehler",
            id="yaml-syntax",
        ),
        pytest.param(
            15,
            "",
            "testkreis.yaml, Zeile 14, policy_fields[0].strategic_goals[0].title: "
            "Pflichtfeld fehlt",
            id="missing-field",
        ),
        pytest.param(
            12,
            "    name: Finanzen\n    colour: blau",
            "testkreis.yaml, Zeile 13, policy_fields[0].colour: Unbekanntes Feld",
            id="unknown-field",
        ),
        pytest.param(
            19,
            '            departments: ["FD 11", "FD 99"]',
            "testkreis.yaml, Zeile 19, "
            "policy_fields[0].strategic_goals[0].operative_goals[0].departments[1]: "
            "Unbekannter Verweis: Organisationseinheit „FD 99“",
            id="bad-reference",
        ),
        pytest.param(
            14,
            "      - number: 1",
            "testkreis.yaml, Zeile 14, policy_fields[0].strategic_goals[0].number: Text erwartet",
            id="wrong-type",
        ),
        pytest.param(
            9,
            '  - {code: "FB 1", name: Fachdienst 11}',
            "testkreis.yaml, Zeile 9, departments[1].code: Kürzel „FB 1“ ist doppelt "
            "(zuerst in Zeile 8)",
            id="duplicate-department",
        ),
        pytest.param(
            5,
            "  kind: bezirk",
            "testkreis.yaml, Zeile 5, body.kind: Ungültiger Wert „bezirk“",
            id="bad-choice",
        ),
        pytest.param(
            21,
            '  - {code: "111", name: Verwaltungssteuerung, department: "FD 12"}',
            "testkreis.yaml, Zeile 21, products[0].department: Unbekannter Verweis",
            id="bad-product-department",
        ),
        pytest.param(
            6,
            "  state: NI\n  state: NW",
            "testkreis.yaml, Zeile 7, body.state: Der Schlüssel „state“ steht doppelt",
            id="duplicate-yaml-key",
        ),
    ],
)
def test_broken_file_names_file_line_and_path(
    tmp_path: Path, line: int, new: str, expected: str
) -> None:
    problems = problems_of(write(tmp_path, replace_line(MINIMAL, line, new)))
    assert any(p.startswith(expected) for p in problems), problems


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, 5, "  kind: bezirk")
    text = replace_line(text, 14, "      - number: 1")
    text = replace_line(text, 18, "")  # operative goal title
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 3
    assert [p.split(",")[1].strip() for p in problems] == ["Zeile 5", "Zeile 14", "Zeile 17"]


def test_error_message_lists_every_problem(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, 9, '  - {code: "FB 1", name: Fachdienst 11}')
    with pytest.raises(CatalogError) as info:
        load_catalog(write(tmp_path, text))
    message = str(info.value)
    assert message.startswith("Der Katalog testkreis.yaml enthält")
    assert "Zeile 9, departments[1].code" in message
    # The operative goal now refers to a department that no longer exists.
    assert "Zeile 19" in message


def test_duplicate_explicit_operative_keys_are_errors(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '            departments: ["FD 11"]\n',
        '            departments: ["FD 11"]\n'
        '            key: "a"\n'
        '          - {number: "1.2", key: "a", title: Zweites Ziel}\n',
    )
    problems = problems_of(write(tmp_path, text))
    assert any(
        "operative_goals[1].key: Kennung des operativen Ziels „a“ ist doppelt" in p
        for p in problems
    )


def test_duplicate_numbers_are_warnings_not_errors(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '            departments: ["FD 11"]\n',
        '            departments: ["FD 11"]\n'
        '          - {number: "1.1", title: Zweites Ziel gleicher Nummer}\n'
        '          - {number: "1.1", title: Drittes Ziel gleicher Nummer}\n',
    )
    catalog = load_catalog(write(tmp_path, text))
    keys = [o.key for o in catalog.spec.policy_fields[0].strategic_goals[0].operative_goals]
    assert keys == ["1.1", "1.1 (2)", "1.1 (3)"]
    assert [w.line for w in catalog.warnings] == [20, 21]


def test_duplicate_measure_titles_without_key_are_errors(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '            departments: ["FD 11"]\n',
        '            departments: ["FD 11"]\n'
        "            measures:\n"
        "              - {title: Fachtag}\n"
        "              - {title: Fachtag, due: 2015-12-31}\n",
    )
    problems = problems_of(write(tmp_path, text))
    assert any("Zeile 22" in p and "measures[1].title" in p for p in problems), problems


def test_department_cycle_is_an_error(tmp_path: Path) -> None:
    text = replace_line(MINIMAL, 8, '  - {code: "FB 1", name: Fachbereich 1, parent: "FD 11"}')
    problems = problems_of(write(tmp_path, text))
    assert any("Zirkuläre Zuordnung" in p for p in problems), problems


def test_incomplete_calendar_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "departments:\n", "calendar:\n  - {phase: goal_review, month: 4, day: 31}\ndepartments:\n"
    )
    problems = problems_of(write(tmp_path, text))
    assert any("Zeile 8, calendar[0].day: Den 31.04. gibt es nicht" in p for p in problems)
    assert any("calendar: Der Kalender muss alle acht Phasen enthalten" in p for p in problems)


def test_impossible_date_is_reported_not_raised(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '            departments: ["FD 11"]\n',
        '            departments: ["FD 11"]\n'
        "            measures:\n"
        "              - {title: Fachtag, due: 2015-13-01}\n",
    )
    problems = problems_of(write(tmp_path, text))
    assert any("measures[0].due: Datum im Format JJJJ-MM-TT erwartet" in p for p in problems)


def test_empty_and_missing_files_are_rejected(tmp_path: Path) -> None:
    assert problems_of(write(tmp_path, "")) == ["testkreis.yaml: Die Datei ist leer."]
    assert problems_of(tmp_path / "fehlt.yaml") == ["fehlt.yaml: Datei nicht gefunden."]


def test_load_catalogs_collects_problems_of_all_files(tmp_path: Path) -> None:
    good = write(tmp_path, MINIMAL, "gut.yaml")
    bad_one = write(tmp_path, replace_line(MINIMAL, 5, "  kind: bezirk"), "a.yaml")
    bad_two = write(tmp_path, "format: [", "b.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalogs([good, bad_one, bad_two])
    assert {p.file for p in info.value.problems} == {"a.yaml", "b.yaml"}


def test_shipped_catalogs_are_plain_yaml() -> None:
    for name in SHIPPED:
        data = yaml.safe_load((CATALOGS / name).read_text(encoding="utf-8"))
        assert data["format"] == 1


def test_example_in_the_format_documentation_is_valid(tmp_path: Path) -> None:
    doc = (Path(settings.BASE_DIR) / "docs" / "catalog-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    catalog = load_catalog(write(tmp_path, example, "beispiel.yaml"))
    assert catalog.spec.body.key == "landkreis-peine"
