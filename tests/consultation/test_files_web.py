"""Files over HTTP: handed out only after the access gate; uploads and removal by the owners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import NoReverseMatch, reverse

from planning_cycle.models import Role, User
from tests.consultation import file_samples as samples
from tests.consultation.file_support import round_with_state, stored_files, upload
from tests.support.consultation import Round, statement_draft
from tests.support.world import World, build_world
from workflows.consultation.models import ConsultationFile, Statement
from workflows.consultation.services.files import file_attach
from workflows.consultation.states import RoundState
from workflows.services.transitions import transition_fire
from workflows.web import object_url

PDF_NAME = "Stellungnahme Gemeinde Süd.pdf"


@pytest.fixture
def built(world: World) -> Round:
    return round_with_state(world)


@pytest.fixture
def document(world: World, built: Round) -> ConsultationFile:
    return file_attach(
        acting_user=world.users[Role.STRATEGY_UNIT],
        round=built.round,
        upload=upload(PDF_NAME, samples.pdf_bytes()),
    )


@pytest.fixture
def statement(built: Round) -> Statement:
    org = built.organisations[0]
    return statement_draft(built.of(org), by=built.contacts[org.pk])


@pytest.fixture
def attachment(built: Round, statement: Statement) -> ConsultationFile:
    org = built.organisations[0]
    return file_attach(
        acting_user=built.contacts[org.pk],
        round=built.round,
        statement=statement,
        upload=upload("Lageplan.png", samples.png_bytes(), content_type="image/jpeg"),
    )


def fetch(client: Client, user: User | None, file: ConsultationFile) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(reverse("workflows:file_download", args=[file.pk]))


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_download_address_is_under_beteiligung(document: ConsultationFile) -> None:
    assert reverse("workflows:file_download", args=[document.pk]) == (
        f"/beteiligung/datei/{document.pk}/"
    )
    assert document.file.name.startswith("consultation/")


def test_runner_downloads_a_round_document_with_safe_headers(
    client: Client, world: World, document: ConsultationFile
) -> None:
    response = fetch(client, world.users[Role.STRATEGY_UNIT], document)

    assert response.status_code == 200
    assert body_of(response) == samples.pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Stellungnahme%20Gemeinde%20S%C3%BCd.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert int(response["Content-Length"]) == document.size


def test_invitee_downloads_the_documents_of_an_open_round(
    client: Client, built: Round, document: ConsultationFile
) -> None:
    external = built.contacts[built.organisations[1].pk]

    response = fetch(client, external, document)

    assert response.status_code == 200
    assert body_of(response) == samples.pdf_bytes()


def test_invitee_does_not_see_the_documents_of_a_draft_round(client: Client, world: World) -> None:
    draft = round_with_state(world, RoundState.DRAFT)
    file = file_attach(
        acting_user=world.users[Role.STRATEGY_UNIT],
        round=draft.round,
        upload=upload("entwurf.pdf", samples.pdf_bytes()),
    )

    assert fetch(client, world.users[Role.EXTERNAL_STAKEHOLDER], file).status_code == 404
    assert fetch(client, world.users[Role.STRATEGY_UNIT], file).status_code == 200


def test_user_of_another_body_gets_404(
    client: Client, document: ConsultationFile, attachment: ConsultationFile
) -> None:
    other = build_world(key="landkreis-anders")

    for role in (Role.STRATEGY_UNIT, Role.MANAGEMENT, Role.EXTERNAL_STAKEHOLDER):
        for file in (document, attachment):
            assert fetch(client, other.users[role], file).status_code == 404


def test_external_of_another_organisation_gets_404_for_an_attachment(
    client: Client, built: Round, attachment: ConsultationFile
) -> None:
    own = built.contacts[built.organisations[0].pk]
    other = built.contacts[built.organisations[1].pk]

    assert fetch(client, other, attachment).status_code == 404
    response = fetch(client, own, attachment)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"  # stored type, not the browser's
    assert body_of(response) == samples.png_bytes()


def test_attachment_of_a_draft_is_seen_by_runners_only_once_released(
    client: Client, world: World, built: Round, statement: Statement, attachment: ConsultationFile
) -> None:
    strategy = world.users[Role.STRATEGY_UNIT]
    assert fetch(client, strategy, attachment).status_code == 404

    transition_fire(
        acting_user=built.contacts[built.organisations[0].pk], obj=statement, transition="release"
    )

    assert fetch(client, strategy, attachment).status_code == 200


def test_anonymous_is_sent_to_the_login(client: Client, document: ConsultationFile) -> None:
    response = fetch(client, None, document)

    assert response.status_code == 302
    assert "/login" in response["Location"] or "anmelden" in response["Location"]


def test_unknown_file_is_404(client: Client, world: World) -> None:
    client.force_login(world.users[Role.STRATEGY_UNIT])

    assert client.get(reverse("workflows:file_download", args=[999_999])).status_code == 404


def post_files(client: Client, user: User, url: str, *files: Any, next_: str = "/zurueck/") -> Any:
    client.force_login(user)
    return client.post(url, {"dateien": list(files), "next": next_})


def texts(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_runner_uploads_several_round_documents_at_once(
    client: Client, world: World, built: Round
) -> None:
    url = reverse("workflows:round_file_upload", args=[built.round.pk])

    response = post_files(
        client,
        world.users[Role.STRATEGY_UNIT],
        url,
        upload("Entwurf.pdf", samples.pdf_bytes()),
        upload("Tabelle.xlsx", samples.xlsx_bytes()),
    )

    assert response.status_code == 302
    assert response["Location"] == "/zurueck/"
    assert texts(response) == ["Die Dateien „Entwurf.pdf“, „Tabelle.xlsx“ wurden gespeichert."]
    assert sorted(built.round.files.values_list("name", flat=True)) == [
        "Entwurf.pdf",
        "Tabelle.xlsx",
    ]


def test_one_bad_file_in_a_request_stores_none_and_names_it(
    client: Client, world: World, built: Round
) -> None:
    url = reverse("workflows:round_file_upload", args=[built.round.pk])
    before = stored_files()

    response = post_files(
        client,
        world.users[Role.STRATEGY_UNIT],
        url,
        upload("Entwurf.pdf", samples.pdf_bytes()),
        upload("bericht.pdf", samples.png_bytes()),
    )

    assert response.status_code == 302
    messages = texts(response)
    assert messages[0].startswith("„bericht.pdf“ ist dem Inhalt nach eine PNG-Datei")
    assert messages[-1] == "Keine der Dateien wurde gespeichert."
    assert not ConsultationFile.objects.exists()
    assert stored_files() == before


def test_upload_without_a_file_is_refused_with_a_message(
    client: Client, world: World, built: Round
) -> None:
    url = reverse("workflows:round_file_upload", args=[built.round.pk])

    response = post_files(client, world.users[Role.STRATEGY_UNIT], url)

    assert texts(response) == ["Bitte wählen Sie mindestens eine Datei aus."]


def test_invitee_may_not_upload_round_documents(client: Client, built: Round) -> None:
    url = reverse("workflows:round_file_upload", args=[built.round.pk])
    before = stored_files()

    response = post_files(
        client, built.contacts[built.organisations[0].pk], url, upload("a.pdf", samples.pdf_bytes())
    )

    assert response.status_code == 403
    assert not ConsultationFile.objects.exists()
    assert stored_files() == before


@pytest.mark.parametrize("state", [RoundState.CLOSED, RoundState.CANCELLED])
def test_round_documents_are_fixed_once_the_round_is_closed(
    client: Client, world: World, state: str
) -> None:
    closed = round_with_state(world, state)
    url = reverse("workflows:round_file_upload", args=[closed.round.pk])

    response = post_files(
        client, world.users[Role.STRATEGY_UNIT], url, upload("spaet.pdf", samples.pdf_bytes())
    )

    assert response.status_code == 302
    (message,) = texts(response)
    assert message.startswith("Die Unterlagen des Verfahrens können nur im Entwurf")
    assert not ConsultationFile.objects.exists()


def test_invitee_attaches_files_to_their_draft_statement(
    client: Client, built: Round, statement: Statement
) -> None:
    url = reverse("workflows:statement_file_upload", args=[statement.pk])

    response = post_files(
        client,
        built.contacts[built.organisations[0].pk],
        url,
        upload("Anlage.odt", samples.odt_bytes()),
        upload("Foto.jpeg", samples.JPEG_BYTES),
    )

    assert response.status_code == 302
    assert sorted(statement.attachments.values_list("name", "media_type")) == [
        ("Anlage.odt", "application/vnd.oasis.opendocument.text"),
        ("Foto.jpeg", "image/jpeg"),
    ]


@pytest.mark.parametrize(
    "who",
    [
        lambda w, b: b.contacts[b.organisations[1].pk],  # another invited organisation
        lambda w, b: w.users[Role.STRATEGY_UNIT],  # a draft is the invitee's own
        lambda w, b: w.users[Role.DEPARTMENT_HEAD],  # an invited department, not this one
    ],
)
def test_others_cannot_attach_to_a_statement_it_does_not_exist_for_them(
    client: Client,
    world: World,
    built: Round,
    statement: Statement,
    who: Callable[[World, Round], User],
) -> None:
    url = reverse("workflows:statement_file_upload", args=[statement.pk])

    response = post_files(client, who(world, built), url, upload("a.pdf", samples.pdf_bytes()))

    assert response.status_code == 404
    assert not ConsultationFile.objects.exists()


def test_released_statement_takes_no_attachment_and_keeps_its_own(
    client: Client, built: Round, statement: Statement, attachment: ConsultationFile
) -> None:
    contact = built.contacts[built.organisations[0].pk]
    transition_fire(acting_user=contact, obj=statement, transition="release")

    added = post_files(
        client,
        contact,
        reverse("workflows:statement_file_upload", args=[statement.pk]),
        upload("nachtrag.pdf", samples.pdf_bytes()),
    )
    removed = client.post(reverse("workflows:file_remove", args=[attachment.pk]), {"next": "/"})

    assert texts(added)[0].startswith("Die Stellungnahme ist freigegeben")
    assert texts(removed)[-1].startswith("Die Stellungnahme ist freigegeben")
    assert list(statement.attachments.all()) == [attachment]
    assert attachment.file.storage.exists(attachment.file.name)


def test_invitee_removes_an_attachment_and_its_bytes_go_after_commit(
    client: Client,
    built: Round,
    attachment: ConsultationFile,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(built.contacts[built.organisations[0].pk])
    storage, name = attachment.file.storage, attachment.file.name

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("workflows:file_remove", args=[attachment.pk]), {"next": "/zurueck/"}
        )

    assert response.status_code == 302
    assert texts(response) == ["Die Datei „Lageplan.png“ wurde entfernt."]
    assert not ConsultationFile.objects.filter(pk=attachment.pk).exists()
    assert len(callbacks) == 1
    assert not storage.exists(name)


def test_others_cannot_remove_an_attachment(
    client: Client, built: Round, attachment: ConsultationFile
) -> None:
    client.force_login(built.contacts[built.organisations[1].pk])

    response = client.post(reverse("workflows:file_remove", args=[attachment.pk]))

    assert response.status_code == 404
    assert ConsultationFile.objects.filter(pk=attachment.pk).exists()


def test_download_is_get_only_and_upload_post_only(
    client: Client, world: World, built: Round, document: ConsultationFile
) -> None:
    client.force_login(world.users[Role.STRATEGY_UNIT])

    assert client.post(reverse("workflows:file_download", args=[document.pk])).status_code == 405
    assert (
        client.get(reverse("workflows:round_file_upload", args=[built.round.pk])).status_code == 405
    )


def test_foreign_next_is_not_followed(client: Client, world: World, built: Round) -> None:
    try:
        round_page = object_url(built.round)
    except NoReverseMatch:
        pytest.skip("the round's page is built with the round pages")
    url = reverse("workflows:round_file_upload", args=[built.round.pk])

    response = post_files(
        client,
        world.users[Role.STRATEGY_UNIT],
        url,
        upload("a.pdf", samples.pdf_bytes()),
        next_="https://example.org/",
    )

    assert response.status_code == 302
    assert response["Location"] == round_page


def test_download_reads_a_fixed_number_of_rows(
    client: Client,
    world: World,
    document: ConsultationFile,
    django_assert_num_queries: Any,
) -> None:
    client.force_login(world.users[Role.STRATEGY_UNIT])

    # Session, user, the file, the gate's one query for its round.
    with django_assert_num_queries(4):
        response = client.get(reverse("workflows:file_download", args=[document.pk]))

    assert response.status_code == 200
