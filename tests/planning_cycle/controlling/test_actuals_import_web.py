"""The import page (upload, preview, confirm) and the import_actuals command."""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from planning_cycle.models import IndicatorValue
from tests.support.world import World
from workflows.storage import private_storage

from .actuals_support import Catalog, actuals, build_catalog, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
URL = "/ziele/istwerte-import/"
GOOD = csv_bytes([["Kennzahl", "Jahr", "Wert"], ["quote", "2025", "12,5"], ["faelle", "2025", "3"]])


@pytest.fixture
def catalog(world: World) -> Catalog:
    return build_catalog(world.body)


def client_for(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def upload(client: Client, data: bytes, name: str = "ist.csv"):  # type: ignore[no-untyped-def]
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def test_upload_preview_confirm_writes_once(world: World, catalog: Catalog) -> None:
    client = client_for(world, "strategy_unit")

    preview = upload(client, GOOD)

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Vorschau: ist.csv" in html and "2 neu, 0 geändert, 0 unverändert" in html
    assert "12,5" in html
    assert not IndicatorValue.objects.exists()
    token = preview.context["token"]

    done = client.post(URL, {"token": token}, follow=True)

    assert (
        "Istwerte importiert aus „ist.csv“: 2 neu, 0 geändert, 0 unverändert."
        in done.content.decode()
    )
    assert actuals(catalog.quota) == {(2025, "year"): Decimal("12.5")}

    again = client.post(URL, {"token": token}, follow=True)

    assert "Diese Vorschau ist nicht mehr gültig" in again.content.decode()
    assert IndicatorValue.objects.count() == 2


def test_an_invalid_file_shows_errors_per_row_and_column_and_no_confirm(
    world: World, catalog: Catalog
) -> None:
    client = client_for(world, "management")
    data = xlsx_bytes([["Kennzahl", "Jahr", "Wert"], ["quote", 2025, "12,3,4"], ["nix", 2025, 1]])

    response = upload(client, data, "ist.xlsx")

    assert response.status_code == 422
    html = " ".join(response.content.decode().split())
    # Row and column in their own cells; the message does not repeat them.
    assert (
        '<td class="kern-table__cell kern-table__cell--numeric">2</td> '
        '<td class="kern-table__cell">Wert</td> '
        '<td class="kern-table__cell">„12,3,4“ ist keine Zahl.</td>'
    ) in html
    assert (
        '<td class="kern-table__cell kern-table__cell--numeric">3</td> '
        '<td class="kern-table__cell">Kennzahl</td> '
        '<td class="kern-table__cell">Eine Kennzahl „nix“ gibt es in dieser Kommune nicht.</td>'
    ) in html
    assert "Zeile 2" not in html
    assert 'name="token"' not in html
    assert not IndicatorValue.objects.exists()


def test_a_token_of_another_session_writes_nothing(world: World, catalog: Catalog) -> None:
    token = upload(client_for(world, "strategy_unit"), GOOD).context["token"]

    response = client_for(world, "management").post(URL, {"token": token}, follow=True)

    assert "Diese Vorschau ist nicht mehr gültig" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_no_file_is_named_as_the_fields_error(world: World, catalog: Catalog) -> None:
    response = client_for(world, "strategy_unit").post(URL, {})

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert "Bitte eine CSV- oder XLSX-Datei auswählen." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("strategy_unit", 200),
        ("management", 200),
        ("department_head", 403),
        ("department_editor", 403),
        ("council_member", 403),
    ],
)
def test_page_and_catalog_link_per_role(
    world: World, catalog: Catalog, role: str, status: int
) -> None:
    client = client_for(world, role)

    assert client.get(URL).status_code == status
    assert upload(client, GOOD).status_code == status
    catalog_page = client.get("/ziele/").content.decode()
    assert (URL in catalog_page) is (status == 200)
    assert not IndicatorValue.objects.exists() or status == 200


def test_command_dry_run_writes_nothing_then_writes(
    world: World, catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ist.csv"
    path.write_bytes(GOOD)

    call_command("import_actuals", "--body", world.body.key, str(path), "--dry-run")

    assert "Probelauf, nichts geschrieben: 2 neu" in capsys.readouterr().out
    assert not IndicatorValue.objects.exists()

    call_command("import_actuals", "--body", world.body.key, str(path))

    assert "Geschrieben: 2 neu, 0 geändert, 0 unverändert." in capsys.readouterr().out
    assert IndicatorValue.objects.count() == 2


def test_command_exits_1_with_errors_per_row(
    world: World, catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ist.csv"
    path.write_bytes(
        csv_bytes([["Kennzahl", "Jahr", "Wert"], ["quote", "2025", "1"], ["quote", "2025", "x"]])
    )

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_actuals", "--body", world.body.key, str(path))

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Zeile 3, Spalte „Wert“: „x“ ist keine Zahl." in err
    assert "1 Fehler, nichts geschrieben." in err
    assert not IndicatorValue.objects.exists()


def test_command_exits_2_for_an_unknown_body_or_file(world: World, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as unknown_body:
        call_command("import_actuals", "--body", "nirgendwo", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError) as missing_file:
        call_command("import_actuals", "--body", world.body.key, str(tmp_path / "x.csv"))

    assert unknown_body.value.returncode == 2
    assert missing_file.value.returncode == 2


def test_an_upload_removes_waiting_files_older_than_an_hour(world: World, catalog: Catalog) -> None:
    storage = private_storage()
    old = storage.save("actuals-import/alt", ContentFile(b"x"))
    fresh = storage.save("actuals-import/frisch", ContentFile(b"x"))
    hours_ago = time.time() - 2 * 3600
    os.utime(storage.path(old), (hours_ago, hours_ago))

    token = upload(client_for(world, "strategy_unit"), GOOD).context["token"]

    assert not storage.exists(old)
    assert storage.exists(fresh) and storage.exists(f"actuals-import/{token}")
    storage.delete(fresh)
