"""The import_catalog management command: summary, warnings, errors and exit status."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from planning_cycle.management.commands.import_catalog import Command
from planning_cycle.models import Body, OperativeGoal

CATALOGS = Path(settings.BASE_DIR) / "catalogs"
PEINE = CATALOGS / "landkreis-peine.yaml"
SOEST = CATALOGS / "kreis-soest.yaml"


def run(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    """Run the command as from the shell; return exit status, stdout and stderr."""
    # run_from_argv closes all connections when done; keep the test database open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    stdout, stderr = StringIO(), StringIO()
    command = Command(stdout=stdout, stderr=stderr, no_color=True)
    try:
        command.run_from_argv(["manage.py", "import_catalog", *argv])
    except SystemExit as exc:
        return int(exc.code or 0), stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


@pytest.mark.django_db
def test_command_imports_and_prints_german_summary_and_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    status, out, err = run(monkeypatch, str(PEINE), str(SOEST))
    assert status == 0, err
    assert "landkreis-peine.yaml → Landkreis Peine (landkreis-peine): " in out
    assert "Operative Ziele: 25 neu, 0 geändert, 0 unverändert" in out
    assert "Warnung: landkreis-peine.yaml, Zeile " in out
    assert "„8.1 (2)“" in out
    assert "2 Katalogdatei(en) importiert." in out
    assert Body.objects.filter(key__in=["landkreis-peine", "kreis-soest"]).count() == 2


@pytest.mark.django_db
def test_command_reimport_reports_no_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    run(monkeypatch, str(PEINE))
    status, out, _err = run(monkeypatch, str(PEINE))
    assert status == 0
    headline = "landkreis-peine.yaml → Landkreis Peine (landkreis-peine): "
    assert f"{headline}0 neu, 0 geändert, 72 unverändert" in out


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, _err = run(monkeypatch, "--dry-run", str(PEINE))
    assert status == 0
    assert "Probelauf: es wurde nichts gespeichert." in out
    assert "Operative Ziele: 25 neu" in out
    assert not Body.objects.exists()


@pytest.mark.django_db
def test_command_rejects_broken_file_with_nonzero_status(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "kaputt.yaml"
    broken.write_text(
        PEINE.read_text(encoding="utf-8").replace('number: "6.2"', "number: 6.2"), encoding="utf-8"
    )
    status, out, err = run(monkeypatch, str(PEINE), str(broken))
    assert status == 1
    assert "kaputt.yaml, Zeile " in err
    assert ".operative_goals[1].number: Text erwartet" in err
    assert "Import abgebrochen: 1 Fehler, es wurde nichts gespeichert." in err
    assert "importiert" not in out
    assert not Body.objects.exists()
    assert not OperativeGoal.objects.exists()


@pytest.mark.django_db
def test_command_reports_yaml_syntax_error_with_line(tmp_path: Path) -> None:
    broken = tmp_path / "syntax.yaml"
    broken.write_text("format: 1\nbody:\n  key: x\n  name: [Landkreis\n", encoding="utf-8")
    stderr = StringIO()
    with pytest.raises(CommandError, match="nichts gespeichert"):
        call_command("import_catalog", str(broken), stderr=stderr)
    assert "syntax.yaml, Zeile 5: YAML-Syntaxfehler" in stderr.getvalue()


@pytest.mark.django_db
def test_command_reports_missing_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    status, _out, err = run(monkeypatch, str(tmp_path / "gibt-es-nicht.yaml"))
    assert status == 1
    assert "gibt-es-nicht.yaml: Datei nicht gefunden." in err
