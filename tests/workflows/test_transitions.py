"""How the transition service behaves beyond who may fire what (see test_permission_matrix)."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from guardian.shortcuts import assign_perm

from planning_cycle.access import permission_checker
from planning_cycle.models import Phase, PlanningCycle, Role, User
from planning_cycle.models.bodies import Department
from tests.support.factories import BodyFactory, user_with_role
from tests.support.workflows import agreement, current_state, operative_goal, walk
from tests.support.world import World, build_world
from workflows.models import (
    AgreementState,
    AppendOnlyError,
    DepartmentPlan,
    DepartmentReview,
    GoalAgreement,
    OutboxMessage,
    ReviewState,
    TransitionLog,
)
from workflows.services.rows import OUTBOX_TOPIC
from workflows.services.transitions import (
    CommentRequired,
    TransitionBlocked,
    TransitionConflict,
    TransitionNotPermitted,
    UnknownTransition,
    transition_fire,
)

pytestmark = pytest.mark.django_db


def review_of(world: World, department: Department | None = None) -> DepartmentReview:
    return DepartmentReview.objects.get(
        cycle=world.cycle, department=department or world.department
    )


def counts() -> tuple[int, int]:
    return TransitionLog.objects.count(), OutboxMessage.objects.count()


def logs_of(obj: object) -> list[TransitionLog]:
    ctype = ContentType.objects.get_for_model(type(obj))
    return list(
        TransitionLog.objects.filter(content_type=ctype, object_id=obj.pk).order_by("id")  # type: ignore[attr-defined]
    )


# --- comments -----------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   \n\t "])
def test_return_requires_a_comment_and_writes_nothing(world: World, comment: str) -> None:
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    before = counts()

    with pytest.raises(CommentRequired, match="„Zurückgeben“ ist ein Kommentar erforderlich"):
        transition_fire(
            acting_user=world.users["management"], obj=review, transition="return_", comment=comment
        )

    assert current_state(review) == ReviewState.SUBMITTED
    assert counts() == before


def test_return_with_a_comment_stores_the_comment_stripped(world: World) -> None:
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    result = transition_fire(
        acting_user=world.users["management"],
        obj=review,
        transition="return_",
        comment="  Bitte Kennzahlen 2025 ergänzen.  ",
    )
    assert current_state(review) == ReviewState.RETURNED
    assert result.log.comment == "Bitte Kennzahlen 2025 ergänzen."


# --- phase conditions ---------------------------------------------------------------------


def test_review_transitions_only_in_the_goal_review_phase(world: World) -> None:
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    walk(world.cycle, Phase.FRAMEWORK, world.users)
    before = counts()

    for user, name in (
        (world.users["management"], "accept"),
        (world.users["management"], "return_"),
    ):
        with pytest.raises(TransitionBlocked) as excinfo:
            transition_fire(acting_user=user, obj=review, transition=name, comment="Kommentar")
        assert excinfo.value.message == (
            "Nur in der Phase „Zielbilanzierung“ möglich; der Zyklus ist in „Rahmenvorgaben“."
        )
        assert excinfo.value.overridable is False

    assert current_state(review) == ReviewState.SUBMITTED
    assert counts() == before


def test_a_returned_review_cannot_be_resubmitted_after_the_phase(world: World) -> None:
    review = walk(review_of(world), ReviewState.RETURNED, world.users)
    walk(world.cycle, Phase.FRAMEWORK, world.users)
    with pytest.raises(TransitionBlocked, match="Nur in der Phase „Zielbilanzierung“ möglich"):
        transition_fire(acting_user=world.users["department_head"], obj=review, transition="submit")


def test_plan_transitions_only_in_the_planning_phase(world: World) -> None:
    plan = DepartmentPlan.objects.get(cycle=world.cycle, department=world.department)
    with pytest.raises(TransitionBlocked) as excinfo:
        transition_fire(acting_user=world.users["department_head"], obj=plan, transition="submit")
    assert "Ziel- und Haushaltsplanung" in excinfo.value.message
    assert "Zielbilanzierung" in excinfo.value.message  # the current phase
    assert current_state(plan) == "draft"


def test_management_may_not_override_a_phase_condition(world: World) -> None:
    """Overrides are for cycle guards; a review in the wrong phase stays blocked."""
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    walk(world.cycle, Phase.FRAMEWORK, world.users)
    with pytest.raises(TransitionBlocked):
        transition_fire(
            acting_user=world.users["management"],
            obj=review,
            transition="accept",
            override_reason="Nachzügler",
        )
    assert current_state(review) == ReviewState.SUBMITTED


# --- cycle guards and overrides -----------------------------------------------------------

GUARD_MESSAGE = (
    "Zielbilanzierung kann nicht abgeschlossen werden: 2 von 3 Fachdiensten fehlen: FD 32, FD 33"
)


def test_cycle_guard_names_the_missing_departments(world: World) -> None:
    walk(review_of(world), ReviewState.ACCEPTED, world.users)  # FD 31 is done
    before = counts()

    with pytest.raises(TransitionBlocked, match=re.escape(GUARD_MESSAGE)) as excinfo:
        transition_fire(
            acting_user=world.users["management"], obj=world.cycle, transition="to_framework"
        )

    assert excinfo.value.reasons == (GUARD_MESSAGE,)
    assert excinfo.value.overridable is True
    assert "mit Begründung" in excinfo.value.message
    assert current_state(world.cycle) == Phase.GOAL_REVIEW
    assert counts() == before


def test_cycle_guard_with_one_department_missing_uses_the_singular(world: World) -> None:
    walk(review_of(world, world.departments[0]), ReviewState.ACCEPTED, world.users)
    world.users["department_head"] = world.users["other_department_head"]
    walk(review_of(world, world.departments[1]), ReviewState.ACCEPTED, world.users)
    with pytest.raises(TransitionBlocked, match="1 von 3 Fachdiensten fehlt: FD 33"):
        transition_fire(
            acting_user=world.users["management"], obj=world.cycle, transition="to_framework"
        )


def test_management_overrides_a_guard_with_a_recorded_reason(world: World) -> None:
    result = transition_fire(
        acting_user=world.users["management"],
        obj=world.cycle,
        transition="to_framework",
        override_reason="  Kreistag tagt früher; FD 32 und FD 33 liefern nach.  ",
    )
    assert current_state(world.cycle) == Phase.FRAMEWORK
    log = TransitionLog.objects.get(pk=result.log.pk)
    assert log.override_reason == "Kreistag tagt früher; FD 32 und FD 33 liefern nach."
    assert (log.source_state, log.target_state) == (Phase.GOAL_REVIEW, Phase.FRAMEWORK)


def test_an_override_reason_is_not_recorded_when_nothing_blocks(world: World) -> None:
    heads = [world.users["department_head"], world.users["other_department_head"]]
    heads.append(user_with_role(world.body, Role.DEPARTMENT_HEAD, world.departments[2]))
    for department, head in zip(world.departments, heads, strict=True):
        walk(
            review_of(world, department),
            ReviewState.ACCEPTED,
            {**world.users, "department_head": head},
        )

    result = transition_fire(
        acting_user=world.users["management"],
        obj=world.cycle,
        transition="to_framework",
        override_reason="überflüssig",
    )
    assert result.log.override_reason == ""


def test_a_blank_override_reason_does_not_override(world: World) -> None:
    with pytest.raises(
        TransitionBlocked, match=re.escape("3 von 3 Fachdiensten fehlen: FD 31, FD 32, FD 33")
    ):
        transition_fire(
            acting_user=world.users["management"],
            obj=world.cycle,
            transition="to_framework",
            override_reason="   ",
        )


@pytest.mark.parametrize("role", ["strategy_unit", "department_head", "committee_secretary"])
def test_a_non_management_user_cannot_override(world: World, role: str) -> None:
    before = counts()
    with pytest.raises(TransitionNotPermitted):
        transition_fire(
            acting_user=world.users[role],
            obj=world.cycle,
            transition="to_framework",
            override_reason="Ich übernehme das",
        )
    assert current_state(world.cycle) == Phase.GOAL_REVIEW
    assert counts() == before


def test_advancing_without_the_override_permission_cannot_override(world: World) -> None:
    """Someone who may move the cycle but not override is blocked, and told no way around."""
    mover = user_with_role(world.body, Role.COUNCIL_MEMBER)
    assign_perm("planning_cycle.cycle_advance", mover, world.body)

    with pytest.raises(TransitionBlocked) as excinfo:
        transition_fire(
            acting_user=mover,
            obj=world.cycle,
            transition="to_framework",
            override_reason="Ich übernehme das",
        )
    assert excinfo.value.overridable is False
    assert "mit Begründung" not in excinfo.value.message
    assert current_state(world.cycle) == Phase.GOAL_REVIEW


# --- conflicts ----------------------------------------------------------------------------


def test_a_stale_expected_state_names_the_current_state_and_the_last_actor(world: World) -> None:
    head = world.users["department_head"]
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    before = counts()

    # Management opened the page while the review was still a draft.
    with pytest.raises(TransitionConflict) as excinfo:
        transition_fire(
            acting_user=world.users["management"],
            obj=review,
            transition="accept",
            expected_state=ReviewState.DRAFT,
        )

    message = excinfo.value.message
    assert excinfo.value.status == 409
    assert "„Annehmen“ ist nicht mehr möglich" in message
    assert "„eingereicht“" in message
    assert f"Zuletzt geändert von {head}" in message
    assert str(head) == head.get_full_name()
    assert current_state(review) == ReviewState.SUBMITTED
    assert counts() == before


def test_firing_a_transition_twice_is_a_conflict(world: World) -> None:
    management = world.users["management"]
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    transition_fire(acting_user=management, obj=review, transition="accept")
    before = counts()
    with pytest.raises(
        TransitionConflict, match=f"„angenommen“. Zuletzt geändert von {management}"
    ):
        transition_fire(acting_user=management, obj=review, transition="accept")
    assert counts() == before


def test_unknown_transition(world: World) -> None:
    with pytest.raises(UnknownTransition, match="„publish“"):
        transition_fire(
            acting_user=world.users["management"], obj=world.cycle, transition="publish"
        )


def test_only_workflow_models_are_fired(world: World) -> None:
    with pytest.raises(TypeError):
        transition_fire(acting_user=world.users["management"], obj=world.body, transition="close")


# --- bodies -------------------------------------------------------------------------------


@pytest.fixture
def stranger(world: World) -> User:
    """Management of another body."""
    return user_with_role(BodyFactory(key="stadt-anderswo"), Role.MANAGEMENT)


def test_a_user_of_another_body_is_refused(world: World, stranger: User) -> None:
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    before = counts()
    for obj, name in ((review, "accept"), (world.cycle, "to_framework")):
        with pytest.raises(TransitionNotPermitted):
            transition_fire(
                acting_user=stranger,
                obj=obj,
                transition=name,
                override_reason="fremd",
                checker=permission_checker(stranger),
            )
    assert current_state(review) == ReviewState.SUBMITTED
    assert current_state(world.cycle) == Phase.GOAL_REVIEW
    assert counts() == before


@pytest.mark.parametrize("who", ["stranger", "external_stakeholder", "department_editor"])
def test_a_refused_user_learns_nothing_from_a_conflict(
    world: World, stranger: User, who: str
) -> None:
    """Refusing someone must not tell them the object's state or who changed it last:
    the permission (and the body) is checked before the state (fixed in 9f35b26)."""
    user = stranger if who == "stranger" else world.users[who]
    review = walk(review_of(world), ReviewState.ACCEPTED, world.users)
    for expected_state in (None, ReviewState.SUBMITTED):
        with pytest.raises(TransitionNotPermitted) as excinfo:
            transition_fire(
                acting_user=user, obj=review, transition="accept", expected_state=expected_state
            )
        assert str(world.users["management"]) not in excinfo.value.message
        assert "angenommen" not in excinfo.value.message


def test_an_inactive_user_is_refused(world: World) -> None:
    head = world.users["department_head"]
    head.is_active = False
    head.save(update_fields=["is_active"])
    with pytest.raises(TransitionNotPermitted):
        transition_fire(acting_user=head, obj=review_of(world), transition="submit")


# --- history ------------------------------------------------------------------------------


def test_the_history_is_append_only(world: World) -> None:
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    (log,) = logs_of(review)

    log.comment = "nachträglich geändert"
    with pytest.raises(AppendOnlyError):
        log.save()
    with pytest.raises(AppendOnlyError):
        log.delete()
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(pk=log.pk).update(comment="x")
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(pk=log.pk).delete()
    # bulk_update runs in its own atomic block: keep the test's transaction usable.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        TransitionLog.objects.bulk_update([log], ["comment"])

    assert TransitionLog.objects.get(pk=log.pk).comment == "Kommentar beim Durchlaufen"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE workflows_transitionlog SET comment = 'manipuliert' WHERE id = %s",
        "UPDATE workflows_transitionlog SET target_state = 'accepted' WHERE id = %s",
        "DELETE FROM workflows_transitionlog WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_the_history(world: World, sql: str) -> None:
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    (log,) = logs_of(review)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [log.pk])

    stored = TransitionLog.objects.get(pk=log.pk)
    assert (stored.comment, stored.target_state) == (log.comment, log.target_state)


def test_the_embedded_database_refuses_to_update_the_history_too(world: World) -> None:
    """Past the model's guard (the base manager), the database trigger still refuses."""
    review = walk(review_of(world), ReviewState.SUBMITTED, world.users)
    (log,) = logs_of(review)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        TransitionLog._base_manager.filter(pk=log.pk).update(comment="manipuliert")

    assert TransitionLog.objects.get(pk=log.pk).comment == log.comment


def test_an_outbox_row_per_transition_with_the_log_id(world: World) -> None:
    head, management = world.users["department_head"], world.users["management"]
    review = review_of(world)
    results = [
        transition_fire(acting_user=head, obj=review, transition="submit"),
        transition_fire(acting_user=management, obj=review, transition="return_", comment="Nein"),
        transition_fire(acting_user=head, obj=review, transition="submit"),
    ]
    messages = list(OutboxMessage.objects.order_by("id"))
    assert len(messages) == len(results) == len(logs_of(review))
    for result, message in zip(results, messages, strict=True):
        log = result.log
        assert message.topic == OUTBOX_TOPIC
        assert message.body_id == world.body.pk
        assert message.processed_at is None
        assert message.payload == {
            "log_id": log.pk,
            "model": "workflows.departmentreview",
            "object_id": review.pk,
            "transition": log.transition,
            "source": log.source_state,
            "target": log.target_state,
            "actor_id": log.actor_id,
        }


def test_a_refused_transition_writes_no_outbox_row(world: World) -> None:
    with pytest.raises(TransitionNotPermitted):
        transition_fire(
            acting_user=world.users["department_editor"], obj=review_of(world), transition="submit"
        )
    assert OutboxMessage.objects.count() == 0


# --- closing the cycle: carry-over --------------------------------------------------------

# "<state>[, closed]": the agreement is walked into the state, then closed if so labelled.
CARRIED = (
    "not_achieved",
    "not_achieved, closed",
    "partly_achieved",
    "carried_over",
    "proposed (open)",
    "submitted (open)",
    "in_implementation (open)",
    "deferred (open)",
)
NOT_CARRIED = ("achieved", "achieved, closed", "dropped", "withdrawn")


def _agreement_in(world: World, label: str, number: int) -> GoalAgreement:
    state = label.split(",")[0].split(" ")[0]
    goal = operative_goal(world.body, number=f"1.{number}", position=number)
    obj = agreement(
        world.cycle,
        world.department,
        goal,
        balance=f"Bilanz {label}",
        effects=f"Wirkungen {label}",
        programmes="Programme",
        processes="Prozesse",
        resources="2 VZÄ",
    )
    obj = walk(obj, state, world.users)
    if label.endswith("closed"):
        obj = walk(obj, AgreementState.CLOSED, world.users)
    return obj


def _close_cycle(world: World) -> PlanningCycle:
    cycle = walk(world.cycle, Phase.BUDGET_RESOLUTION, world.users)
    # The budget paper is no concern here: management closes with a reason.
    transition_fire(
        acting_user=world.users["management"],
        obj=cycle,
        transition="close",
        override_reason="Haushaltsbeschluss liegt vor (Vorlage außerhalb des Tests)",
    )
    return cycle


def test_closing_the_cycle_carries_unfinished_agreements_to_the_next_year(world: World) -> None:
    labels = [*CARRIED, *NOT_CARRIED]
    agreements = {label: _agreement_in(world, label, i) for i, label in enumerate(labels)}

    _close_cycle(world)

    nxt = PlanningCycle.objects.get(body=world.body, year=world.cycle.year + 1)
    assert nxt.phase == Phase.GOAL_REVIEW
    assert nxt.reviews.count() == len(world.departments)
    assert nxt.plans.count() == len(world.departments)
    assert nxt.deadlines.count() == 8
    carried = {a.carried_over_from_id: a for a in GoalAgreement.objects.filter(cycle=nxt)}
    assert {agreements[label].pk for label in CARRIED} == set(carried)
    for label in CARRIED:
        source = agreements[label]
        copy = carried[source.pk]
        assert copy.state == AgreementState.PROPOSED
        assert copy.outcome == ""
        assert (copy.operative_goal_id, copy.department_id) == (
            source.operative_goal_id,
            source.department_id,
        )
        assert (copy.balance, copy.effects, copy.resources) == (
            source.balance,
            source.effects,
            source.resources,
        )
    # The carried-over rows are new rows; the old cycle's agreements are untouched.
    for label, source in agreements.items():
        assert current_state(source) == source.state, label


def test_an_agreement_dropped_at_the_retreat_and_closed_is_not_carried_over(
    world: World,
) -> None:
    """A dropped agreement that was then closed has state closed and no outcome; it ends
    with its cycle (it was carried over before 9f35b26)."""
    dropped_closed = _agreement_in(world, "dropped, closed", 1)
    _close_cycle(world)
    assert not GoalAgreement.objects.filter(carried_over_from=dropped_closed).exists()


def test_closing_into_an_existing_next_cycle_adds_only_the_agreements(world: World) -> None:
    nxt = PlanningCycle.objects.create(body=world.body, year=world.cycle.year + 1)
    _agreement_in(world, "not_achieved", 1)
    _close_cycle(world)
    assert nxt.agreements.count() == 1
    assert PlanningCycle.objects.filter(body=world.body).count() == 2


def test_closing_twice_is_impossible(world: World) -> None:
    _agreement_in(world, "not_achieved", 1)
    cycle = _close_cycle(world)
    before = counts()
    agreements_before = GoalAgreement.objects.count()
    cycles_before = PlanningCycle.objects.count()

    with pytest.raises(TransitionConflict, match="„abgeschlossen“"):
        transition_fire(acting_user=world.users["management"], obj=cycle, transition="close")

    assert counts() == before
    assert GoalAgreement.objects.count() == agreements_before
    assert PlanningCycle.objects.count() == cycles_before


# --- queries ------------------------------------------------------------------------------


def queries_per_transition() -> int:
    """SAVEPOINT, SELECT … FOR UPDATE (cycle joined), UPDATE … WHERE state, history and
    outbox INSERTs (one statement on PostgreSQL), RELEASE SAVEPOINT.

    In a request the savepoint pair is BEGIN/COMMIT, which Django (4.2+) counts as well.
    """
    return 5 if connection.vendor == "postgresql" else 6


def queries_per_submit() -> int:
    """A submission also closes the department's deadline (UPDATE, a side effect the
    deadlines register), reads the body's decision period (SELECT) and opens management's
    decision deadline (INSERT)."""
    return queries_per_transition() + 3


@pytest.mark.parametrize("departments", [3, 30])
def test_queries_per_transition_are_constant(
    db: None, departments: int, django_assert_num_queries: object
) -> None:
    world = build_world(key=f"queries-{departments}", departments=departments)
    head = world.users["department_head"]
    review = review_of(world)
    checker = permission_checker(head)  # a request prefetches once
    ContentType.objects.get_for_model(DepartmentReview)  # warm the content type cache

    with django_assert_num_queries(queries_per_submit()):  # type: ignore[operator]
        transition_fire(acting_user=head, obj=review, transition="submit", checker=checker)

    assert current_state(review) == ReviewState.SUBMITTED


@pytest.mark.parametrize("departments", [3, 30])
def test_queries_of_a_guarded_cycle_transition_do_not_grow_with_departments(
    db: None, departments: int, django_assert_num_queries: object
) -> None:
    """The guard reads all reviews in one query, whatever the number of departments; leaving
    the goal review cancels the open review deadlines in one more."""
    world = build_world(key=f"guard-queries-{departments}", departments=departments)
    management = world.users["management"]
    checker = permission_checker(management)
    ContentType.objects.get_for_model(PlanningCycle)

    with django_assert_num_queries(queries_per_transition() + 2):  # type: ignore[operator]
        transition_fire(
            acting_user=management,
            obj=world.cycle,
            transition="to_framework",
            override_reason="Test",
            checker=checker,
        )
