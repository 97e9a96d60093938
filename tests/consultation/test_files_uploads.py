"""Uploads are judged by content: good files of every type are kept, bad ones refused."""

from __future__ import annotations

import hashlib

import pytest
from django.db import IntegrityError

from planning_cycle.models import Role
from tests.consultation import file_samples as samples
from tests.consultation.file_support import round_with_state, stored_files, upload
from tests.support.consultation import statement_draft
from tests.support.world import World
from workflows.consultation.models import ConsultationFile
from workflows.consultation.services.files import FileError, file_attach, files_attach
from workflows.consultation.storage import private_storage
from workflows.consultation.uploads import UploadRefused, bytes_check, megabytes, upload_check

GOOD = [
    ("bericht.pdf", samples.pdf_bytes, "application/pdf"),
    (
        "Stellungnahme Süd.docx",
        samples.docx_bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("Stellungnahme.odt", samples.odt_bytes, "application/vnd.oasis.opendocument.text"),
    (
        "Tabelle.xlsx",
        samples.xlsx_bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("Karte.png", samples.png_bytes, "image/png"),
    ("Foto.JPG", lambda: samples.JPEG_BYTES, "image/jpeg"),
]


@pytest.mark.parametrize(("name", "make", "media_type"), GOOD)
def test_good_file_is_kept_with_its_type_size_and_sha256(
    world: World, name: str, make: object, media_type: str
) -> None:
    data = make()  # type: ignore[operator]
    round_ = round_with_state(world).round
    before = stored_files()

    # The browser's content type lies; the content decides.
    file = file_attach(
        acting_user=world.users[Role.STRATEGY_UNIT],
        round=round_,
        upload=upload(name, data, content_type="application/octet-stream"),
    )

    file.refresh_from_db()
    assert (file.name, file.media_type, file.size) == (name, media_type, len(data))
    assert file.sha256 == hashlib.sha256(data).hexdigest()
    assert file.statement is None
    (new,) = stored_files() - before
    assert new.read_bytes() == data
    # The stored name tells nothing of the original one.
    assert name.split(".")[0] not in new.name


BAD = [
    (
        "bericht.pdf",
        samples.png_bytes,
        "„bericht.pdf“ ist dem Inhalt nach eine PNG-Datei, dem Namen nach aber eine PDF-Datei.",
    ),
    (
        "bericht.docx",
        samples.plain_zip_bytes,
        "„bericht.docx“ ist keine gültige DOCX-Datei (erkannter Inhalt: ZIP-Archiv).",
    ),
    (
        "programm.pdf",
        lambda: samples.EXE_BYTES,
        "„programm.pdf“ ist keine gültige PDF-Datei (erkannter Inhalt: "
        "application/vnd.microsoft.portable-executable).",
    ),
    (
        "programm.exe",
        lambda: samples.EXE_BYTES,
        "„programm.exe“ hat keinen erlaubten Dateityp. Erlaubt sind: PDF, ODT, DOCX, XLSX, "
        "PNG, JPEG.",
    ),
    ("leer.pdf", lambda: b"", "„leer.pdf“ ist leer."),
    (
        "abgebrochen.pdf",
        lambda: samples.pdf_bytes()[:-60],
        "„abgebrochen.pdf“ ist keine gültige PDF-Datei (beschädigt).",
    ),
    (
        "halb.pdf",
        lambda: samples.pdf_bytes()[:200],
        "„halb.pdf“ ist keine gültige PDF-Datei (beschädigt).",
    ),
    (
        "tabelle.docx",
        samples.xlsx_bytes,
        "„tabelle.docx“ ist dem Inhalt nach eine XLSX-Datei, dem Namen nach aber eine DOCX-Datei.",
    ),
    (
        "bericht.txt",
        samples.pdf_bytes,
        "„bericht.txt“ ist dem Inhalt nach eine PDF-Datei, der Name endet aber nicht auf .pdf.",
    ),
    (
        "kaputt.docx",
        lambda: samples.docx_bytes()[:-40],
        "„kaputt.docx“ ist keine gültige DOCX-Datei (beschädigt).",
    ),
    (
        "kaputt.png",
        lambda: samples.png_bytes()[:-6],
        "„kaputt.png“ ist keine gültige PNG-Datei (beschädigt).",
    ),
    (
        "kaputt.jpg",
        lambda: samples.JPEG_BYTES[:-100],
        "„kaputt.jpg“ ist keine gültige JPEG-Datei (beschädigt).",
    ),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD)
def test_bad_file_is_refused_naming_it_and_nothing_is_kept(
    world: World, name: str, make: object, message: str
) -> None:
    round_ = round_with_state(world).round
    before = stored_files()

    with pytest.raises(FileError) as refused:
        file_attach(
            acting_user=world.users[Role.STRATEGY_UNIT],
            round=round_,
            upload=upload(name, make()),  # type: ignore[operator]
        )

    assert refused.value.status == 400
    assert refused.value.message.startswith(message)
    assert not ConsultationFile.objects.exists()
    assert stored_files() == before


def test_too_large_file_is_refused_with_both_sizes(world: World, settings: object) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    round_ = round_with_state(world).round
    data = samples.pdf_bytes() + b"%" + b"x" * (1024 * 1024 + 600_000)
    before = stored_files()

    with pytest.raises(FileError) as refused:
        file_attach(
            acting_user=world.users[Role.STRATEGY_UNIT],
            round=round_,
            upload=upload("gross.pdf", data),
        )

    assert refused.value.message == "„gross.pdf“ ist 1,6 MB groß; erlaubt sind höchstens 1 MB."
    assert not ConsultationFile.objects.exists()
    assert stored_files() == before


def test_file_of_exactly_the_limit_is_kept(settings: object) -> None:
    data = samples.pdf_bytes()
    settings.UPLOAD_MAX_BYTES = len(data)  # type: ignore[attr-defined]

    assert upload_check(upload("genau.pdf", data)).size == len(data)


def test_sizes_are_told_in_german_megabytes() -> None:
    assert megabytes(int(25.3 * 1024 * 1024)) == "25,3"
    assert megabytes(20 * 1024 * 1024) == "20"


def test_macro_document_is_refused(world: World) -> None:
    import io
    import zipfile

    buffer = io.BytesIO(samples.docx_bytes())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\x00macro")

    with pytest.raises(FileError) as refused:
        file_attach(
            acting_user=world.users[Role.STRATEGY_UNIT],
            round=round_with_state(world).round,
            upload=upload("makro.docx", buffer.getvalue()),
        )

    assert refused.value.message.startswith("„makro.docx“ enthält Makros")


def test_path_in_the_name_is_dropped(world: World) -> None:
    file = file_attach(
        acting_user=world.users[Role.STRATEGY_UNIT],
        round=round_with_state(world).round,
        upload=upload("C:\\Users\\amt\\bericht.pdf", samples.pdf_bytes()),
    )

    assert file.name == "bericht.pdf"


def test_one_bad_file_refuses_all_of_the_request_naming_each_bad_one(world: World) -> None:
    round_ = round_with_state(world).round
    before = stored_files()

    with pytest.raises(FileError) as refused:
        files_attach(
            acting_user=world.users[Role.STRATEGY_UNIT],
            round=round_,
            uploads=[
                upload("gut.pdf", samples.pdf_bytes()),
                upload("bild.pdf", samples.png_bytes()),
                upload("leer.odt", b""),
            ],
        )

    assert refused.value.messages == [
        "„bild.pdf“ ist dem Inhalt nach eine PNG-Datei, dem Namen nach aber eine PDF-Datei. "
        "Bitte laden Sie die richtige Datei hoch oder benennen Sie sie passend.",
        "„leer.odt“ ist leer.",
        "Keine der Dateien wurde gespeichert.",
    ]
    assert not ConsultationFile.objects.exists()
    assert stored_files() == before


def test_failure_while_storing_leaves_no_file_on_disk(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_ = round_with_state(world).round
    before = stored_files()
    saves = 0
    original = ConsultationFile.save

    def failing_save(self: ConsultationFile, *args: object, **kwargs: object) -> None:
        nonlocal saves
        saves += 1
        if saves == 2:
            raise IntegrityError("simulated")
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ConsultationFile, "save", failing_save)

    with pytest.raises(IntegrityError):
        files_attach(
            acting_user=world.users[Role.STRATEGY_UNIT],
            round=round_,
            uploads=[
                upload("eins.pdf", samples.pdf_bytes()),
                upload("zwei.png", samples.png_bytes()),
            ],
        )

    assert saves == 2
    assert not ConsultationFile.objects.exists()
    assert stored_files() == before


def test_statement_attachment_is_kept_with_its_statement(world: World) -> None:
    built = round_with_state(world)
    head = world.users[Role.DEPARTMENT_HEAD]
    statement = statement_draft(built.of(world.department), by=head)

    file = file_attach(
        acting_user=head,
        round=built.round,
        statement=statement,
        upload=upload("anlage.xlsx", samples.xlsx_bytes()),
    )

    assert list(statement.attachments.all()) == [file]
    assert file.round == built.round


def test_private_storage_has_no_url_and_lies_outside_static_files(settings: object) -> None:
    from pathlib import Path

    storage = private_storage()
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()  # type: ignore[attr-defined]

    assert storage.base_url is None
    with pytest.raises(ValueError, match="no URL"):
        storage.url("consultation/1/1/abc")
    for public in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS):  # type: ignore[attr-defined]
        public_root = Path(public).resolve()
        assert not root.is_relative_to(public_root)
        assert not public_root.is_relative_to(root)
    if settings.MEDIA_ROOT:  # type: ignore[attr-defined]
        assert not root.is_relative_to(Path(settings.MEDIA_ROOT).resolve())  # type: ignore[attr-defined]
    assert Path(storage.location).resolve() == root


def test_too_large_stream_without_a_declared_size_is_measured(settings: object) -> None:
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024  # type: ignore[attr-defined]
    data = samples.pdf_bytes() + b"%" + b"x" * (3 * 1024 * 1024)

    with pytest.raises(UploadRefused) as refused:
        bytes_check(data, "import.pdf")

    assert refused.value.message == "„import.pdf“ ist 3,0 MB groß; erlaubt sind höchstens 2 MB."
