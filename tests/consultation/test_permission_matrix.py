"""Who sees and who may change a round, its invitations, statements and evaluations.

Role by state, table-driven: each table names the actors who may (see, fire); every other
actor must get a 404 for a page (403 where the user sees the round but may not run it) and
a refusal for a transition. The test collects every cell that differs and compares whole
tables, so a wrong expectation fails as well as a wrong rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from planning_cycle.models import Role, User
from tests.support.consultation import Round, round_build, statement_draft
from tests.support.factories import OrganisationFactory, user_with_role
from tests.support.world import World, build_world
from workflows.consultation.models import Evaluation, Invitation
from workflows.consultation.services.statements import invitation_extension_request
from workflows.consultation.states import Disposition, Position, RoundState
from workflows.services.transitions import TransitionError, transition_fire

pytestmark = pytest.mark.django_db

# The actors: every role of the body, department people of an invited, a non-invited and the
# evaluating department, externals of the invited and of another organisation, another body.
MANAGEMENT = "management"
STRATEGY = "strategy_unit"
HEAD = "head_invited"
EDITOR = "editor_invited"
OTHER_HEAD = "head_not_invited"
OTHER_EDITOR = "editor_not_invited"
EVALUATOR = "head_evaluating"
SECRETARY = "committee_secretary"
COUNCIL = "council_member"
EXTERNAL = "external_invited"
OTHER_EXTERNAL = "external_other_organisation"
OTHER_BODY = "other_body_strategy_unit"
ACTORS = (
    MANAGEMENT,
    STRATEGY,
    HEAD,
    EDITOR,
    OTHER_HEAD,
    OTHER_EDITOR,
    EVALUATOR,
    SECRETARY,
    COUNCIL,
    EXTERNAL,
    OTHER_EXTERNAL,
    OTHER_BODY,
)
RUNNERS = frozenset({MANAGEMENT, STRATEGY})
DEPARTMENT = frozenset({HEAD, EDITOR})


@dataclass
class Scene:
    """A round in a state: its objects by name and the actors."""

    built: Round
    actors: dict[str, User]
    objects: dict[str, object]


def _actors(world: World) -> dict[str, User]:
    other_org = OrganisationFactory(body=world.body)
    other_world = build_world("landkreis-anderswo")
    return {
        MANAGEMENT: world.users[Role.MANAGEMENT],
        STRATEGY: world.users[Role.STRATEGY_UNIT],
        HEAD: world.users[Role.DEPARTMENT_HEAD],
        EDITOR: world.users[Role.DEPARTMENT_EDITOR],
        OTHER_HEAD: world.users["other_department_head"],
        OTHER_EDITOR: user_with_role(world.body, Role.DEPARTMENT_EDITOR, world.departments[1]),
        EVALUATOR: user_with_role(world.body, Role.DEPARTMENT_HEAD, world.departments[2]),
        SECRETARY: world.users[Role.COMMITTEE_SECRETARY],
        COUNCIL: world.users[Role.COUNCIL_MEMBER],
        EXTERNAL: world.users[Role.EXTERNAL_STAKEHOLDER],
        OTHER_EXTERNAL: user_with_role(
            world.body,
            Role.EXTERNAL_STAKEHOLDER,
            organisation=other_org,  # type: ignore[arg-type]
        ),
        OTHER_BODY: other_world.users[Role.STRATEGY_UNIT],
    }


def _fire(user: User, obj: object, name: str, comment: str = "") -> None:
    transition_fire(acting_user=user, obj=obj, transition=name, comment=comment)  # type: ignore[arg-type]


def _scene(world: World, state: str, *, release: bool = True) -> Scene:
    """Build a round of FD 31 (invited) and one organisation (`extern`'s) in `state`.

    From "open" on: a draft of the department (by its editor) and a released statement of
    the organisation (without `release`: still a draft, its invitation unanswered); from
    "closed" on: that statement assigned to FD 33 for evaluation,
    recorded once the round is evaluated.
    """
    actors = _actors(world)
    built = round_build(world, departments=1, organisations=1, open_=state != RoundState.DRAFT)
    round_ = built.round
    department_invitation = built.of(world.departments[0])
    organisation_invitation = built.of(built.organisations[0])
    objects: dict[str, object] = {
        "round": round_,
        "department_invitation": department_invitation,
        "organisation_invitation": organisation_invitation,
    }
    if state == RoundState.DRAFT:
        return Scene(built, actors, objects)
    objects["draft_statement"] = statement_draft(department_invitation, by=actors[EDITOR])
    released = statement_draft(
        organisation_invitation, by=actors[EXTERNAL], position=Position.REJECTION
    )
    if not release:
        objects["organisation_draft"] = released
        return Scene(built, actors, objects)
    _fire(actors[EXTERNAL], released, "release")
    objects["released_statement"] = released
    strategy = actors[STRATEGY]
    if state == RoundState.CANCELLED:
        _fire(strategy, round_, "cancel", "Der Entwurf wird zurückgezogen.")
        return Scene(built, actors, objects)
    if state == RoundState.OPEN:
        return Scene(built, actors, objects)
    _fire(strategy, round_, "close")
    evaluation = Evaluation.objects.create(
        body=world.body,
        round=round_,
        statement=released,
        department=world.departments[2],
        assigned_by=strategy,
        disposition=Disposition.PARTLY,
        reason="Die Anregung wird im Handlungsfeld 2 aufgegriffen.",
    )
    objects["evaluation"] = evaluation
    if state == RoundState.CLOSED:
        return Scene(built, actors, objects)
    _fire(actors[EVALUATOR], evaluation, "record")
    _fire(strategy, round_, "evaluate")
    if state == RoundState.CONCLUDED:
        _fire(strategy, round_, "conclude")
    return Scene(built, actors, objects)


# --- who sees what: pages by HTTP GET -----------------------------------------------------

PAGES: dict[str, tuple[str, str]] = {
    # page: (URL name, object of the scene)
    "round": ("workflows:round_detail", "round"),
    "board": ("workflows:round_board", "round"),
    "conflicts": ("workflows:round_conflicts", "round"),
    "weighing_table": ("workflows:weighing_table", "round"),
    "department_invitation": ("workflows:invitation_detail", "department_invitation"),
    "organisation_invitation": ("workflows:invitation_detail", "organisation_invitation"),
    "draft_statement": ("workflows:statement_detail", "draft_statement"),
    "released_statement": ("workflows:statement_detail", "released_statement"),
    "evaluation": ("workflows:evaluation_detail", "evaluation"),
}
Seen = set[str] | frozenset[str]
INVITEES = RUNNERS | DEPARTMENT | {EXTERNAL}
_SEEN_DRAFT: dict[str, Seen] = {
    # A draft round is the runners' alone: invitees see it once it is opened.
    "round": RUNNERS,
    "board": {STRATEGY},
    "conflicts": RUNNERS,
    "weighing_table": RUNNERS,
    "department_invitation": RUNNERS,
    "organisation_invitation": RUNNERS,
}
_SEEN_OPENED: dict[str, Seen] = {
    **_SEEN_DRAFT,
    "round": INVITEES,
    "department_invitation": RUNNERS | DEPARTMENT,
    "organisation_invitation": RUNNERS | {EXTERNAL},
    # A draft is its own invitee's alone; a released statement also the runners'.
    "draft_statement": DEPARTMENT,
    "released_statement": RUNNERS | {EXTERNAL},
}
_SEEN_WEIGHED: dict[str, Seen] = {
    **_SEEN_OPENED,
    # The evaluating department sees the round, the statement assigned to it, its
    # evaluation and its rows of the weighing table.
    "round": INVITEES | {EVALUATOR},
    "released_statement": RUNNERS | {EXTERNAL, EVALUATOR},
    "evaluation": RUNNERS | {EVALUATOR},
    "weighing_table": RUNNERS | {EVALUATOR},
}
SEEN: dict[str, dict[str, Seen]] = {
    RoundState.DRAFT: _SEEN_DRAFT,
    RoundState.OPEN: _SEEN_OPENED,
    RoundState.CANCELLED: _SEEN_OPENED,
    RoundState.CLOSED: _SEEN_WEIGHED,
    RoundState.EVALUATED: _SEEN_WEIGHED,
    # Concluded: the evaluation is published to the invitees whose statement it weighs,
    # the weighing table (without personal data) to every invitee.
    RoundState.CONCLUDED: {
        **_SEEN_WEIGHED,
        "evaluation": RUNNERS | {EVALUATOR, EXTERNAL},
        "weighing_table": INVITEES | {EVALUATOR},
    },
}
# Where a user who sees the round but may not run it is refused (403, not 404).
MANAGER_ONLY = {"board"}


def _expected_status(page: str, actor: str, seen: Seen, sees_round: bool) -> int:
    if actor in seen:
        return 200
    return 403 if page in MANAGER_ONLY and sees_round else 404


@pytest.mark.parametrize("state", list(SEEN))
def test_who_sees_each_page(world: World, state: str) -> None:
    scene = _scene(world, state)
    table = SEEN[state]
    expected: dict[tuple[str, str], int] = {}
    actual: dict[tuple[str, str], int] = {}
    for actor in ACTORS:
        client = Client()
        client.force_login(scene.actors[actor])
        for page, seen in table.items():
            url_name, key = PAGES[page]
            obj = scene.objects[key]
            url = reverse(url_name, args=[obj.pk])  # type: ignore[attr-defined]
            expected[page, actor] = _expected_status(page, actor, seen, actor in table["round"])
            actual[page, actor] = client.get(url).status_code
    assert actual == expected


def test_the_tables_cover_every_page_of_the_scene() -> None:
    # A page left out of a state's table would never be checked in that state.
    statements = {"draft_statement", "released_statement"}
    for state, table in SEEN.items():
        expected = set(PAGES)
        if state == RoundState.DRAFT:
            expected -= {*statements, "evaluation"}
        elif state in (RoundState.OPEN, RoundState.CANCELLED):
            expected -= {"evaluation"}
        assert set(table) == expected, state


# --- who may fire what: the transition service ------------------------------------------


def _extension(user: User, obj: object) -> None:
    assert isinstance(obj, Invitation)
    invitation_extension_request(
        acting_user=user,
        invitation=obj,
        until=obj.round.deadline + dt.timedelta(days=14),
        reason="Die Ratssitzung liegt nach der Frist.",
    )


def _head_asks_extension(scene: Scene) -> None:
    _extension(scene.actors[HEAD], scene.objects["department_invitation"])


def _evaluator_records(scene: Scene) -> None:
    _fire(scene.actors[EVALUATOR], scene.objects["evaluation"], "record")


def _to_strategy_unit(scene: Scene) -> None:
    """Assign the evaluation to no department: the strategy unit weighs it itself."""
    Evaluation.objects.filter(pk=scene.objects["evaluation"].pk).update(department=None)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Move:
    """A transition on an object of a scene in `state` (after `prepare`) and who may fire it."""

    state: str
    key: str
    transition: str
    allowed: frozenset[str]
    comment: str = ""
    release: bool = True  # False: the organisation's statement stays a draft
    prepare: Callable[[Scene], None] | None = field(default=None, compare=False)


REASON = "Begründung für die Akte."
ONLY_STRATEGY = frozenset({STRATEGY})
MOVES: dict[str, Move] = {
    "round.open": Move(RoundState.DRAFT, "round", "open", ONLY_STRATEGY),
    "round.cancel(draft)": Move(RoundState.DRAFT, "round", "cancel", ONLY_STRATEGY, REASON),
    "round.close": Move(RoundState.OPEN, "round", "close", ONLY_STRATEGY),
    "round.cancel(open)": Move(RoundState.OPEN, "round", "cancel", ONLY_STRATEGY, REASON),
    "round.cancel(closed)": Move(RoundState.CLOSED, "round", "cancel", ONLY_STRATEGY, REASON),
    "round.evaluate": Move(
        RoundState.CLOSED, "round", "evaluate", ONLY_STRATEGY, prepare=_evaluator_records
    ),
    "round.conclude": Move(RoundState.EVALUATED, "round", "conclude", ONLY_STRATEGY),
    # Answering for an invitee: its head or its contact person, never its editor.
    "department_invitation.decline": Move(
        RoundState.OPEN, "department_invitation", "decline", frozenset({HEAD})
    ),
    "department_invitation.decline(closed)": Move(
        RoundState.CLOSED, "department_invitation", "decline", frozenset({HEAD})
    ),
    "organisation_invitation.decline": Move(
        RoundState.OPEN, "organisation_invitation", "decline", frozenset({EXTERNAL}), release=False
    ),
    "department_invitation.request_extension": Move(
        RoundState.OPEN, "department_invitation", "request_extension", frozenset({HEAD})
    ),
    "organisation_invitation.request_extension": Move(
        RoundState.OPEN,
        "organisation_invitation",
        "request_extension",
        frozenset({EXTERNAL}),
        release=False,
    ),
    "department_invitation.grant_extension": Move(
        RoundState.OPEN,
        "department_invitation",
        "grant_extension",
        ONLY_STRATEGY,
        prepare=_head_asks_extension,
    ),
    "department_invitation.refuse_extension": Move(
        RoundState.OPEN,
        "department_invitation",
        "refuse_extension",
        ONLY_STRATEGY,
        REASON,
        prepare=_head_asks_extension,
    ),
    # Releasing: the invitee's head or contact person; the editor only drafts.
    "draft_statement.release": Move(
        RoundState.OPEN, "draft_statement", "release", frozenset({HEAD})
    ),
    "organisation_draft.release": Move(
        RoundState.OPEN, "organisation_draft", "release", frozenset({EXTERNAL}), release=False
    ),
    # Weighing: the evaluating department; reopening: the strategy unit.
    # The strategy unit holds `disposition_record` on the body: it may also record a
    # department's disposition (it runs the evaluation and may reopen any).
    "evaluation.record": Move(
        RoundState.CLOSED, "evaluation", "record", frozenset({EVALUATOR, STRATEGY})
    ),
    "evaluation.record(strategy unit's own)": Move(
        RoundState.CLOSED, "evaluation", "record", ONLY_STRATEGY, prepare=_to_strategy_unit
    ),
    "evaluation.reopen": Move(
        RoundState.CLOSED, "evaluation", "reopen", ONLY_STRATEGY, REASON, prepare=_evaluator_records
    ),
}
# Transitions fired through their own service (they carry more than a comment).
CALLERS: dict[str, Callable[[User, object], None]] = {"request_extension": _extension}


def _outcome(user: User, move: Move, obj: object) -> str:
    """Fire the move as `user` and roll it back: "allowed" or the refusal's status."""
    try:
        with transaction.atomic():
            caller = CALLERS.get(move.transition)
            if caller is not None:
                caller(user, obj)
            else:
                _fire(user, obj, move.transition, move.comment)
            transaction.set_rollback(True)
    except TransitionError as exc:
        return str(exc.status)
    return "allowed"


@pytest.mark.parametrize("name", list(MOVES))
def test_who_may_fire_each_transition(world: World, name: str) -> None:
    move = MOVES[name]
    scene = _scene(world, move.state, release=move.release)
    if move.prepare is not None:
        move.prepare(scene)
    target = scene.objects[move.key]
    expected, actual = {}, {}
    for actor in ACTORS:
        # A fresh copy each time: an attempt rolled back leaves nothing on the instance.
        obj = type(target)._default_manager.get(pk=target.pk)  # type: ignore[attr-defined]
        expected[actor] = "allowed" if actor in move.allowed else "refused"
        outcome = _outcome(scene.actors[actor], move, obj)
        # A refusal must be "not permitted" or "not found", not a failing condition.
        actual[actor] = {"allowed": "allowed", "403": "refused", "404": "refused"}.get(
            outcome, f"refused with {outcome}"
        )
    assert actual == expected
