"""Random transitions by random users on random objects, checked against an independent model.

Each example builds a fresh world inside a savepoint (in the machine's __init__) and rolls
it back in teardown, all inside the test's transaction (pytest-django, TestCase style).

The oracle does not use the service's own permission code: it reads RoleAssignment rows
and the role → codename mappings of planning_cycle.permissions, and recomputes phase
conditions and cycle guards from the tracked states of all objects.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from planning_cycle.access import permission_checker
from planning_cycle.models import Body, Phase, PlanningCycle, Role, RoleAssignment
from planning_cycle.permissions import BODY_ROLE_PERMISSIONS, DEPARTMENT_ROLE_PERMISSIONS
from tests.support.factories import BodyFactory, user_with_role
from tests.support.workflows import (
    agreement,
    initial_state,
    operative_goal,
    transition_edges,
    transition_names,
)
from tests.support.world import build_world
from workflows.models import (
    DepartmentPlan,
    DepartmentReview,
    GoalAgreement,
    OutboxMessage,
    TransitionLog,
)
from workflows.services.transitions import (
    CommentRequired,
    TransitionBlocked,
    TransitionConflict,
    TransitionNotPermitted,
    state_field,
    transition_fire,
)

MODELS = (PlanningCycle, DepartmentReview, DepartmentPlan, GoalAgreement)
NAMES = {model: transition_names(model) for model in MODELS}
EDGES = {
    model: {(source, name): target for source, name, target in transition_edges(model)}
    for model in MODELS
}
# A cycle's steps past switched-off phases: declared, but with the default calendar their
# route never holds, so firing one is refused as blocked (naming the phase that comes next).
SKIPS = {
    model: {
        (str(t.source), t.name)
        for t in state_field(model).get_all_transitions(model)
        if t.custom.get("skips")
    }
    for model in MODELS
}
STATES = {
    model: sorted(
        {s for s, _n, _t in transition_edges(model)} | {t for _s, _n, t in transition_edges(model)}
    )
    for model in MODELS
}
DECL = {
    model: {t.name: t for t in state_field(model).get_all_transitions(model)} for model in MODELS
}
USER_KEYS = (*(r.value for r in Role), "other_department_head", "stranger")

# The cycle's guards, recomputed from tracked states: which states block a transition.
GUARD_BLOCKERS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "to_framework": (DepartmentReview, ("draft", "submitted", "returned")),
    "to_retreat": (GoalAgreement, ("proposed", "returned", "submitted")),
    "to_council_resolution": (GoalAgreement, ("approved",)),
    "to_planning": (GoalAgreement, ("adopted", "changed")),
    "to_budget_introduction": (DepartmentPlan, ("draft", "submitted", "returned")),
}
# The council phases also wait for their council paper; this world has none, so these
# transitions are blocked whatever the states (unless overridden).
PAPER_GUARDED = frozenset({"to_planning", "close"})
BACKWARDS = frozenset({"return_", "withdraw", "drop"})
PHASE_OF = {DepartmentReview: Phase.GOAL_REVIEW, DepartmentPlan: Phase.PLANNING}

SUCCESS, CONFLICT, NOT_PERMITTED, BLOCKED, COMMENT_REQUIRED = (
    "success",
    "conflict",
    "not permitted",
    "blocked",
    "comment required",
)
TOTALS: Counter[str] = Counter()
PHASES_REACHED: Counter[str] = Counter()


def _key(obj: models.Model) -> tuple[type[models.Model], int]:
    return type(obj), obj.pk


class WorkflowMachine(RuleBasedStateMachine):
    examples = 0

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        try:
            self._build()
        except BaseException:
            self._rollback()
            raise

    def _build(self) -> None:
        # The previous example was rolled back: nothing of it is left.
        assert not TransitionLog.objects.exists()
        assert not OutboxMessage.objects.exists()
        assert not Body.objects.exists()
        WorkflowMachine.examples += 1

        # Two departments (the head of the first is "department_head", of the second
        # "other_department_head"): few objects, so that random runs get deep into each.
        world = build_world(key="stateful", departments=2)
        self.body = world.body
        self.cycle = world.cycle
        self.users = {
            **world.users,
            "stranger": user_with_role(BodyFactory(key="stateful-other"), Role.MANAGEMENT),
        }
        d = world.departments
        goals = [operative_goal(world.body, number=f"1.{i}", position=i) for i in range(2)]
        agreements = [
            agreement(world.cycle, d[0], goals[0]),
            agreement(world.cycle, d[1], goals[0]),
            agreement(world.cycle, d[0], goals[1]),
        ]
        # Deliberately never refreshed: the service must re-read what it locks.
        self.objects: list[models.Model] = [
            world.cycle,
            *DepartmentReview.objects.filter(cycle=world.cycle).order_by("pk"),
            *DepartmentPlan.objects.filter(cycle=world.cycle).order_by("pk"),
            *agreements,
        ]
        self.state = {_key(o): initial_state(type(o)) for o in self.objects}
        self.successes = 0
        # user pk → [(role, department id or None)], read once from the tables.
        self.roles: dict[int, list[tuple[str, int | None]]] = {}
        for user_id, role, department_id in RoleAssignment.objects.values_list(
            "user_id", "role", "department_id"
        ):
            self.roles.setdefault(user_id, []).append((role, department_id))
        self.body_of = {u.pk: u.body_id for u in self.users.values()}
        self.ctypes = {ContentType.objects.get_for_model(m).pk: m for m in MODELS}

    def _rollback(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def teardown(self) -> None:
        PHASES_REACHED[self.state[_key(self.cycle)]] += 1
        self._rollback()

    # --- the oracle ---------------------------------------------------------------------

    def holds(self, user_id: int, codename: str, obj: models.Model) -> bool:
        """Whether the user holds the permission for the object, from the role tables."""
        if self.body_of[user_id] != obj.body_id:  # type: ignore[attr-defined]
            return False
        department_id = getattr(obj, "department_id", None)
        for role, role_department_id in self.roles.get(user_id, []):
            if role_department_id is None and codename in BODY_ROLE_PERMISSIONS.get(role, ()):
                return True
            if (
                role_department_id is not None
                and role_department_id == department_id
                and codename in DEPARTMENT_ROLE_PERMISSIONS.get(role, ())
            ):
                return True
        return False

    def states_of(self, model: type[models.Model]) -> list[str]:
        return [s for (m, _pk), s in self.state.items() if m is model]

    def expected_outcome(
        self,
        obj: models.Model,
        name: str,
        user_id: int,
        comment: str,
        override: str,
        expected_state: str | None,
    ) -> str:
        model = type(obj)
        state = self.state[_key(obj)]
        t = DECL[model][name]
        # The permission comes first: a refused user learns nothing about the object's state.
        if not self.holds(user_id, str(t.permission).split(".")[1], obj):
            return NOT_PERMITTED
        if expected_state is not None and expected_state != state:
            return CONFLICT
        if (state, name) in SKIPS[model] and (state, name) not in EDGES[model]:
            return BLOCKED
        if (state, name) not in EDGES[model]:
            return CONFLICT
        if model in PHASE_OF and self.state[_key(self.cycle)] != PHASE_OF[model]:
            return BLOCKED
        overridden = bool(override.strip()) and self.holds(user_id, "cycle_override", obj)
        if model is PlanningCycle and name in GUARD_BLOCKERS:
            blocking_model, blocking = GUARD_BLOCKERS[name]
            if any(s in blocking for s in self.states_of(blocking_model)) and not overridden:
                return BLOCKED
        if model is PlanningCycle and name in PAPER_GUARDED and not overridden:
            return BLOCKED
        if t.custom.get("comment_required") and not comment.strip():
            return COMMENT_REQUIRED
        return SUCCESS

    # --- the one rule -------------------------------------------------------------------

    # Two rules share one firing step: one draws anything at all, the other draws what a
    # user would plausibly click (a transition of the current state, usually by a user who
    # may fire it), so that runs get deep into the state machines.

    @rule(data=st.data())
    def fire_anything(self, data: st.DataObject) -> None:
        obj = data.draw(st.sampled_from(self.objects), label="object")
        model = type(obj)
        self._fire(
            data,
            obj,
            name=data.draw(st.sampled_from(NAMES[model]), label="transition"),
            user_key=data.draw(st.sampled_from(USER_KEYS), label="user"),
            comment=data.draw(st.sampled_from(["", "   ", "Kommentar"]), label="comment"),
            override=data.draw(st.sampled_from(["", " ", "Begründung"]), label="override"),
            expected_state=data.draw(
                st.none() | st.sampled_from(STATES[model]), label="expected_state"
            ),
        )

    @rule(data=st.data())
    def fire_plausibly(self, data: st.DataObject) -> None:
        self._fire_plausibly(data)

    @rule(data=st.data())
    def fire_plausibly_again(self, data: st.DataObject) -> None:
        """The same as fire_plausibly: a second rule doubles its share of the steps."""
        self._fire_plausibly(data)

    def _fire_plausibly(self, data: st.DataObject) -> None:
        movable = [o for o in self.objects if self.possible(o)]
        if not movable:
            return
        if self.cycle in movable:  # the cycle gates the reviews and plans: move it more often
            movable += [self.cycle] * 2
        obj = data.draw(st.sampled_from(movable), label="object")
        # Going back or out (return, withdraw, drop) is drawn less often than going forward.
        names = [n for n in self.possible(obj) for _ in range(1 if n in BACKWARDS else 3)]
        name = data.draw(st.sampled_from(names), label="transition")
        codename = str(DECL[type(obj)][name].permission).split(".")[1]
        holders = sorted(k for k, u in self.users.items() if self.holds(u.pk, codename, obj))
        self._fire(
            data,
            obj,
            name=name,
            user_key=data.draw(
                st.one_of(
                    st.sampled_from(holders or USER_KEYS),
                    st.sampled_from(holders or USER_KEYS),
                    st.sampled_from(USER_KEYS),
                ),
                label="user",
            ),
            comment=data.draw(st.sampled_from(["Kommentar", ""]), label="comment"),
            override=data.draw(st.sampled_from(["Begründung", ""]), label="override"),
            expected_state=data.draw(
                st.sampled_from([None, self.state[_key(obj)]]), label="expected_state"
            ),
        )

    def possible(self, obj: models.Model) -> list[str]:
        state = self.state[_key(obj)]
        return sorted(n for (s, n) in EDGES[type(obj)] if s == state)

    def _fire(
        self,
        data: st.DataObject,
        obj: models.Model,
        *,
        name: str,
        user_key: str,
        comment: str,
        override: str,
        expected_state: str | None,
    ) -> None:
        model = type(obj)
        state = self.state[_key(obj)]
        codename = str(DECL[model][name].permission).split(".")[1]
        user = self.users[user_key]
        checker = permission_checker(user) if data.draw(st.booleans(), label="prefetch") else None

        expected = self.expected_outcome(obj, name, user.pk, comment, override, expected_state)
        outcome: str
        try:
            result = transition_fire(
                acting_user=user,
                obj=obj,
                transition=name,
                comment=comment,
                override_reason=override,
                expected_state=expected_state,
                checker=checker,
            )
        except TransitionConflict:
            outcome = CONFLICT
        except TransitionNotPermitted:
            outcome = NOT_PERMITTED
        except TransitionBlocked:
            outcome = BLOCKED
        except CommentRequired:
            outcome = COMMENT_REQUIRED
        else:
            outcome = SUCCESS
            # No success without the permission, checked against the role tables.
            assert self.holds(user.pk, codename, obj)
            target = EDGES[model][(state, name)]
            log = result.log
            assert (log.source_state, log.target_state, log.actor_id) == (state, target, user.pk)
            assert log.comment == comment.strip()
            if log.override_reason:
                assert model is PlanningCycle
                assert self.holds(user.pk, "cycle_override", obj)
            self.state[_key(obj)] = target
            self.successes += 1
        event(outcome)
        TOTALS[outcome] += 1
        assert outcome == expected, (
            f"{model.__name__}.{name} from {state} by {user} "
            f"(comment={comment!r}, override={override!r}, expected_state={expected_state!r}): "
            f"{outcome}, expected {expected}"
        )

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def states_change_only_by_successful_transitions(self) -> None:
        for model in MODELS:
            field = state_field(model).attname
            pks = [pk for (m, pk) in self.state if m is model]
            stored = dict(model._default_manager.filter(pk__in=pks).values_list("pk", field))
            for pk in pks:
                assert stored[pk] == self.state[(model, pk)], f"{model.__name__} {pk}"

    @invariant()
    def the_history_replays_to_the_current_state(self) -> None:
        logs = list(
            TransitionLog.objects.order_by("id").values_list(
                "content_type_id", "object_id", "source_state", "target_state", "body_id"
            )
        )
        replayed = {key: initial_state(key[0]) for key in self.state}
        for ctype_id, object_id, source, target, body_id in logs:
            key = (self.ctypes[ctype_id], object_id)
            assert key in replayed, f"history row of an unknown object {key}"
            assert body_id == self.body.pk
            assert replayed[key] == source, f"{key}: history skips from {replayed[key]} to {source}"
            replayed[key] = target
        assert replayed == self.state

    @invariant()
    def one_history_row_and_one_outbox_row_per_success(self) -> None:
        log_ids = set(TransitionLog.objects.values_list("id", flat=True))
        outbox_log_ids = [
            p["log_id"] for p in OutboxMessage.objects.values_list("payload", flat=True)
        ]
        assert len(log_ids) == self.successes
        assert len(outbox_log_ids) == len(log_ids)
        assert set(outbox_log_ids) == log_ids

    @invariant()
    def every_actor_held_the_permission(self) -> None:
        objects = {_key(o): o for o in self.objects}
        for ctype_id, object_id, name, actor_id in TransitionLog.objects.values_list(
            "content_type_id", "object_id", "transition", "actor_id"
        ):
            model = self.ctypes[ctype_id]
            codename = str(DECL[model][name].permission).split(".")[1]
            assert self.holds(actor_id, codename, objects[(model, object_id)])


@pytest.mark.django_db(transaction=False)
def test_random_transitions_keep_the_workflow_consistent() -> None:
    TOTALS.clear()
    PHASES_REACHED.clear()
    WorkflowMachine.examples = 0
    run_state_machine_as_test(
        WorkflowMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=100,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # The run explored something: several examples, and every kind of outcome.
    assert WorkflowMachine.examples >= 10
    assert set(TOTALS) == {SUCCESS, CONFLICT, NOT_PERMITTED, BLOCKED, COMMENT_REQUIRED}, TOTALS
    assert TOTALS[SUCCESS] >= 100, TOTALS
    assert set(PHASES_REACHED) - {Phase.GOAL_REVIEW}, PHASES_REACHED
