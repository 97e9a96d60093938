"""Walking the whole interface from the System object reaches all public data and no more."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest
from django.test import Client

from planning_cycle.models import Committee
from tests.council.oparl.schemas import validate
from tests.support.oparl import (
    SECRET_FILE_NAME,
    SECRET_ITEM_NAME,
    SECRET_PAPER_TITLE,
    SECRET_PERSON_NAME,
    OparlWorld,
)
from workflows.council.models import (
    AgendaItem,
    ConsultationStep,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Paper,
    PaperFile,
    Person,
)

pytestmark = pytest.mark.django_db

ROOT = "http://testserver/oparl/v1/"
SEGMENT_TYPES = {
    "body": "Body",
    "organization": "Organization",
    "person": "Person",
    "membership": "Membership",
    "meeting": "Meeting",
    "agenda-item": "AgendaItem",
    "paper": "Paper",
    "consultation": "Consultation",
    "file": "File",
    "legislative-term": "LegislativeTerm",
    "location": "Location",
}


def _urls(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node] if node.startswith(ROOT) else []
    if isinstance(node, list):
        return [u for n in node for u in _urls(n)]
    if isinstance(node, dict):
        return [u for v in node.values() for u in _urls(v)]
    return []


def _objects(node: Any) -> list[dict[str, Any]]:
    """Return every OParl object in a response, embedded ones included."""
    found: list[dict[str, Any]] = []
    if isinstance(node, list):
        for n in node:
            found += _objects(n)
    elif isinstance(node, dict):
        if "type" in node and "id" in node:
            found.append(node)
        for v in node.values():
            found += _objects(v)
    return found


class Walk:
    """What a breadth-first walk of every URL saw."""

    def __init__(self) -> None:
        self.content: dict[str, set[int]] = {t: set() for t in SEGMENT_TYPES.values()}
        self.deleted: dict[str, set[int]] = {t: set() for t in SEGMENT_TYPES.values()}
        self.texts: list[str] = []
        self.files = 0
        self.requests = 0


def walk(client: Client) -> Walk:
    seen = {ROOT}
    queue = deque([ROOT])
    result = Walk()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        result.requests += 1
        assert response.status_code == 200, (url, response.content[:300])
        assert response["Access-Control-Allow-Origin"] == "*", url
        if url.endswith(("/access/", "/download/")):
            result.files += 1
            assert b"".join(response.streaming_content)  # type: ignore[attr-defined]
            continue
        result.texts.append(response.content.decode())
        data = response.json()
        for obj in _objects(data.get("data", data)):
            name = validate(obj)
            if name == "System":
                continue
            segment, pk = obj["id"].removeprefix(ROOT).strip("/").split("/")
            assert SEGMENT_TYPES[segment] == name, obj["id"]
            (result.deleted if obj.get("deleted") else result.content)[name].add(int(pk))
        for link in _urls(data):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return result


def _ids(queryset: Any) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_walk_reaches_every_public_object_and_nothing_withheld(
    client: Client, oparl: OparlWorld
) -> None:
    seen = walk(client)

    public_papers = Paper.objects.filter(public=True, deleted=False)
    expected = {
        "Organization": _ids(Committee.objects.all()),
        "Person": _ids(Person.objects.filter(public_consent=True, deleted=False)),
        "Membership": _ids(
            Membership.objects.filter(
                deleted=False, person__public_consent=True, person__deleted=False
            )
        ),
        "Meeting": _ids(Meeting.objects.all()),
        "AgendaItem": {i.pk for i in oparl.public_items},
        "Paper": _ids(public_papers),
        "Consultation": _ids(ConsultationStep.objects.filter(paper__in=public_papers)),
        "File": {f.pk for f in oparl.public_files},
        "LegislativeTerm": _ids(LegislativeTerm.objects.all()),
        "Location": _ids(Location.objects.all()),
    }
    for name, ids in expected.items():
        assert seen.content[name] == ids, name
    assert seen.content["Body"] == {oparl.world.body.pk, oparl.other.body.pk}
    assert seen.files == 2 * len(oparl.public_files)

    # Nothing withheld ever appears with content, in any response.
    assert oparl.secret_paper.pk not in seen.content["Paper"]
    assert oparl.deleted_paper.pk not in seen.content["Paper"]
    assert oparl.secret_person.pk not in seen.content["Person"]
    assert not {f.pk for f in oparl.hidden_files} & seen.content["File"]
    assert not {i.pk for i in oparl.hidden_items} & seen.content["AgendaItem"]
    hidden_steps = _ids(ConsultationStep.objects.exclude(paper__in=public_papers))
    assert hidden_steps and not hidden_steps & seen.content["Consultation"]
    text = "\n".join(seen.texts)
    for secret in (
        SECRET_PAPER_TITLE,
        SECRET_PERSON_NAME,
        SECRET_FILE_NAME,
        SECRET_ITEM_NAME,
        oparl.secret_paper.reference,
    ):
        assert secret not in text
    # The public paper's agenda items are shown; the secret paper's item is not even linked.
    assert f"agenda-item/{oparl.hidden_items[0].pk}/" not in text
    assert f"paper/{oparl.secret_paper.pk}/" not in text
    # What was reached, the database holds: no foreign or invented ids.
    assert seen.content["AgendaItem"] <= _ids(AgendaItem.objects.all())
    assert seen.content["File"] <= _ids(PaperFile.objects.all())
