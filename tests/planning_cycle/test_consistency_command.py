"""`manage.py catalog_check --body KEY`: output and exit codes."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from planning_cycle.catalog.importer import catalog_import
from tests.support.factories import BodyFactory
from tests.support.goal_factories import complete_catalog

pytestmark = pytest.mark.django_db

PEINE = Path(settings.BASE_DIR) / "catalogs" / "landkreis-peine.yaml"


def test_the_peine_catalog_has_defects_and_exits_with_1() -> None:
    catalog_import(acting_user=None, path=PEINE)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("catalog_check", "--body", "landkreis-peine", stdout=out)
    assert exit_info.value.code == 1
    text = out.getvalue()
    assert text.startswith(
        "Konsistenzprüfung des Zielkatalogs: Landkreis Peine (landkreis-peine)\n"
    )
    duplicates = text.split("Doppelte Nummern (2)\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(duplicates) == 2
    assert duplicates[0].startswith("  - Operatives Ziel 8.1 „Aufbau von Präventionsketten")
    assert "Nummer doppelt (auch 8.1 „Intensivierung des Schutzauftrages" in duplicates[0]
    assert "Kennzahlen ohne Istwert (2)" in text
    summary = text.split("Zusammenfassung: ", 1)[1].splitlines()
    assert summary == [
        "70 Mängel",
        "  Ziele ohne Kennzahl: 31",
        "  Kennzahlen ohne Istwert: 2",
        "  Ziele ohne Produkt: 35",
        "  Doppelte Nummern: 2",
    ]


def test_a_clean_catalog_exits_with_0() -> None:
    body = BodyFactory(key="sauber", name="Sauberkreis")
    complete_catalog(body, 3)
    out = StringIO()
    call_command("catalog_check", "--body", "sauber", stdout=out)
    assert out.getvalue().splitlines() == [
        "Konsistenzprüfung des Zielkatalogs: Sauberkreis (sauber)",
        "",
        "Keine Mängel gefunden.",
    ]


def test_an_unknown_body_is_a_command_error_with_code_2() -> None:
    BodyFactory(key="bekannt")
    with pytest.raises(CommandError, match="Unbekannte Kommune „unbekannt“") as error:
        call_command("catalog_check", "--body", "unbekannt")
    assert error.value.returncode == 2


@pytest.mark.parametrize(("key", "code"), [("unbekannt", 2), ("maengel", 1), ("sauber", None)])
def test_exit_codes_from_the_command_line(key: str, code: int | None, capsys) -> None:
    complete_catalog(BodyFactory(key="sauber"), 1)
    BodyFactory(key="maengel").products.create(code="1", name="Ohne Ziel")
    argv = ["manage.py", "catalog_check", "--body", key]
    if code is None:
        execute_from_command_line(argv)
    else:
        with pytest.raises(SystemExit) as exit_info:
            execute_from_command_line(argv)
        assert exit_info.value.code == code
    captured = capsys.readouterr()
    if code == 2:
        assert "CommandError: Unbekannte Kommune „unbekannt“." in captured.err
    else:
        assert "Konsistenzprüfung des Zielkatalogs" in captured.out
