"""The demo seed: idempotent, real transitions, logins that work, bodies kept apart."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from planning_cycle.management.commands.seed_demo import DEMO_USERS, PASSWORD
from planning_cycle.models import Body, PlanningCycle, User
from workflows.models import (
    AgreementState,
    DepartmentReview,
    GoalAgreement,
    ReviewState,
    TransitionLog,
)
from workflows.permissions import permission_checker
from workflows.services.transitions import transitions_available

pytestmark = pytest.mark.django_db

LOGINS_HEADER = "Demo-Zugänge"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_second_run_creates_nothing_and_prints_the_same_logins() -> None:
    first = seed()
    counts = row_counts()
    second = seed()

    assert row_counts() == counts
    assert counts["planning_cycle.User"] == len(DEMO_USERS)
    logins = first[first.index(LOGINS_HEADER) :]
    assert logins == second[second.index(LOGINS_HEADER) :]
    for user in DEMO_USERS:
        assert f"| {user.username} " in logins
    assert PASSWORD in logins


def test_every_demo_user_can_log_in() -> None:
    seed()
    for demo in DEMO_USERS:
        client = Client()
        assert client.login(username=demo.username, password=PASSWORD), demo.username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.body is None


def test_peine_has_its_catalogs_and_a_cycle_in_goal_review() -> None:
    seed()
    peine = Body.objects.get(key="landkreis-peine")
    numbers = set(peine.strategic_goals.values_list("number", flat=True))
    # The ten Mittelfristige Entwicklungsziele of 2009/2010 ...
    assert {n for n in numbers if not n.startswith("SL")} == {str(i) for i in range(1, 11)}
    # ... and the five fields of the social-policy guidelines.
    assert {n for n in numbers if n.startswith("SL")} == {f"SL 2.{i}" for i in range(1, 6)}

    cycle = PlanningCycle.objects.get(body=peine, year=2026)
    assert cycle.phase == "goal_review"
    reviews = dict(
        DepartmentReview.objects.filter(cycle=cycle).values_list("department__code", "state")
    )
    states = sorted(reviews.values())
    assert states.count(ReviewState.ACCEPTED) >= 2
    assert states.count(ReviewState.SUBMITTED) >= 2
    assert states.count(ReviewState.RETURNED) == 1
    assert states.count(ReviewState.DRAFT) >= 2
    assert reviews["FD 67"] == ReviewState.RETURNED

    # One agreement per action priority of 2009/2010 and lead department, some submitted.
    agreements = GoalAgreement.objects.filter(cycle=cycle)
    assert agreements.count() == 25
    assert agreements.filter(operative_goal__number="8.1").count() == 2
    assert agreements.filter(state=AgreementState.SUBMITTED).exists()
    assert agreements.filter(state=AgreementState.PROPOSED).exists()


def test_states_come_from_logged_transitions() -> None:
    seed()
    cycle = PlanningCycle.objects.get(body__key="landkreis-peine", year=2026)
    workflow_objects = [
        *DepartmentReview.objects.filter(cycle=cycle),
        *GoalAgreement.objects.filter(cycle=cycle),
    ]
    for obj in workflow_objects:
        logs = list(
            TransitionLog.objects.filter(object_id=obj.pk, body=cycle.body_id).filter(
                content_type__model=obj._meta.model_name
            )
        )
        initial = "draft" if isinstance(obj, DepartmentReview) else "proposed"
        assert (logs[-1].target_state if logs else initial) == obj.state
    returned = TransitionLog.objects.get(transition="return_", body=cycle.body_id)
    assert returned.actor.username == "leitung"
    assert returned.comment


def test_bodies_are_kept_apart() -> None:
    seed()
    submitted = DepartmentReview.objects.filter(
        cycle__body__key="landkreis-peine", state=ReviewState.SUBMITTED
    ).first()
    assert submitted is not None
    peine_management = User.objects.get(username="leitung")
    laatzen_management = User.objects.get(username="laatzen-leitung")
    assert laatzen_management.body.key == "stadt-laatzen"
    assert PlanningCycle.objects.filter(body=laatzen_management.body, year=2026).exists()

    def offered(user: User) -> set[str]:
        options = transitions_available(user=user, obj=submitted, checker=permission_checker(user))
        return {o.name for o in options}

    assert offered(peine_management) == {"accept", "return_"}
    assert offered(laatzen_management) == set()
