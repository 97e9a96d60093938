"""Submitting a goal agreement needs the answers management decides on (issue 9, item 7).

Required: effects (Wirkungen), programmes, processes and resources. The balance (Bilanz)
may stay empty: a goal agreed on for the first time has nothing achieved yet.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from planning_cycle.access import permission_checker
from tests.support.workflows import agreement, current_state, operative_goal
from tests.support.world import World
from workflows.models import AgreementState, TransitionLog
from workflows.services.transitions import (
    TransitionBlocked,
    transition_fire,
    transitions_available,
)

pytestmark = pytest.mark.django_db

EFFECTS = "„Was wollen wir erreichen? (Wirkungen)“"
PROGRAMMES = "„Was müssen wir dafür tun? (Programme, Produkte)“"
PROCESSES = "„Wie müssen wir es tun? (Prozesse, Strukturen)“"
RESOURCES = "„Was müssen wir dafür einsetzen? (Geld, Personal)“"
EMPTY = {"balance": "", "effects": "", "programmes": "", "processes": "", "resources": ""}


def test_an_agreement_without_answers_cannot_be_submitted(world: World) -> None:
    item = agreement(world.cycle, world.department, operative_goal(world.body), **EMPTY)
    with pytest.raises(TransitionBlocked) as excinfo:
        transition_fire(acting_user=world.users["department_head"], obj=item, transition="submit")
    error = excinfo.value
    assert error.status == 422
    assert not error.overridable
    assert error.reasons == (
        "Zum Einreichen fehlen noch die Antworten auf "
        f"{EFFECTS}, {PROGRAMMES}, {PROCESSES}, {RESOURCES}.",
    )
    assert "Bilanz" not in error.message
    assert current_state(item) == AgreementState.PROPOSED
    assert not TransitionLog.objects.exists()


def test_blank_text_is_no_answer_and_one_missing_answer_is_named_alone(world: World) -> None:
    item = agreement(world.cycle, world.department, operative_goal(world.body), processes=" \n\t ")
    with pytest.raises(TransitionBlocked) as excinfo:
        transition_fire(acting_user=world.users["department_head"], obj=item, transition="submit")
    assert excinfo.value.reasons == (f"Zum Einreichen fehlt noch die Antwort auf {PROCESSES}.",)


def test_the_balance_may_stay_empty(world: World) -> None:
    item = agreement(world.cycle, world.department, operative_goal(world.body), balance="")
    result = transition_fire(
        acting_user=world.users["department_head"], obj=item, transition="submit"
    )
    assert current_state(result.obj) == AgreementState.SUBMITTED


def test_a_returned_agreement_whose_answer_was_cleared_cannot_be_resubmitted(
    world: World,
) -> None:
    head = world.users["department_head"]
    item = agreement(world.cycle, world.department, operative_goal(world.body))
    transition_fire(acting_user=head, obj=item, transition="submit")
    transition_fire(
        acting_user=world.users["management"], obj=item, transition="return_", comment="Bitte"
    )
    type(item).objects.filter(pk=item.pk).update(resources="")
    with pytest.raises(TransitionBlocked, match="Geld, Personal"):
        transition_fire(acting_user=head, obj=item, transition="submit")
    assert current_state(item) == AgreementState.RETURNED


def test_the_offered_submit_says_which_answers_are_missing(world: World) -> None:
    head = world.users["department_head"]
    item = agreement(world.cycle, world.department, operative_goal(world.body), **EMPTY)
    options = {
        o.name: o
        for o in transitions_available(user=head, obj=item, checker=permission_checker(head))
    }
    submit = options["submit"]
    assert not submit.enabled
    assert len(submit.blocked_by) == 1
    assert EFFECTS in submit.blocked_by[0]
    assert options["withdraw"].enabled


def test_the_reason_is_in_the_readers_language(world: World) -> None:
    item = agreement(world.cycle, world.department, operative_goal(world.body), effects="")
    with translation.override("en"), pytest.raises(TransitionBlocked) as excinfo:
        transition_fire(acting_user=world.users["department_head"], obj=item, transition="submit")
    assert excinfo.value.message == (
        "Before submitting, please answer “What do we want to achieve? (Effects)”."
    )
