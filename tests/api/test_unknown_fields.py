"""Every write operation refuses fields it does not know: 400 naming each, nothing changes.

The operations are read from the committed schema (docs/openapi.yaml, kept up to date by
test_schema.py), so a new write operation fails here until it has a case below. Each case
sends a body the operation accepts plus one unknown field, as JSON and as a form: the answer
is a 400 problem naming exactly that field, and the same body without it then passes the
body's validation (the answer the case names).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from notifications.models import Deadline, DeadlineState, TaskKind
from notifications.services.milestones import milestone_add
from planning_cycle.models import ApiToken, CycleMilestone, Indicator, TokenScope, User
from planning_cycle.services.tokens import api_token_create
from tests.api.consultation import Scene, scene_build
from tests.support.consultation import round_build
from tests.support.notifications import NotificationFactory
from tests.support.workflows import agreement, operative_goal
from tests.support.world import World
from workflows.consultation.models import ConsultationRound, Evaluation
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement, TransitionLog

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
SCHEMA = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
UNKNOWN = "farbe"
WRITE_METHODS = ("post", "put", "patch")


def write_operations() -> list[tuple[str, str, str]]:
    """Every write operation of the committed schema: (operationId, method, path)."""
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    return sorted(
        (operation["operationId"], method, path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        # The council's write operations have their cases in tests/council/api/.
        if method in WRITE_METHODS
        and not operation["operationId"].startswith(
            (
                "committees_",
                "meetings_",
                "papers_",
                "consultation_steps_",
                "persons_",
                "legislative_terms_",
                "locations_",
            )
        )
    )


@dataclass
class Objects:
    """What the write operations act on, in the world's body."""

    world: World
    review: DepartmentReview
    plan: DepartmentPlan
    agreement: GoalAgreement
    indicator: Indicator
    deadline: Deadline
    notification_id: int
    token: ApiToken
    free_goal_id: int
    _scene: Scene | None = None
    _draft_round: ConsultationRound | None = None

    @property
    def scene(self) -> Scene:
        """An open consultation round (built when a case needs it)."""
        if self._scene is None:
            self._scene = scene_build(self.world)
        return self._scene

    @property
    def evaluation_of_second(self) -> Evaluation:
        """An assigned evaluation of the second department (the other head weighs it)."""
        evaluation = self.scene.open_evaluation
        evaluation.department = self.world.departments[1]
        evaluation.save(update_fields=["department"])
        return evaluation

    @property
    def draft_round(self) -> ConsultationRound:
        """A draft round inviting the first two departments (built when a case needs it)."""
        if self._draft_round is None:
            self._draft_round = round_build(self.world, open_=False, title="Entwurf").round
        return self._draft_round


@pytest.fixture
def objects(world: World) -> Objects:
    head: User = world.users["department_head"]
    goal = operative_goal(world.body)
    indicator = Indicator.objects.create(
        body=world.body, key="k-goal", name="Quote", unit="%", operative_goal=goal
    )
    goal.departments.add(world.department)
    token, _secret = api_token_create(acting_user=head, name="Alt", scope=TokenScope.READ)
    review = DepartmentReview.objects.get(cycle=world.cycle, department=world.department)
    deadline = Deadline.objects.get(
        kind=TaskKind.REVIEW_SUBMIT, object_id=review.pk, state=DeadlineState.OPEN
    )
    return Objects(
        world=world,
        review=review,
        plan=DepartmentPlan.objects.get(cycle=world.cycle, department=world.department),
        agreement=agreement(world.cycle, world.department, goal),
        indicator=indicator,
        deadline=deadline,
        notification_id=NotificationFactory(recipient=head, deadline=deadline).pk,
        token=token,
        free_goal_id=operative_goal(world.body, number="1.2", position=1).pk,
    )


def milestone(objects: Objects) -> CycleMilestone:
    """Add a milestone to the world's cycle (for the operations on one)."""
    return milestone_add(
        acting_user=objects.world.users["management"],
        cycle=objects.world.cycle,
        title="Vorbereitung",
        kind="preparation",
        due_date=dt.date(objects.world.cycle.year, 8, 31),
        audience="departments",
    )


def later(day: dt.date) -> dt.date:
    return max(day, timezone.localdate())


@dataclass(frozen=True)
class Case:
    """How to call one write operation with a body it accepts."""

    role: str
    path: Callable[[Objects], dict[str, Any]]  # the path parameters
    body: Callable[[Objects], dict[str, Any]]
    accepted: int  # the answer to the body without the unknown field


CASES: dict[str, Case] = {
    "consultation_invitations_extension_request_create": Case(
        "other_department_head",
        lambda o: {"id": o.scene.built.of(o.world.departments[1]).pk},
        lambda o: {
            "until": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
            "reason": "Urlaub",
        },
        200,
    ),
    "consultation_invitations_transitions_create": Case(
        "other_department_head",
        lambda o: {"id": o.scene.built.of(o.world.departments[1]).pk, "name": "decline"},
        lambda o: {"expected_state": "invited"},
        200,
    ),
    "consultation_rounds_create": Case(
        "strategy_unit",
        lambda o: {},
        lambda o: {
            "title": "Entwurf Zielkatalog",
            "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
        201,
    ),
    "consultation_rounds_invitations_create": Case(
        "strategy_unit",
        lambda o: {"id": o.draft_round.pk},
        lambda o: {"departments": [o.world.departments[2].pk]},
        201,
    ),
    "consultation_rounds_partial_update": Case(
        "strategy_unit", lambda o: {"id": o.draft_round.pk}, lambda o: {"title": "Neu"}, 200
    ),
    "consultation_rounds_transitions_create": Case(
        "strategy_unit",
        lambda o: {"id": o.scene.round_id, "name": "close"},
        lambda o: {"expected_state": "open"},
        200,
    ),
    "cycles_framework_update": Case(
        "management", lambda o: {"id": o.world.cycle.pk}, lambda o: {"savings_percent": "1"}, 200
    ),
    "cycles_transitions_fire": Case(
        "management",
        lambda o: {"id": o.world.cycle.pk, "name": "to_framework"},
        lambda o: {"expected_state": "goal_review"},
        422,  # blocked by its guard: the body was read
    ),
    "deadlines_extend_create": Case(
        "management",
        lambda o: {"id": o.deadline.pk},
        lambda o: {
            "new_due_date": (later(o.deadline.due_at.date()) + dt.timedelta(days=30)).isoformat(),
            "reason": "Personalausfall",
        },
        200,
    ),
    "dispositions_create": Case(
        "strategy_unit",
        lambda o: {},
        lambda o: {"round": o.scene.round_id, "statements": [o.scene.external.pk]},
        201,
    ),
    "dispositions_partial_update": Case(
        "other_department_head",
        lambda o: {"id": o.evaluation_of_second.pk},
        lambda o: {"disposition": "noted", "reason": "Zur Kenntnis"},
        200,
    ),
    "dispositions_transitions_create": Case(
        "strategy_unit",
        lambda o: {"id": o.scene.weighed.pk, "name": "reopen"},
        lambda o: {"comment": "Bitte genauer begründen", "expected_state": "recorded"},
        200,
    ),
    "goal_agreements_create": Case(
        "department_head",
        lambda o: {},
        lambda o: {
            "cycle": o.world.cycle.pk,
            "operative_goal": o.free_goal_id,
            "department": o.world.department.pk,
        },
        201,
    ),
    "goal_agreements_partial_update": Case(
        "department_head",
        lambda o: {"id": o.agreement.pk},
        lambda o: {"balance": "Bilanz"},
        200,
    ),
    "goal_agreements_transitions_create": Case(
        "department_head",
        lambda o: {"id": o.agreement.pk, "name": "withdraw"},
        lambda o: {"comment": "Doppelt angelegt", "expected_state": "proposed"},
        200,
    ),
    "cycles_create": Case("management", lambda o: {}, lambda o: {"year": 2030}, 201),
    "cycles_milestones_create": Case(
        "management",
        lambda o: {"id": o.world.cycle.pk},
        lambda o: {
            "title": "Zwischenbericht",
            "kind": "interim_report",
            "due_date": f"{o.world.cycle.year}-09-15",
            "responsible": "council_office",
        },
        201,
    ),
    "cycles_milestones_done": Case(
        "management",
        lambda o: {"id": o.world.cycle.pk, "milestone": milestone(o).pk},
        lambda o: {},
        200,
    ),
    "indicators_actual_set": Case(
        "department_head",
        lambda o: {"id": o.indicator.pk},
        lambda o: {"year": o.world.cycle.year - 1, "value": "48.5"},
        200,
    ),
    "notifications_read_all_create": Case("department_head", lambda o: {}, lambda o: {}, 200),
    "notifications_read_create": Case(
        "department_head", lambda o: {"id": o.notification_id}, lambda o: {}, 200
    ),
    "plans_budget_partial_update": Case(
        "department_head", lambda o: {"id": o.plan.pk}, lambda o: {"products": []}, 200
    ),
    "plans_partial_update": Case(
        "department_head", lambda o: {"id": o.plan.pk}, lambda o: {"summary": "Plan"}, 200
    ),
    "plans_transitions_create": Case(
        "department_head",
        lambda o: {"id": o.plan.pk, "name": "submit"},
        lambda o: {"expected_state": "draft"},
        422,  # only in the planning phase: the body was read
    ),
    "reviews_partial_update": Case(
        "department_head", lambda o: {"id": o.review.pk}, lambda o: {"summary": "Bilanz"}, 200
    ),
    "reviews_transitions_create": Case(
        "department_head",
        lambda o: {"id": o.review.pk, "name": "submit"},
        lambda o: {"comment": "", "expected_state": "draft"},
        200,
    ),
    "statements_correct_create": Case(
        "department_head", lambda o: {"id": o.scene.own.pk}, lambda o: {}, 201
    ),
    "statements_create": Case(
        "department_head",
        lambda o: {},
        lambda o: {"invitation": o.scene.built.of(o.world.department).pk, "text": "Ergänzung"},
        201,
    ),
    "statements_partial_update": Case(
        "other_department_head", lambda o: {"id": o.scene.draft.pk}, lambda o: {"text": "Neu"}, 200
    ),
    "statements_transitions_create": Case(
        "other_department_head",
        lambda o: {"id": o.scene.draft.pk, "name": "release"},
        lambda o: {"expected_state": "draft"},
        200,
    ),
    "tokens_create": Case(
        "department_head", lambda o: {}, lambda o: {"name": "Skript", "scope": "read"}, 201
    ),
    "tokens_revoke_create": Case(
        "department_head", lambda o: {"id": o.token.pk}, lambda o: {}, 200
    ),
}


def send(
    client: Client, method: str, path: str, body: dict[str, Any], encoding: str, **extra: Any
) -> Any:
    if encoding == "json":
        data, content_type = body, "application/json"
    else:  # a browser form: with the CSRF token, which is no field of the body
        # A list as a repeated field (`departments=3&departments=4`), as a form sends it.
        data = urlencode({**body, "csrfmiddlewaretoken": "x"}, doseq=True)
        content_type = "application/x-www-form-urlencoded"
    return getattr(client, method)(path, data, content_type=content_type, **extra)


def snapshot(objects: Objects) -> tuple[Any, ...]:
    """What the write operations could change."""
    return (
        DepartmentReview.objects.values_list("summary", "state").get(pk=objects.review.pk),
        DepartmentPlan.objects.values_list("summary", "state").get(pk=objects.plan.pk),
        GoalAgreement.objects.values_list("balance", "state").get(pk=objects.agreement.pk),
        GoalAgreement.objects.count(),
        TransitionLog.objects.count(),
        objects.indicator.values.count(),
        Deadline.objects.values_list("due_at").get(pk=objects.deadline.pk),
        ApiToken.objects.filter(revoked_at__isnull=True).count(),
        objects.world.users["department_head"].notifications.filter(read_at=None).count(),
    )


@pytest.mark.parametrize("encoding", ["json", "form"])
@pytest.mark.parametrize(("operation_id", "method", "path"), write_operations())
def test_an_unknown_field_is_a_400_naming_it_on_every_write(
    objects: Objects, client: Client, operation_id: str, method: str, path: str, encoding: str
) -> None:
    case = CASES[operation_id]  # a new write operation needs its case above
    url = path.format(**case.path(objects))
    body = case.body(objects)
    client.force_login(objects.world.users[case.role])
    before = snapshot(objects)

    refused = send(client, method, url, {**body, UNKNOWN: "blau"}, encoding)

    assert refused.status_code == 400, refused.content
    assert refused["Content-Type"] == PROBLEM
    problem = refused.json()
    assert problem["detail"] == "Die Eingaben sind ungültig; siehe „errors“."
    ((error),) = problem["errors"]
    assert error["field"] == f"/{UNKNOWN}"
    assert error["message"].startswith("Dieses Feld gibt es hier nicht; ")
    assert snapshot(objects) == before

    accepted = send(client, method, url, body, encoding)
    assert accepted.status_code == case.accepted, accepted.content


def test_every_write_operation_has_a_case() -> None:
    assert {operation_id for operation_id, _m, _p in write_operations()} == set(CASES)


def test_each_unknown_field_is_named_with_the_fields_there_are(
    objects: Objects, client: Client
) -> None:
    client.force_login(objects.world.users["department_head"])

    response = client.patch(
        f"/api/v1/goal-agreements/{objects.agreement.pk}/",
        {"balance": ["x"], "balanse": "Bilanz", "state": "approved", "a/b~c": 1},
        content_type="application/json",
    )

    assert response.status_code == 400
    allowed = "expected_updated_at, balance, effects, programmes, processes, resources"
    unknown = f"Dieses Feld gibt es hier nicht; möglich sind: {allowed}."
    assert response.json()["errors"] == [
        {"field": "/balance", "message": "Kein gültiger String."},
        {"field": "/balanse", "message": unknown},
        {"field": "/state", "message": unknown},
        {"field": "/a~1b~0c", "message": unknown},
    ]


def test_an_action_without_a_body_says_it_takes_no_fields_in_english_too(
    objects: Objects, client: Client
) -> None:
    client.force_login(objects.world.users["department_head"])
    url = f"/api/v1/notifications/{objects.notification_id}/read/"

    german = client.post(url, {"alle": True}, content_type="application/json")
    with translation.override(translation.get_language()):
        english = client.post(
            url, {"alle": True}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )

    assert german.json()["errors"] == [
        {
            "field": "/alle",
            "message": "Dieses Feld gibt es hier nicht; diese Anfrage nimmt keine Felder an.",
        }
    ]
    assert english["Content-Language"] == "en"
    assert english.json()["errors"] == [
        {
            "field": "/alle",
            "message": "This field does not exist here; this request takes no fields.",
        }
    ]
    assert objects.world.users["department_head"].notifications.filter(read_at=None).count() == 1


def test_an_unknown_field_is_named_in_english(objects: Objects, client: Client) -> None:
    client.force_login(objects.world.users["department_head"])

    with translation.override(translation.get_language()):
        response = client.patch(
            f"/api/v1/reviews/{objects.review.pk}/",
            {"sumary": "Tippfehler"},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "/sumary",
            "message": "This field does not exist here; possible fields: "
            "expected_updated_at, summary.",
        }
    ]
