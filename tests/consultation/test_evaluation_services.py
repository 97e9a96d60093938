"""Assigning, weighing, recording and reopening evaluations; the round's guard; final notices."""

from __future__ import annotations

import pytest

from planning_cycle.models import Role
from tests.support.world import World
from workflows.consultation.models import Evaluation, FinalNotice, Statement
from workflows.consultation.selectors.evaluation import statements_current
from workflows.consultation.services.evaluation import (
    EvaluationError,
    evaluation_assign,
    evaluation_record,
    evaluation_reopen,
    evaluation_update,
)
from workflows.consultation.services.final_notice import TOPIC, final_notices_send
from workflows.consultation.states import Disposition, EvaluationState, Position
from workflows.models import OutboxMessage, TransitionLog
from workflows.services.transitions import (
    CommentRequired,
    TransitionBlocked,
    TransitionNotPermitted,
    transition_fire,
)

from .evaluation_support import Weighing, _evaluation_urls, weighing_build

__all__ = ["_evaluation_urls"]


@pytest.fixture
def weighing(world: World) -> Weighing:
    return weighing_build(world)


def test_assign_several_to_a_department_opens_their_deadlines(weighing: Weighing) -> None:
    from notifications.models import Deadline

    d2 = weighing.world.departments[2]
    done = evaluation_assign(
        acting_user=weighing.strategy,
        round_=weighing.round.round,
        statement_ids=[s.pk for s in weighing.statements[:2]],
        department=d2,
    )
    assert len(done) == 2
    assert set(Evaluation.objects.values_list("department_id", flat=True)) == {d2.pk}
    assert all(e.state == EvaluationState.ASSIGNED for e in Evaluation.objects.all())
    assert Deadline.objects.filter(kind="disposition_record").count() == 2


def test_reassign_while_assigned_moves_it(weighing: Weighing) -> None:
    d1, d2 = weighing.world.departments[1], weighing.world.departments[2]
    weighing.assign(weighing.statements[:1], d1)
    weighing.assign(weighing.statements[:1], d2)
    evaluation = Evaluation.objects.get()
    assert evaluation.department_id == d2.pk
    weighing.assign(weighing.statements[:1], None)
    evaluation.refresh_from_db()
    assert evaluation.department_id is None


def test_recorded_evaluation_is_not_reassigned(weighing: Weighing) -> None:
    weighing.assign(weighing.statements[:1], None)
    evaluation_record(
        acting_user=weighing.strategy,
        evaluation=Evaluation.objects.get(),
        disposition=Disposition.NOTED,
        reason="Zur Kenntnis.",
    )
    with pytest.raises(EvaluationError) as exc:
        weighing.assign(weighing.statements[:1], weighing.world.departments[2])
    assert "Bereits abgewogen" in exc.value.message
    assert "erneut" in exc.value.message


def test_only_released_current_statements_are_assigned(weighing: Weighing) -> None:
    world = weighing.world
    head = world.users[Role.DEPARTMENT_HEAD]
    old = weighing.statements[0]
    draft = Statement.objects.create(
        body=world.body,
        round=old.round,
        invitation=old.invitation,
        department=old.department,
        position=Position.REJECTION,
        text="Korrektur",
        version=2,
        supersedes=old,
        drafted_by=head,
    )
    with pytest.raises(EvaluationError) as exc:
        weighing.assign([draft], None)
    assert "aktuellen Fassung" in exc.value.message
    weighing.release(draft, head)
    assert old.pk not in set(statements_current(old.round_id).values_list("pk", flat=True))
    with pytest.raises(EvaluationError):
        weighing.assign([old], None)
    weighing.assign([draft], None)
    assert Evaluation.objects.get().statement_id == draft.pk


def test_assign_needs_consultation_manage(weighing: Weighing) -> None:
    with pytest.raises(EvaluationError) as exc:
        evaluation_assign(
            acting_user=weighing.world.users[Role.DEPARTMENT_HEAD],
            round_=weighing.round.round,
            statement_ids=[weighing.statements[0].pk],
            department=None,
        )
    assert exc.value.status == 403
    assert not Evaluation.objects.exists()


def test_assign_without_statements_says_so(weighing: Weighing) -> None:
    with pytest.raises(EvaluationError) as exc:
        weighing.assign([], None)
    assert exc.value.field == "statements"


def test_one_evaluation_per_statement_is_a_database_constraint(weighing: Weighing) -> None:
    from django.db import IntegrityError, transaction

    weighing.assign(weighing.statements[:1], None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(
            body=weighing.world.body,
            round=weighing.round.round,
            statement=weighing.statements[0],
            assigned_by=weighing.strategy,
        )


def test_department_records_what_is_assigned_to_it(weighing: Weighing) -> None:
    world = weighing.world
    weighing.assign(weighing.statements[2:3], world.departments[1])
    evaluation = Evaluation.objects.get()
    own_head = world.users[Role.DEPARTMENT_HEAD]  # FD 31: not the evaluator
    with pytest.raises(EvaluationError) as exc:
        evaluation_update(
            acting_user=own_head, evaluation=evaluation, disposition="taken", reason="x"
        )
    assert exc.value.status == 403
    evaluator = world.users["other_department_head"]
    with pytest.raises(EvaluationError) as exc:
        evaluation_update(
            acting_user=evaluator, evaluation=evaluation, disposition="bogus", reason="x"
        )
    assert exc.value.field == "disposition"
    evaluation_update(
        acting_user=evaluator, evaluation=evaluation, disposition="partly", reason="Teilweise."
    )
    evaluation.refresh_from_db()
    assert (evaluation.disposition, evaluation.state) == ("partly", EvaluationState.ASSIGNED)
    evaluation_record(acting_user=evaluator, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.RECORDED
    assert TransitionLog.objects.filter(object_id=evaluation.pk, transition="record").exists()


def test_record_needs_disposition_and_reason_and_saves_nothing_when_refused(
    weighing: Weighing,
) -> None:
    weighing.assign(weighing.statements[:1], None)
    evaluation = Evaluation.objects.get()
    with pytest.raises(TransitionBlocked) as exc:
        evaluation_record(
            acting_user=weighing.strategy, evaluation=evaluation, disposition="taken", reason=" "
        )
    assert "begründen" in exc.value.message
    evaluation.refresh_from_db()
    assert evaluation.disposition == ""  # both or neither


def test_reopen_needs_a_reason_and_the_strategy_unit(weighing: Weighing) -> None:
    world = weighing.world
    weighing.assign(weighing.statements[:1], world.departments[1])
    evaluation = Evaluation.objects.get()
    evaluator = world.users["other_department_head"]
    evaluation_record(
        acting_user=evaluator, evaluation=evaluation, disposition="not_taken", reason="Nein."
    )
    with pytest.raises(TransitionNotPermitted):
        evaluation_reopen(acting_user=evaluator, evaluation=evaluation, reason="Bitte neu.")
    with pytest.raises(CommentRequired):
        evaluation_reopen(acting_user=weighing.strategy, evaluation=evaluation, reason="")
    evaluation_reopen(acting_user=weighing.strategy, evaluation=evaluation, reason="Bitte neu.")
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.ASSIGNED
    log = TransitionLog.objects.get(object_id=evaluation.pk, transition="reopen")
    assert log.comment == "Bitte neu."


def test_guard_names_how_many_and_which_are_missing(weighing: Weighing) -> None:
    world = weighing.world
    weighing.fire_round("close")
    weighing.assign(weighing.statements[:1], world.departments[2])
    with pytest.raises(TransitionBlocked) as exc:
        weighing.fire_round("evaluate")
    message = exc.value.message
    assert "4 Stellungnahmen sind noch nicht abgewogen" in message
    assert world.departments[2].code in message  # assigned, not yet weighed: where it waits
    assert "niemandem zugewiesen" in message
    org = weighing.round.organisations[1].name
    assert org in message


def test_conclude_only_when_all_disposed(weighing: Weighing) -> None:
    weighing.fire_round("close")
    weighing.assign(weighing.statements, None)
    for evaluation in Evaluation.objects.order_by("id")[:3]:
        evaluation_record(
            acting_user=weighing.strategy, evaluation=evaluation, disposition="taken", reason="Ja."
        )
    with pytest.raises(TransitionBlocked) as exc:
        weighing.fire_round("evaluate")
    assert exc.value.message.startswith("1 Stellungnahme ist noch nicht abgewogen")
    weighing.weigh_all()
    weighing.fire_round("evaluate")
    weighing.fire_round("conclude")
    assert weighing.round.round.state == "concluded"


def test_final_notice_once_per_submitter_even_if_effects_run_twice(weighing: Weighing) -> None:
    weighing.fire_round("close")
    weighing.weigh_all()
    weighing.fire_round("evaluate")
    weighing.fire_round("conclude")
    round_ = weighing.round.round
    expected = {s.invitation_id for s in weighing.statements}
    notices = OutboxMessage.objects.filter(topic=TOPIC)
    assert {m.payload["invitation_id"] for m in notices} == expected
    assert notices.count() == 4
    assert all(m.payload["round_id"] == round_.pk for m in notices)
    log = TransitionLog.objects.filter(transition="conclude").get()
    final_notices_send(round_, weighing.strategy, log)
    assert OutboxMessage.objects.filter(topic=TOPIC).count() == 4
    assert FinalNotice.objects.filter(round=round_).count() == 4


def test_co_signer_without_own_statement_is_told(world: World) -> None:
    from tests.support.consultation import statement_draft

    from .evaluation_support import round_quiet

    r = round_quiet(world, organisations=2, departments=0)
    o0, o1 = r.organisations
    s = statement_draft(r.of(o1), by=r.contacts[o1.pk], position=Position.AGREEMENT, text="Ja")
    s.co_signers.add(r.of(o0))
    transition_fire(acting_user=r.contacts[o1.pk], obj=s, transition="release")
    weighing = Weighing(world=world, round=r, statements=[s])
    weighing.fire_round("close")
    weighing.weigh_all()
    weighing.fire_round("evaluate")
    weighing.fire_round("conclude")
    told = {m.payload["invitation_id"] for m in OutboxMessage.objects.filter(topic=TOPIC)}
    assert told == {r.of(o0).pk, r.of(o1).pk}
