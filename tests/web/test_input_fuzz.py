"""Property-based tests: junk sent to the web UI never breaks it and never changes state silently.

Logged-in users of every role (and an anonymous visitor) POST random input to the transition
endpoint /uebergang/<model>/<id>/ and GET random ids on every page. Whatever they send:

- the answer is never a server error (the test client re-raises a view's exception);
- a workflow object changes its state only when the answer says the step was done, and
  then exactly one history row (TransitionLog) is added; otherwise nothing changes.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planning_cycle.models import PlanningCycle, User
from tests.support.web import ROLES
from tests.support.world import World, build_world
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement, TransitionLog
from workflows.registry import workflows
from workflows.services.transitions import (
    TransitionError,
    _transition_index,
    state_field,
    transition_fire,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
HTMX = {"HTTP_HX_REQUEST": "true"}
WORKFLOW_SLUGS = {w.slug: w.model for w in workflows()}
WORKFLOW_MODELS = list(WORKFLOW_SLUGS.values())

TRANSITIONS = sorted({name for m in WORKFLOW_MODELS for name in _transition_index(m)})
STATES = sorted(
    {str(value) for m in WORKFLOW_MODELS for value, _label in state_field(m).choices or []}
)
NOT_TRANSITIONS = [
    "_transitions_from",
    "save",
    "delete",
    "refresh_from_db",
    "full_clean",
    "__init__",
    "__class__",
    "__dict__",
    "__reduce__",
    "_meta",
    "_state",
    "pk",
    "objects",
    "get_available_state_transitions",
    "submit\x00",
    "submit ",
    "SUBMIT",
    "x" * 61,
]
CONTROL = "\x00\x01\x07\x08\x0b\x1b\x7f\x85\u2028\ufeff\t\r\n aZ"

texts = st.one_of(
    st.just(""),
    st.sampled_from([" ", "\x00", "a\x00b", "\r\n", "<script>alert(1)</script>", "{{ 7|add:7 }}"]),
    st.text(max_size=50),
    st.text(alphabet=CONTROL, min_size=1, max_size=20),
    st.sampled_from([10_000, 10_001, 100_000]).map(lambda n: "Ä" * n),
)
transition_names = st.one_of(
    st.sampled_from(TRANSITIONS),
    st.sampled_from(TRANSITIONS),
    st.sampled_from(NOT_TRANSITIONS),
    st.text(max_size=70),
)
expected_states = st.one_of(st.sampled_from(STATES), texts)
# Real values are drawn more often than junk, so that most requests reach the service.
slugs = st.one_of(
    st.sampled_from(sorted(WORKFLOW_SLUGS)),
    st.sampled_from(sorted(WORKFLOW_SLUGS)),
    st.sampled_from(sorted(WORKFLOW_SLUGS)),
    st.sampled_from(["Zyklus", "user", "transitionlog", "body", "_meta", "zyklus_"]),
    st.from_regex(r"[-a-zA-Z0-9_]{1,20}", fullmatch=True),
)
next_urls = st.one_of(
    st.sampled_from(
        [
            "/",
            "//evil.example/",
            "https://evil.example/",
            "javascript:alert(1)",
            "/ziele/\r\nSet-Cookie: x=1",
            "/\x00",
            "\\\\evil.example",
        ]
    ),
    texts,
    texts.map(lambda text: "/" + text),
)


def junk_ids(own: list[int], foreign: list[int]) -> st.SearchStrategy[str]:
    """Ids as they appear in a URL: real ones, another body's, and junk."""
    return st.one_of(
        st.sampled_from(own).map(str),
        st.sampled_from(own).map(str),
        st.sampled_from(own).map(str),
        st.sampled_from(foreign).map(str),
        st.sampled_from(["0", "-1", "00", "9" * 30, str(2**63), str(2**31), "1.5", "1e3", "abc"]),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(max_size=10),
    )


# --- the world and what we watch --------------------------------------------------------


def workflow_states() -> dict[tuple[str, int], str]:
    """Return the state of every workflow object."""
    return {
        (m._meta.label, obj.pk): str(state_field(m).value_from_object(obj))
        for m in WORKFLOW_MODELS
        for obj in m._default_manager.all()
    }


def own_and_foreign_ids(world: World, other: World) -> tuple[list[int], list[int]]:
    """Return the workflow ids of the user's body and of another body."""

    def ids(body_id: int) -> list[int]:
        return [
            obj.pk
            for m in (PlanningCycle, DepartmentReview, DepartmentPlan, GoalAgreement)
            for obj in m._default_manager.filter(body_id=body_id)
        ]

    return ids(world.body.pk), ids(other.body.pk)


@pytest.fixture
def clients(world: World, catalog: dict[str, object]) -> dict[str, Client]:
    """A logged-in client per role (plus a second department head), and an anonymous one."""
    users: dict[str, User] = {role: world.users[role] for role in ROLES}
    users["other_department_head"] = world.users["other_department_head"]
    result: dict[str, Client] = {"anonymous": Client()}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        result[name] = client
    return result


@pytest.fixture
def other_world(world: World) -> World:
    return build_world(key="andere-kommune")


def said_success(response: HttpResponse, htmx: bool) -> bool:
    """Tell whether the answer reports a fired transition."""
    if htmx:
        return response.status_code == 200 and (
            "HX-Redirect" in response or "ausgeführt" in response.content.decode()
        )
    # Only the messages this request added: a client may carry unread ones from before.
    added = get_messages(response.wsgi_request)._queued_messages  # type: ignore[attr-defined]
    return response.status_code == 302 and SUCCESS in [m.level for m in added]


def in_rolled_back_transaction(check: Callable[[], None]) -> None:
    """Run check and undo what it wrote, so that every example starts from the same data."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


# --- POST /uebergang/<model>/<id>/ ------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_junk_posted_to_the_transition_endpoint(
    data: st.DataObject, world: World, other_world: World, clients: dict[str, Client]
) -> None:
    own, foreign = own_and_foreign_ids(world, other_world)
    who = data.draw(st.sampled_from(sorted(clients)), label="who")
    slug = data.draw(slugs, label="slug")
    pk = data.draw(junk_ids(own, foreign), label="pk")
    htmx = data.draw(st.booleans(), label="htmx")
    fields = {
        "transition": transition_names,
        "comment": texts,
        "override_reason": texts,
        "expected_state": expected_states,
        "heading_level": st.sampled_from(["", "2", "3", "5", "-1", "abc", "\x00", "9" * 30]),
        "next": next_urls,
    }
    body = {
        name: data.draw(strategy, label=name)
        for name, strategy in fields.items()
        if data.draw(st.booleans() if name != "transition" else st.just(True))
    }
    url = f"/uebergang/{urllib.parse.quote(slug, safe='')}/{urllib.parse.quote(pk, safe='')}/"

    def check() -> None:
        states, logs = workflow_states(), TransitionLog.objects.count()
        response = clients[who].post(url, body, **(HTMX if htmx else {}))
        assert response.status_code < 500
        changed = {k for k, v in workflow_states().items() if states.get(k) != v}
        grown = TransitionLog.objects.count() - logs
        event(f"status {response.status_code}, success: {said_success(response, htmx)}")
        if said_success(response, htmx):
            assert grown == 1, f"success with {grown} new history rows"
            assert len(changed) <= 1 or slug == "zyklus", changed
        else:
            assert grown == 0, f"{grown} history rows without success ({response.status_code})"
            assert not changed, f"state changed without success: {changed}"

    in_rolled_back_transaction(check)


@FUZZ
@given(data=st.data())
def test_valid_steps_with_junk_text(
    data: st.DataObject, world: World, clients: dict[str, Client]
) -> None:
    """Real transitions on the user's own objects, with junk comments and reasons.

    Junk transition names rarely get past the service; these examples reach the database
    with the text fields (NUL, control characters, 100,000 characters).
    """
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.departments[0])
    targets = {
        "zielbilanzierung": review.pk,
        "zyklus": world.cycle.pk,
        "zielvereinbarung": GoalAgreement.objects.filter(body=world.body).first().pk,  # type: ignore[union-attr]
    }
    who = data.draw(st.sampled_from(["department_head", "management", "strategy_unit"]))
    slug = data.draw(st.sampled_from(sorted(targets)))
    htmx = data.draw(st.booleans())
    model = WORKFLOW_SLUGS[slug]
    body = {
        "transition": data.draw(st.sampled_from(sorted(_transition_index(model)))),
        "comment": data.draw(texts),
        "override_reason": data.draw(texts),
    }

    def check() -> None:
        states, logs = workflow_states(), TransitionLog.objects.count()
        response = clients[who].post(
            f"/uebergang/{slug}/{targets[slug]}/", body, **(HTMX if htmx else {})
        )
        assert response.status_code < 500
        grown = TransitionLog.objects.count() - logs
        changed = {k for k, v in workflow_states().items() if states.get(k) != v}
        event(f"status {response.status_code}, success: {said_success(response, htmx)}")
        if said_success(response, htmx):
            assert grown == 1
            log = TransitionLog.objects.order_by("-id").first()
            assert log is not None
            assert "\x00" not in log.comment + log.override_reason
        else:
            assert (grown, changed) == (0, set())

    in_rolled_back_transaction(check)


# --- GET with junk ids ------------------------------------------------------------------

PAGES = [
    "/zyklen/{}/",
    "/einheiten/{}/",
    "/zielbilanzierungen/{}/",
    "/planungen/{}/",
    "/zielvereinbarungen/{}/",
    "/ziele/operativ/{}/",
    "/uebergang/zyklus/{}/",
    "/uebergang/zielbilanzierung/{}/",
    "/{}/",
    "/ziele/{}",
]


@FUZZ
@given(data=st.data())
def test_junk_ids_on_every_page(
    data: st.DataObject, world: World, other_world: World, clients: dict[str, Client]
) -> None:
    own, foreign = own_and_foreign_ids(world, other_world)
    own += [world.departments[0].pk, world.departments[1].pk]
    foreign += [other_world.departments[0].pk]
    who = data.draw(st.sampled_from(sorted(clients)))
    page = data.draw(st.sampled_from(PAGES))
    pk = urllib.parse.quote(data.draw(junk_ids(own, foreign)), safe="")
    query = data.draw(
        st.sampled_from(["", "?next=//evil.example/", "?page=-1", "?jahr=abc", "?%00=%00"])
    )
    htmx = data.draw(st.booleans())

    def check() -> None:
        states, logs = workflow_states(), TransitionLog.objects.count()
        response = clients[who].get(page.format(pk) + query, **(HTMX if htmx else {}))
        event(f"status {response.status_code}")
        assert response.status_code < 500
        assert workflow_states() == states
        assert TransitionLog.objects.count() == logs

    in_rolled_back_transaction(check)


def test_a_step_with_a_nul_comment_is_refused_and_nothing_is_written(
    world: World, clients: dict[str, Client]
) -> None:
    """The regression the fuzzing is about: NUL in a comment, which PostgreSQL cannot store."""
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.departments[0])
    before = TransitionLog.objects.count()
    for extra in ({}, HTMX):
        response = clients["department_head"].post(
            f"/uebergang/zielbilanzierung/{review.pk}/",
            {"transition": "submit", "comment": "Fertig\x00"},
            **extra,
        )
        assert response.status_code in (302, 400)
        assert not said_success(response, bool(extra))
    # The message names the field that is wrong.
    assert "Kommentar:" in response.content.decode()
    assert TransitionLog.objects.count() == before
    assert DepartmentReview.objects.get(pk=review.pk).state == review.state


@pytest.mark.parametrize("next_url", ["a b", "{{ 7|add:7 }}", "zurueck"])
def test_relative_next_is_no_server_error(
    next_url: str, world: World, clients: dict[str, Client]
) -> None:
    """Found by the fuzzing: a refused step with next=<a word> is a server error."""
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.departments[0])
    # The department's head sees its draft but may not accept it (a committee secretary
    # does not see the draft at all: 404, tests/api/test_visibility.py).
    response = clients["department_head"].post(
        f"/uebergang/zielbilanzierung/{review.pk}/",
        {"transition": "accept", "next": next_url},
    )
    assert response.status_code == 302


# --- the service refuses what the form lets through only by accident ---------------------


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("comment", "Fertig\x00", "Der Kommentar enthält das unzulässige Steuerzeichen U+0000."),
        ("comment", "\x1b[31m", "Der Kommentar enthält das unzulässige Steuerzeichen U+001B."),
        ("comment", "Ä" * 100_000, "Der Kommentar ist zu lang: höchstens 10.000 Zeichen"),
        ("override_reason", "\x00", "Die Begründung enthält das unzulässige Steuerzeichen U+0000."),
    ],
)
def test_service_refuses_nul_control_characters_and_overlong_texts(
    field: str, text: str, message: str, world: World
) -> None:
    """Callers without the web form (fire_transition, admin, seeds) get a clear refusal.

    Before the check, a NUL reached the INSERT of the history row and PostgreSQL raised
    DataError ("PostgreSQL text fields cannot contain NUL (0x00) bytes").
    """
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.departments[0])
    logs = TransitionLog.objects.count()
    with pytest.raises(TransitionError) as caught:
        transition_fire(
            acting_user=world.users["department_head"],
            obj=review,
            transition="submit",
            **{field: text},
        )
    assert caught.value.message.startswith(message)
    assert caught.value.status == 400
    assert TransitionLog.objects.count() == logs
    assert DepartmentReview.objects.get(pk=review.pk).state == review.state


def test_service_accepts_tabs_line_breaks_and_10000_characters(world: World) -> None:
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.departments[0])
    comment = ("Zeile\teins\r\n" * 1000)[:10_000]
    result = transition_fire(
        acting_user=world.users["department_head"], obj=review, transition="submit", comment=comment
    )
    assert result.log.comment == comment.strip()
