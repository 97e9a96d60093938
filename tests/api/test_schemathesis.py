"""schemathesis against the live OpenAPI schema: every operation, no 5xx, answers as documented.

The schema is read from the application itself (/api/v1/schema/) when the tests are
collected, so every operation the code has at that moment is covered: one test per operation
and role. Requests go in-process through the WSGI application to the test database, seeded
once per module with the demo (two bodies, real goal catalogs, reviews and agreements in
every state), with a read-write API token of management (`leitung`) and of a department
head (`fdleitung`). Each test's writes are rolled back; the seed stays for the next.
test_api_stateful then chains calls along the links schemathesis infers from the schema
(a list's ids into the detail, the transitions offered into firing one).

All of schemathesis's checks run (its default set, nothing excluded): no 5xx; a documented
status, content type, headers and body (problem details included); authentication
enforced; and the schema describes exactly what the server takes. Requests the schema
declares invalid (negative data: `page_size=true`, an empty `ordering=`, an unknown body
field) must be refused, and valid ones accepted. For requests that only read, "accepted"
is schemathesis's own list (2xx, 3xx, 401, 403, 404, 409, 429): the schema states every
rule of a query. A write's body can also be refused by a rule of the domain the schema
cannot state (a deadline only later than the current one, a cycle of the user's body, a
comment the transition requires, a step not possible in this state), so writes may also
answer 400 or 422 to a valid body (CONFIG). Generation is derandomized, so a failure
reproduces; the number of examples per operation is bounded (MAX_EXAMPLES).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.transport import SerializationContext
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from planning_cycle.models import TokenScope, User
from planning_cycle.services.tokens import api_token_create
from tests.api.consultation import demo_round_seed

MAX_EXAMPLES = 25
USERS = {"management": "leitung", "department_head": "fdleitung"}
# Every check enabled (the default); a write's valid body may meet a rule of the domain.
# A write's valid body may meet a rule of the domain: 400 and 422 count as accepting it.
WRITE_STATUSES = [*("2xx", "3xx", "401", "403", "404", "409", "429", "5xx"), *("400", "422")]
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-method-regex": "^(POST|PUT|PATCH)$",
                "checks": {"positive_data_acceptance": {"expected-statuses": WRITE_STATUSES}},
            },
        ]
    }
)


@WSGI_TRANSPORT.serializer("application/x-www-form-urlencoded")
def _form_body(context: SerializationContext, value: Any) -> dict[str, Any]:
    """Encode a form body to bytes, as a browser sends it, for every method.

    Handed a mapping, the in-process transport left a PATCH's body empty: the server read
    no fields and changed nothing (200), so a bad body could not be seen as refused.
    """
    if isinstance(value, Mapping):
        pairs = [
            (key, "" if item is None else str(item).lower() if isinstance(item, bool) else item)
            for key, items in value.items()
            for item in (items if isinstance(items, list) else [items])
        ]
        return {"data": urlencode(pairs).encode()}
    if isinstance(value, str):
        return {"data": value.encode()}
    return {"data": value if isinstance(value, bytes) else json.dumps(value).encode()}


schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application(), config=CONFIG)

# Ids of the seeded objects per list path ("/api/v1/reviews/"), read through the API itself.
KNOWN_IDS: dict[str, list[int]] = {}
# Answers per status code over the module, printed at its end (pytest -s shows them).
STATUSES: Counter[int] = Counter()


def _list_path(path: str) -> str:
    """The list path of a detail or action path (/api/v1/reviews/{id}/… -> /api/v1/reviews/)."""
    return path.split("{", 1)[0]


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    """Send seven in eight generated ids to objects that exist (the rest stay random).

    Random 18-digit ids would almost never hit a seeded review, so transitions, edits and
    actions would only ever answer 404.
    """
    raw = path_parameters.get("id") if path_parameters else None
    ids = KNOWN_IDS.get(_list_path(context.operation.path))
    number = raw if isinstance(raw, int) else int(raw) if str(raw).isdigit() else None
    if ids and number is not None and number >= 0 and number % 8 != 7:
        path_parameters["id"] = str(ids[number % len(ids)])
    return path_parameters


def _collect_ids(secret: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for path, item in schema.raw_schema["paths"].items():
        if "{" in path or "get" not in item:
            continue
        response = client.get(path, {"page_size": 100})
        body = response.json() if response.status_code == 200 else None
        rows = body.get("results") if isinstance(body, dict) else body
        if isinstance(rows, list):
            ids = [row["id"] for row in rows if isinstance(row, dict) and "id" in row]
            if ids:
                KNOWN_IDS[path] = ids


@pytest.fixture(scope="module")
def demo_tokens(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """Seed the demo once for the module (rolled back at its end); a token per role."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        demo_round_seed()  # the consultation endpoints get objects to act on
        secrets = {}
        for role, username in USERS.items():
            _token, secrets[role] = api_token_create(
                acting_user=User.objects.get(username=username),
                name="schemathesis",
                scope=TokenScope.READ_WRITE,
            )
        _collect_ids(secrets["management"])
        # Like Django's test client: a request must not close the test's database
        # connection (in the test's transaction, the handler's close_old_connections
        # would). After _collect_ids: the test client connects it again when done.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            yield secrets
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
            KNOWN_IDS.clear()
            by_status = dict(sorted(STATUSES.items()))
            print(f"\nschemathesis: {sum(STATUSES.values())} requests, by status {by_status}")
            transaction.set_rollback(True)


# Up to 15 s per operation and role: `-m "not slow"` leaves them out locally; CI runs them.
@pytest.mark.slow
@pytest.mark.parametrize("role", list(USERS))
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
def test_api_operation(
    case: schemathesis.Case, role: str, demo_tokens: dict[str, str], db: None
) -> None:
    response = case.call_and_validate(headers={"Authorization": f"Bearer {demo_tokens[role]}"})
    STATUSES[response.status_code] += 1


def test_api_stateful(demo_tokens: dict[str, str], db: None) -> None:
    """Sequences of calls along the links schemathesis infers (e.g. a list's ids into a detail)."""
    headers = {"Authorization": f"Bearer {demo_tokens['management']}"}

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(
            self, response: schemathesis.Response, case: schemathesis.Case, **kwargs: Any
        ) -> None:
            STATUSES[response.status_code] += 1
            # The headers sent: so the authentication check knows the token was given.
            case.validate_response(response, headers=headers)

    Workflow.run(
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
