"""A round with released statements of four invitees, for the evaluation tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from planning_cycle.models import Department, Role, User
from tests.support.consultation import Round, round_build, statement_draft
from tests.support.world import World
from workflows.consultation.models import Evaluation, Statement
from workflows.consultation.services.evaluation import evaluation_assign, evaluation_record
from workflows.consultation.states import Disposition, Position
from workflows.services.transitions import transition_fire


@dataclass
class Weighing:
    """A round of the world with one released statement per invitee (the last one joint)."""

    world: World
    round: Round
    statements: list[Statement]

    @property
    def strategy(self) -> User:
        return self.world.users[Role.STRATEGY_UNIT]

    def release(self, statement: Statement, by: User) -> Statement:
        transition_fire(acting_user=by, obj=statement, transition="release")
        statement.refresh_from_db()
        return statement

    def assign(self, statements: list[Statement], department: Department | None) -> None:
        evaluation_assign(
            acting_user=self.strategy,
            round_=self.round.round,
            statement_ids=[s.pk for s in statements],
            department=department,
        )

    def weigh_all(self, disposition: str = Disposition.TAKEN) -> None:
        """Assign every current statement to the strategy unit and record a disposition."""
        open_ = [s for s in self.statements if not Evaluation.objects.filter(statement=s).exists()]
        if open_:
            self.assign(open_, None)
        for evaluation in Evaluation.objects.filter(round=self.round.round, state="assigned"):
            evaluation_record(
                acting_user=self.strategy,
                evaluation=evaluation,
                disposition=disposition,
                reason="Wird im überarbeiteten Entwurf aufgegriffen.",
            )

    def fire_round(self, transition: str) -> None:
        transition_fire(acting_user=self.strategy, obj=self.round.round, transition=transition)
        self.round.round.refresh_from_db()


def round_quiet(world: World, **kwargs: Any) -> Round:
    """Build a round without opening the invitations' deadlines (not what is tested here)."""
    from workflows import registry

    listeners = list(registry._CREATED_LISTENERS)
    registry._CREATED_LISTENERS.clear()
    try:
        return round_build(world, **kwargs)
    finally:
        registry._CREATED_LISTENERS.extend(listeners)


def weighing_build(world: World) -> Weighing:
    """Build a round with four released statements: two departments, two organisations.

    FD 31 rejects section 1, FD 32 agrees with changes to section 2, the first organisation
    (the world's `extern`) agrees generally, the second gives no comment on section 3
    jointly with the first.
    """
    r = round_quiet(world, organisations=2, departments=2)
    d0, d1 = world.departments[0], world.departments[1]
    o0, o1 = r.organisations
    heads = {d0.pk: world.users[Role.DEPARTMENT_HEAD], d1.pk: world.users["other_department_head"]}
    plan = [
        (r.of(d0), heads[d0.pk], Position.REJECTION, "ABLEHNUNG-FD31 der Radwege", r.sections[0]),
        (r.of(d1), heads[d1.pk], Position.AGREEMENT_WITH_CHANGES, "AENDERUNG-FD32", r.sections[1]),
        (r.of(o0), r.contacts[o0.pk], Position.AGREEMENT, "ZUSTIMMUNG-ORG0 insgesamt", None),
        (r.of(o1), r.contacts[o1.pk], Position.NO_COMMENT, "", r.sections[2]),
    ]
    weighing = Weighing(world=world, round=r, statements=[])
    for invitation, by, position, text, section in plan:
        s = statement_draft(invitation, by=by, position=position, text=text, section=section)
        if invitation.organisation == o1:
            s.co_signers.add(r.of(o0))
        weighing.statements.append(weighing.release(s, by))
    return weighing


@pytest.fixture(autouse=True)
def _evaluation_urls(settings: Any) -> None:
    """Use the project's URLs with stand-ins for pages other parts provide."""
    settings.ROOT_URLCONF = "tests.consultation.evaluation_urls"
