"""A paper's files through the API: multipart upload, the download gate, removal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from planning_cycle.models import Role, TokenScope, User
from planning_cycle.services.tokens import api_token_create
from tests.consultation import file_samples as samples
from tests.consultation.file_support import stored_files, upload
from tests.support.api import bearer
from tests.support.council import committees_build, paper_build
from tests.support.world import build_world
from workflows.council.models import Paper, PaperFile
from workflows.council.services.files import paper_files_attach
from workflows.council.states import FileRole, StepRole

from .conftest import Council, problem, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/papers/"


def files_url(paper: Paper) -> str:
    return f"{URL}{paper.pk}/files/"


def send(client: Client, paper: Paper, **body: Any) -> Any:
    """Post a multipart body (the test client's default encoding) to the paper's files."""
    return client.post(files_url(paper), body)


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def stored(council: Council, name: str = "Anlage.pdf", **kwargs: Any) -> PaperFile:
    """A file of the council's paper, stored through the service as the office."""
    (file,) = paper_files_attach(
        acting_user=council.office,
        paper=council.paper,
        uploads=[upload(name, samples.pdf_bytes())],
        **kwargs,
    )
    return file


def test_the_office_uploads_the_main_document_and_attachments(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    client = as_user(council.office)
    pdf = samples.pdf_bytes()

    main = send(client, council.paper, file=upload("Vorlage.pdf", pdf), main="true")
    plan = send(
        client, council.paper, file=upload("scan.png", samples.png_bytes()), name="Plan.png"
    )

    assert main.status_code == 201, main.content
    assert plan.status_code == 201, plan.content
    body = main.json()
    assert (body["name"], body["main"], body["media_type"], body["size"], body["public"]) == (
        "Vorlage.pdf",
        True,
        "application/pdf",
        len(pdf),
        True,
    )
    assert body["download_url"] == f"{files_url(council.paper)}{body['id']}/"
    assert (plan.json()["name"], plan.json()["main"]) == ("Plan.png", False)
    detail = client.get(f"{URL}{council.paper.pk}/").json()
    assert [(f["name"], f["main"]) for f in detail["files"]] == [
        ("Vorlage.pdf", True),
        ("Plan.png", False),
    ]
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert content(download) == pdf
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="Vorlage.pdf"' in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"
    # A client asking for the file's own type gets it (not a 406 for want of a JSON renderer).
    assert client.get(body["download_url"], HTTP_ACCEPT="application/pdf").status_code == 200


def test_a_new_main_document_replaces_the_previous_one(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    client = as_user(council.office)
    first = send(client, council.paper, file=upload("Entwurf.pdf", samples.pdf_bytes()), main=True)
    second = send(
        client, council.paper, file=upload("Endfassung.pdf", samples.pdf_bytes(2)), main=True
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert PaperFile.objects.get(pk=first.json()["id"]).deleted
    files = client.get(f"{URL}{council.paper.pk}/").json()["files"]
    assert [(f["name"], f["main"]) for f in files] == [("Endfassung.pdf", True)]
    problem(client.get(first.json()["download_url"]), 404)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        pytest.param(
            lambda: {"file": upload("Vorlage.exe", samples.EXE_BYTES)},
            "/file",
            "„Vorlage.exe“ hat keinen erlaubten Dateityp. Erlaubt sind: PDF, ODT, DOCX, XLSX, "
            "PNG, JPEG.",
            id="type",
        ),
        pytest.param(
            lambda: {"file": upload("Vorlage.pdf", samples.EXE_BYTES)},
            "/file",
            "„Vorlage.pdf“ ist keine gültige PDF-Datei",
            id="renamed-program",
        ),
        pytest.param(
            lambda: {"file": upload("Vorlage.pdf", b"%PDF-1.4 kaputt")},
            "/file",
            "„Vorlage.pdf“ ist keine gültige PDF-Datei (beschädigt).",
            id="broken",
        ),
        pytest.param(
            lambda: {"file": upload("Vorlage.pdf", samples.pdf_bytes(40))},
            "/file",
            "MB groß; erlaubt sind höchstens",
            id="size",
        ),
        pytest.param(
            lambda: {"file": upload("Vorlage.pdf", b"")},
            "/file",
            "„Vorlage.pdf“ ist leer.",
            id="empty",
        ),
        pytest.param(
            lambda: {"file": upload("Vorlage.pdf", samples.pdf_bytes()), "name": "Vorlage.docx"},
            "/file",
            "„Vorlage.docx“ ist dem Inhalt nach eine PDF-Datei, dem Namen nach aber eine "
            "DOCX-Datei.",
            id="name-lies",
        ),
        pytest.param(lambda: {"main": "true"}, "/file", "keine Datei übermittelt", id="missing"),
        pytest.param(lambda: {"file": "Vorlage.pdf"}, "/file", "keine Datei", id="not-a-file"),
        pytest.param(
            lambda: {"file": upload("Vorlage.pdf", samples.pdf_bytes()), "main": "vielleicht"},
            "/main",
            "Wahrheitswert",
            id="main",
        ),
    ],
)
def test_a_refused_upload_names_the_field_and_stores_nothing(
    council: Council,
    as_user: Callable[[User], Client],
    settings: Any,
    body: Callable[[], dict[str, Any]],
    field: str,
    message: str,
) -> None:
    settings.UPLOAD_MAX_BYTES = len(samples.pdf_bytes(20))
    client = as_user(council.office)
    before = (PaperFile.objects.count(), stored_files())

    refused = client.post(files_url(council.paper), body())

    ((error),) = problem(refused, 400)["errors"]
    assert error["field"] == field
    assert message in error["message"]
    assert (PaperFile.objects.count(), stored_files()) == before


def test_a_json_body_is_not_an_upload(council: Council, as_user: Callable[[User], Client]) -> None:
    client = as_user(council.office)

    refused = client.post(
        files_url(council.paper), {"name": "x.pdf"}, content_type="application/json"
    )

    problem(refused, 415)
    assert not PaperFile.objects.exists()


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HEAD, Role.MANAGEMENT, Role.COMMITTEE_CLERK])
def test_only_who_manages_papers_uploads_and_removes_files(
    council: Council, as_user: Callable[[User], Client], role: str
) -> None:
    file = stored(council)
    user = council.main_clerk if role == Role.COMMITTEE_CLERK else council.world.users[role]
    client = as_user(user)

    refused = send(client, council.paper, file=upload("x.pdf", samples.pdf_bytes()))
    not_removed = client.delete(f"{files_url(council.paper)}{file.pk}/")

    assert "nicht ändern" in problem(refused, 403)["detail"]
    problem(not_removed, 403)
    assert list(PaperFile.objects.filter(deleted=False)) == [file]
    assert client.get(f"{files_url(council.paper)}{file.pk}/").status_code == 200


def test_a_read_only_token_downloads_but_does_not_upload(council: Council) -> None:
    file = stored(council)
    client = token_client(council.office, TokenScope.READ)

    problem(send(client, council.paper, file=upload("x.pdf", samples.pdf_bytes())), 403)
    problem(client.delete(f"{files_url(council.paper)}{file.pk}/"), 403)
    assert client.get(f"{files_url(council.paper)}{file.pk}/").status_code == 200
    _token, secret = api_token_create(
        acting_user=council.office, name="Upload", scope=TokenScope.READ_WRITE
    )
    writer = Client(HTTP_AUTHORIZATION=bearer(secret)["HTTP_AUTHORIZATION"])
    assert send(writer, council.paper, file=upload("y.pdf", samples.pdf_bytes())).status_code == 201


def test_the_office_removes_a_file_and_its_bytes_go_after_the_commit(
    council: Council,
    as_user: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    file = stored(council)
    client = as_user(council.office)
    url = f"{files_url(council.paper)}{file.pk}/"
    bytes_before = stored_files()

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.delete(url)

    assert removed.status_code == 204
    file.refresh_from_db()
    assert file.deleted
    assert len(stored_files()) == len(bytes_before) - 1
    problem(client.get(url), 404)
    problem(client.delete(url), 404)
    assert client.get(f"{URL}{council.paper.pk}/").json()["files"] == []


def test_a_non_public_file_is_downloaded_only_by_those_who_may_read_it(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    uploaded = send(
        as_user(council.office),
        council.paper,
        file=upload("Vermerk.pdf", samples.pdf_bytes()),
        public="false",
    )
    assert uploaded.status_code == 201, uploaded.content
    url = uploaded.json()["download_url"]

    # The main committee deliberates the paper: its secretary reads non-public files.
    assert as_user(council.main_clerk).get(url).status_code == 200
    head = as_user(council.world.users[Role.DEPARTMENT_HEAD])
    problem(head.get(url), 404)
    assert head.get(f"{URL}{council.paper.pk}/").json()["files"] == []


def test_another_bodys_paper_and_files_are_not_found(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    other = build_world(key="anderswo")
    c = committees_build(other)
    foreign = paper_build(other, [(c.council, StepRole.DECISION)])
    (foreign_file,) = paper_files_attach(
        acting_user=other.users[Role.COMMITTEE_SECRETARY],
        paper=foreign,
        uploads=[upload("Fremd.pdf", samples.pdf_bytes())],
        role=FileRole.MAIN,
    )
    own = stored(council)
    client = as_user(council.office)

    problem(send(client, foreign, file=upload("x.pdf", samples.pdf_bytes())), 404)
    problem(client.get(f"{files_url(foreign)}{foreign_file.pk}/"), 404)
    problem(client.delete(f"{files_url(foreign)}{foreign_file.pk}/"), 404)
    # Another paper's file under one's own paper, or no id at all: not found either.
    problem(client.get(f"{files_url(council.paper)}{foreign_file.pk}/"), 404)
    problem(client.delete(f"{files_url(council.paper)}{foreign_file.pk}/"), 404)
    problem(client.get(f"{files_url(council.paper)}abc/"), 404)
    problem(client.get(f"{files_url(council.paper)}{10**30}/"), 404)
    assert not PaperFile.objects.get(pk=foreign_file.pk).deleted
    assert PaperFile.objects.filter(paper=foreign).count() == 1
    assert client.get(f"{files_url(council.paper)}{own.pk}/").status_code == 200


def test_a_file_of_another_paper_is_not_found_under_this_one(
    council: Council, as_user: Callable[[User], Client]
) -> None:
    c = council.committees
    sibling = paper_build(council.world, [(c.council, StepRole.DECISION)])
    (file,) = paper_files_attach(
        acting_user=council.office,
        paper=sibling,
        uploads=[upload("Geschwister.pdf", samples.pdf_bytes())],
    )
    client = as_user(council.office)

    problem(client.delete(f"{files_url(council.paper)}{file.pk}/"), 404)
    assert not PaperFile.objects.get(pk=file.pk).deleted
