"""The interface's manners: CORS, the error object, deleted objects, files, addresses."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.council.oparl.schemas import STUB_KEYS, validate
from tests.support.oparl import SECRET_PAPER_TITLE, OparlWorld

pytestmark = pytest.mark.django_db

ROOT = "http://testserver/oparl/v1/"


def _error(response: object, status: int) -> dict[str, str]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Access-Control-Allow-Origin"] == "*"  # type: ignore[index]
    assert response["Content-Type"].startswith("application/json")  # type: ignore[index]
    data = response.json()  # type: ignore[attr-defined]
    assert data["type"] == "https://schema.oparl.org/1.1/Error"
    assert data["message"]
    return data


def test_system_without_login_with_cors(client: Client, db: None) -> None:
    response = client.get("/oparl/v1/")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    validate(data)
    assert data["id"] == ROOT
    assert data["oparlVersion"] == "https://schema.oparl.org/1.1/"
    assert data["body"] == f"{ROOT}bodies/"


def test_options_is_a_cors_preflight(client: Client, db: None) -> None:
    response = client.options("/oparl/v1/bodies/")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_errors_are_error_objects(client: Client, oparl: OparlWorld) -> None:
    _error(client.get("/oparl/v1/paper/999999/"), 404)
    _error(client.get("/oparl/v1/nichts/hier/"), 404)
    _error(client.get("/oparl/v1/body/999999/papers/"), 404)
    _error(client.get(f"/oparl/v1/body/{oparl.world.body.pk}/papers/?page=9"), 404)
    refused = client.post(f"/oparl/v1/paper/{oparl.public_paper.pk}/")
    _error(refused, 405)
    assert "GET" in refused["Allow"]
    # A missing final slash leads to the canonical address.
    redirect = client.get(f"/oparl/v1/paper/{oparl.public_paper.pk}")
    assert redirect.status_code == 301
    assert redirect["Location"] == f"/oparl/v1/paper/{oparl.public_paper.pk}/"


def test_withheld_objects_are_deleted_stubs_on_their_url(client: Client, oparl: OparlWorld) -> None:
    withheld = [
        f"paper/{oparl.secret_paper.pk}",
        f"paper/{oparl.deleted_paper.pk}",
        f"person/{oparl.secret_person.pk}",
        *(f"file/{f.pk}" for f in oparl.hidden_files),
        *(f"agenda-item/{i.pk}" for i in oparl.hidden_items),
        f"consultation/{oparl.secret_paper.steps.get().pk}",
        f"membership/{oparl.secret_person.memberships.get().pk}",
    ]
    for address in withheld:
        response = client.get(f"/oparl/v1/{address}/")
        assert response.status_code == 200
        data = response.json()
        assert set(data) == STUB_KEYS, address
        assert data["deleted"] is True
        assert data["id"] == f"{ROOT}{address}/"
        validate(data)
        assert SECRET_PAPER_TITLE not in response.content.decode()


def test_lists_show_deleted_objects_only_with_modified_since(
    client: Client, oparl: OparlWorld
) -> None:
    papers = f"/oparl/v1/body/{oparl.world.body.pk}/papers/"
    plain = client.get(papers).json()["data"]
    assert all("deleted" not in p for p in plain)
    synced = client.get(papers, {"modified_since": "2000-01-01T00:00:00+01:00"}).json()["data"]
    stubs = {p["id"] for p in synced if p.get("deleted")}
    assert stubs == {
        f"{ROOT}paper/{oparl.secret_paper.pk}/",
        f"{ROOT}paper/{oparl.deleted_paper.pk}/",
    }
    for item in synced:
        validate(item)
    persons = f"/oparl/v1/body/{oparl.world.body.pk}/persons/"
    synced = client.get(persons, {"modified_since": "2000-01-01T00:00:00+01:00"}).json()["data"]
    assert {p["id"] for p in synced if p.get("deleted")} == {
        f"{ROOT}person/{oparl.secret_person.pk}/"
    }


def test_links_of_withheld_papers_do_not_leak(client: Client, oparl: OparlWorld) -> None:
    # The closed-session item of a public paper: its consultation does not link it.
    step = oparl.closed_item_paper.steps.get()
    data = client.get(f"/oparl/v1/consultation/{step.pk}/").json()
    validate(data)
    assert "agendaItem" not in data
    assert data["paper"] == f"{ROOT}paper/{oparl.closed_item_paper.pk}/"
    # A public paper's consultation links its public item and meeting.
    shown = oparl.public_paper.steps.order_by("position").first()
    assert shown is not None
    data = client.get(f"/oparl/v1/consultation/{shown.pk}/").json()
    assert data["agendaItem"] == f"{ROOT}agenda-item/{shown.agenda_item_id}/"
    assert data["authoritative"] is False


def test_files_are_handed_out_public_only(client: Client, oparl: OparlWorld) -> None:
    main = oparl.public_files[0]
    data = client.get(f"/oparl/v1/file/{main.pk}/").json()
    validate(data)
    assert data["paper"] == [f"{ROOT}paper/{oparl.public_paper.pk}/"]
    access = client.get(data["accessUrl"])
    assert access.status_code == 200
    assert "attachment" not in access.get("Content-Disposition", "")
    assert access["Access-Control-Allow-Origin"] == "*"
    assert access["X-Content-Type-Options"] == "nosniff"
    assert b"".join(access.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    download = client.get(data["downloadUrl"])
    assert download["Content-Disposition"].startswith("attachment")
    assert 'filename="beschlussvorlage.pdf"' in download["Content-Disposition"]
    for hidden in oparl.hidden_files:
        for kind in ("access", "download"):
            _error(client.get(f"/oparl/v1/file/{hidden.pk}/{kind}/"), 410)
    _error(client.get("/oparl/v1/file/999999/access/"), 404)


def test_paper_embeds_its_public_files_and_consultations(client: Client, oparl: OparlWorld) -> None:
    data = client.get(f"/oparl/v1/paper/{oparl.public_paper.pk}/").json()
    validate(data)
    assert data["mainFile"]["name"] == "beschlussvorlage.pdf"
    assert [f["name"] for f in data["auxiliaryFile"]] == ["anlage-1.pdf"]
    assert [c["role"] for c in data["consultation"]] == ["Vorberatung", "Entscheidung"]
    assert [c["authoritative"] for c in data["consultation"]] == [False, True]
    omitted = client.get(
        f"/oparl/v1/body/{oparl.world.body.pk}/papers/", {"omit_internal": "true"}
    ).json()
    assert all("auxiliaryFile" not in p for p in omitted["data"])
    assert "omit_internal=true" in omitted["links"]["self"]
