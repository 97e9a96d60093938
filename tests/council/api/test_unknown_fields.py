"""Every council write refuses a field it does not know: 400 naming it, nothing written.

The council's write operations are read from the committed schema (docs/openapi.yaml), so
a new one fails here until it has a case. Each case sends a body the operation accepts plus
one unknown field: a 400 naming exactly that field; the same body without it is accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client

from planning_cycle.models import Committee
from tests.consultation import file_samples as samples
from tests.consultation.file_support import upload
from tests.support.council import schedule
from workflows.council.models import (
    AgendaItem,
    ConsultationStep,
    LegislativeTerm,
    Location,
    Meeting,
    Paper,
    PaperFile,
    Person,
)

from .conftest import Council, problem

pytestmark = pytest.mark.django_db

SCHEMA = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
PREFIXES = (
    "committees_",
    "meetings_",
    "papers_",
    "consultation_steps_",
    "persons_",
    "legislative_terms_",
    "locations_",
)


def council_writes() -> list[tuple[str, str, str]]:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    return sorted(
        (operation["operationId"], method, path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("post", "put", "patch") and operation["operationId"].startswith(PREFIXES)
    )


@dataclass(frozen=True)
class Case:
    who: str  # "office" or "main_clerk"
    path: Callable[[Council], dict[str, Any]]
    body: Callable[[Council], dict[str, Any]]
    accepted: int
    multipart: bool = False  # a file upload: multipart/form-data, not JSON


def _scheduled(c: Council) -> dict[str, Any]:
    schedule(c.world, c.pre, c.past_main)
    return {"id": c.pre.pk}


def _person(c: Council) -> Person:
    return Person.objects.create(body=c.world.body, given_name="Anna", family_name="Alt")


def _term(c: Council) -> LegislativeTerm:
    return LegislativeTerm.objects.create(
        body=c.world.body, name="Alt", start_date=dt.date(2021, 11, 1)
    )


def _location(c: Council) -> Location:
    return Location.objects.create(body=c.world.body, description="Rathaus")


CASES: dict[str, Case] = {
    "committees_create": Case("office", lambda c: {}, lambda c: {"name": "Bauausschuss"}, 201),
    "committees_partial_update": Case(
        "office", lambda c: {"id": c.committees.youth.pk}, lambda c: {"short_name": "J"}, 200
    ),
    "meetings_create": Case(
        "office",
        lambda c: {},
        lambda c: {
            "committee": c.committees.main.pk,
            "name": "S",
            "start": "2099-05-04T17:00:00+02:00",
        },
        201,
    ),
    "meetings_partial_update": Case(
        "office", lambda c: {"id": c.next_council.pk}, lambda c: {"name": "Sondersitzung"}, 200
    ),
    "meetings_agenda_items_create": Case(
        "office", lambda c: {"id": c.next_council.pk}, lambda c: {"name": "Anfragen"}, 201
    ),
    "meetings_transitions_create": Case(
        "office",
        lambda c: {"id": c.next_council.pk, "name": "invite"},
        lambda c: {"expected_state": "scheduled"},
        200,
    ),
    "papers_create": Case(
        "office",
        lambda c: {},
        lambda c: {"title": "Bericht", "lead_department": c.world.department.pk},
        201,
    ),
    "papers_partial_update": Case(
        "office", lambda c: {"id": c.paper.pk}, lambda c: {"title": "Neu"}, 200
    ),
    "papers_files_create": Case(
        "office",
        lambda c: {"id": c.paper.pk},
        lambda c: {"file": upload("Anlage.pdf", samples.pdf_bytes())},
        201,
        multipart=True,
    ),
    "papers_steps_create": Case(
        "office",
        lambda c: {"id": c.paper.pk},
        lambda c: {"committee": c.committees.youth.pk},
        201,
    ),
    "consultation_steps_schedule_create": Case(
        "office", lambda c: {"id": c.pre.pk}, lambda c: {"meeting": c.past_main.pk}, 200
    ),
    "consultation_steps_unschedule_create": Case(
        "office", _scheduled, lambda c: {"reason": "Unterlagen fehlen"}, 200
    ),
    "consultation_steps_result_create": Case(
        "main_clerk", _scheduled, lambda c: {"result": "recommended"}, 200
    ),
    "consultation_steps_reopen_create": Case(
        "office", lambda c: {"id": c.pre.pk}, lambda c: {"reason": "Falsch"}, 409
    ),
    "persons_create": Case("office", lambda c: {}, lambda c: {"family_name": "Rat"}, 201),
    "persons_partial_update": Case(
        "office", lambda c: {"id": _person(c).pk}, lambda c: {"title": "Dr."}, 200
    ),
    "legislative_terms_create": Case(
        "office", lambda c: {}, lambda c: {"name": "2021-2026", "start_date": "2021-11-01"}, 201
    ),
    "legislative_terms_partial_update": Case(
        "office", lambda c: {"id": _term(c).pk}, lambda c: {"name": "WP 2021"}, 200
    ),
    "locations_create": Case("office", lambda c: {}, lambda c: {"description": "Kreishaus"}, 201),
    "locations_partial_update": Case(
        "office", lambda c: {"id": _location(c).pk}, lambda c: {"room": "Saal"}, 200
    ),
}


def snapshot() -> tuple[int, ...]:
    return (
        Committee.objects.count(),
        Meeting.objects.count(),
        AgendaItem.objects.filter(deleted=False).count(),
        Paper.objects.count(),
        ConsultationStep.objects.filter(deleted=False).count(),
        ConsultationStep.objects.exclude(state="planned").count(),
        PaperFile.objects.count(),
        Person.objects.count(),
        LegislativeTerm.objects.count(),
        Location.objects.count(),
    )


@pytest.mark.parametrize(("operation_id", "method", "path"), council_writes())
def test_an_unknown_field_is_a_400_naming_it(
    council: Council, client: Client, operation_id: str, method: str, path: str
) -> None:
    case = CASES[operation_id]
    url = path.format(**case.path(council))
    client.force_login(council.office if case.who == "office" else council.main_clerk)
    before = snapshot()
    # The test client sends multipart/form-data unless told otherwise.
    encoding = {} if case.multipart else {"content_type": "application/json"}

    # A fresh body for each request: an upload is read when it is sent.
    refused = getattr(client, method)(url, {**case.body(council), "farbe": "blau"}, **encoding)

    assert [e["field"] for e in problem(refused, 400)["errors"]] == ["/farbe"]
    assert snapshot() == before
    accepted = getattr(client, method)(url, case.body(council), **encoding)
    assert accepted.status_code == case.accepted, accepted.content


def test_every_council_write_has_a_case() -> None:
    assert {operation_id for operation_id, _m, _p in council_writes()} == set(CASES)
