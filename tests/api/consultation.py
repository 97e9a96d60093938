"""A consultation round in several states for the consultation API tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.utils import timezone

from planning_cycle.models import Department, Organisation, Role, User
from tests.support.consultation import Round, round_build, statement_draft
from tests.support.world import World
from workflows.consultation.models import (
    ConsultationRound,
    Evaluation,
    Invitation,
    RoundSection,
    Statement,
)
from workflows.consultation.states import Disposition, Position
from workflows.services.transitions import transition_fire

PROBLEM = "application/problem+json"


def released(statement: Statement, by: User) -> Statement:
    """Release a draft statement through the transition service."""
    transition_fire(acting_user=by, obj=statement, transition="release")
    statement.refresh_from_db()
    return statement


def assigned(world: World, statement: Statement, department: Department | None) -> Evaluation:
    """Assign a statement for weighing (rows by the ORM, as an assignment service would)."""
    return Evaluation.objects.create(
        body=world.body,
        round=statement.round,
        statement=statement,
        department=department,
        assigned_by=world.users[Role.STRATEGY_UNIT],
    )


def recorded(evaluation: Evaluation, by: User, disposition: str, reason: str) -> Evaluation:
    """Write a disposition and record it through the transition service."""
    Evaluation.objects.filter(pk=evaluation.pk).update(disposition=disposition, reason=reason)
    evaluation.refresh_from_db()
    transition_fire(acting_user=by, obj=evaluation, transition="record")
    evaluation.refresh_from_db()
    return evaluation


@dataclass
class Scene:
    """An open round: the first department's statement released and weighed by the second
    department, the first organisation's statement released and assigned to the strategy
    unit, the second department's statement still a draft."""

    world: World
    built: Round
    own: Statement  # the first department's (world.users["department_head"])
    external: Statement  # the world's external stakeholder's organisation
    draft: Statement  # the second department's, not released
    weighed: Evaluation  # of `own`, by the second department, recorded
    open_evaluation: Evaluation  # of `external`, by the strategy unit, assigned

    @property
    def round_id(self) -> int:
        return self.built.round.pk


def scene_build(world: World, *, organisations: int = 2, departments: int = 2) -> Scene:
    built = round_build(world, organisations=organisations, departments=departments)
    first, second = world.departments[0], world.departments[1]
    extern = world.users[Role.EXTERNAL_STAKEHOLDER]
    own = released(
        statement_draft(
            built.of(first), by=world.users[Role.DEPARTMENT_HEAD], section=built.sections[0]
        ),
        world.users[Role.DEPARTMENT_HEAD],
    )
    external = released(
        statement_draft(
            built.of(built.organisations[0]),
            by=extern,
            position=Position.REJECTION,
            text="Wir lehnen die Streichung der Buslinie ab.",
            section=built.sections[1],
        ),
        extern,
    )
    draft = statement_draft(built.of(second), by=world.users["other_department_head"])
    weighed = recorded(
        assigned(world, own, second),
        world.users["other_department_head"],
        Disposition.PARTLY,
        "Die Radwege werden im zweiten Bauabschnitt berücksichtigt.",
    )
    open_evaluation = assigned(world, external, None)
    return Scene(world, built, own, external, draft, weighed, open_evaluation)


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    return body


def demo_round_seed() -> None:
    """Give the demo's Peine a consultation round to call the API on, unless it has one.

    An open round inviting FD 67 (`fdleitung`), FD 10 and the demo's organisation: FD 67's
    statement released and assigned to FD 10, FD 10's still a draft, and a draft round.
    """
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_ROUND_USERS)}
    strategy = users["steuerung"]
    body = strategy.body
    assert body is not None
    if ConsultationRound.objects.filter(body=body).exists():
        return
    fd67, fd10 = (Department.objects.get(body=body, code=code) for code in ("FD 67", "FD 10"))
    organisation = Organisation.objects.get(body=body, role_assignments__user=users["extern"])
    round_ = ConsultationRound.objects.create(
        body=body,
        title="Entwurf Zielkatalog 2027",
        description="Bitte nehmen Sie zum Entwurf des Zielkatalogs Stellung.",
        deadline=timezone.localdate() + dt.timedelta(days=21),
        created_by=strategy,
    )
    sections = RoundSection.objects.bulk_create(
        RoundSection(body=body, round=round_, number=str(n), title=f"Handlungsfeld {n}", position=n)
        for n in (1, 2)
    )
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(body=body, round=round_, department=fd67),
            Invitation(body=body, round=round_, department=fd10),
            Invitation(body=body, round=round_, organisation=organisation),
        ]
    )
    ConsultationRound.objects.create(
        body=body, title="Entwurf Radverkehrskonzept", deadline=round_.deadline, created_by=strategy
    )
    transition_fire(acting_user=strategy, obj=round_, transition="open")
    given = released(
        statement_draft(invitations[0], by=users["fdleitung"], section=sections[0]),
        users["fdleitung"],
    )
    statement_draft(invitations[1], by=users["fd10"], position=Position.REJECTION)
    Evaluation.objects.create(
        body=body, round=round_, statement=given, department=fd10, assigned_by=strategy
    )


DEMO_ROUND_USERS = ("steuerung", "fdleitung", "fd10", "extern")


def sortable_rows(world: World) -> None:
    """Rounds, invitations, statements and dispositions with many equal values (sorting).

    Two open rounds whose four invitees each released a statement, every statement assigned
    (half of them weighed), and two draft rounds: all seen by management.
    """
    evaluator = world.users["other_department_head"]
    for n in range(2):
        built = round_build(world, title=f"Runde {n}")
        people = {
            world.departments[0].pk: world.users[Role.DEPARTMENT_HEAD],
            world.departments[1].pk: evaluator,
        }
        for invitation in built.invitations:
            by = (
                people[invitation.department_id]
                if invitation.department_id
                else built.contacts[invitation.organisation_id or 0]
            )
            statement = released(statement_draft(invitation, by=by), by)
            evaluation = assigned(world, statement, world.departments[1])
            if statement.pk % 2:
                recorded(evaluation, evaluator, Disposition.NOTED, "Zur Kenntnis genommen.")
        round_build(world, title=f"Entwurf {n}", open_=False)
