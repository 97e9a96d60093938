"""The evaluation pages through HTTP: assigning, weighing, conflicts, the final notice, 404s."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from planning_cycle.models import Role, User
from tests.support.world import World, build_world
from workflows.consultation.models import Evaluation
from workflows.consultation.states import EvaluationState

from .evaluation_support import Weighing, _evaluation_urls, weighing_build

__all__ = ["_evaluation_urls"]


@pytest.fixture
def weighing(world: World) -> Weighing:
    return weighing_build(world)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def concluded(weighing: Weighing) -> None:
    weighing.fire_round("close")
    weighing.weigh_all()
    weighing.fire_round("evaluate")
    weighing.fire_round("conclude")


def test_strategy_unit_assigns_on_the_form(weighing: Weighing, client_for) -> None:
    client = client_for(weighing.strategy)
    url = f"/beteiligung/{weighing.round.round.pk}/abwaegung/zuweisen/"
    page = client.get(url)
    assert page.status_code == 200
    assert "ABLEHNUNG" not in page.content.decode()  # the list names, the table shows text
    for s in weighing.statements:
        assert f'value="{s.pk}"' in page.content.decode()
    d2 = weighing.world.departments[2]
    chosen = [weighing.statements[0].pk, weighing.statements[1].pk]
    done = client.post(url, {"statements": chosen, "department": str(d2.pk)})
    assert done.status_code == 302
    assert set(Evaluation.objects.values_list("statement_id", "department_id")) == {
        (chosen[0], d2.pk),
        (chosen[1], d2.pk),
    }


def test_assign_without_a_statement_keeps_the_input(weighing: Weighing, client_for) -> None:
    client = client_for(weighing.strategy)
    url = f"/beteiligung/{weighing.round.round.pk}/abwaegung/zuweisen/"
    d2 = weighing.world.departments[2]
    page = client.post(url, {"statements": [], "department": str(d2.pk)})
    assert page.status_code == 400
    text = page.content.decode()
    assert "mindestens eine Stellungnahme" in text
    assert f'<option value="{d2.pk}" selected>' in text
    assert not Evaluation.objects.exists()


def test_assign_page_is_404_for_others(weighing: Weighing, client_for) -> None:
    url = f"/beteiligung/{weighing.round.round.pk}/abwaegung/zuweisen/"
    for user in (
        weighing.world.users[Role.DEPARTMENT_HEAD],
        weighing.world.users[Role.EXTERNAL_STAKEHOLDER],
        weighing.world.users[Role.MANAGEMENT],  # sees all, runs nothing
    ):
        assert client_for(user).get(url).status_code == 404


def test_evaluator_weighs_and_records(weighing: Weighing, client_for) -> None:
    world = weighing.world
    weighing.assign(weighing.statements[2:3], world.departments[1])
    evaluation = Evaluation.objects.get()
    client = client_for(world.users["other_department_head"])
    page = client.get(f"/beteiligung/abwaegung/{evaluation.pk}/")
    assert page.status_code == 200
    assert "ZUSTIMMUNG-ORG0" in page.content.decode()
    edit = f"/beteiligung/abwaegung/{evaluation.pk}/bearbeiten/"
    refused = client.post(edit, {"disposition": "taken", "reason": "", "action": "record"})
    assert refused.status_code == 422
    assert "begründen" in refused.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.disposition == ""  # nothing half-written
    done = client.post(
        edit, {"disposition": "taken", "reason": "Wird übernommen.", "action": "record"}
    )
    assert done.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.RECORDED
    assert evaluation.reason == "Wird übernommen."


def test_evaluation_page_is_404_for_who_does_not_evaluate_it(
    weighing: Weighing, client_for
) -> None:
    world = weighing.world
    weighing.assign(weighing.statements[2:3], world.departments[1])
    evaluation = Evaluation.objects.get()
    url = f"/beteiligung/abwaegung/{evaluation.pk}/"
    other = build_world(key="anderer-kreis")
    for user in (
        world.users[Role.DEPARTMENT_HEAD],  # FD 31: not assigned
        world.users[Role.EXTERNAL_STAKEHOLDER],  # its own statement, not yet published
        other.users[Role.STRATEGY_UNIT],
    ):
        assert client_for(user).get(url).status_code == 404
        post = client_for(user).post(
            f"{url}bearbeiten/", {"disposition": "taken", "reason": "x", "action": "record"}
        )
        assert post.status_code == 404


def test_conflict_list_says_why(weighing: Weighing, client_for) -> None:
    world = weighing.world
    s_reject, s_changes, s_agree, s_none = weighing.statements
    weighing.assign([s_reject, s_changes, s_agree], None)
    from workflows.consultation.services.evaluation import evaluation_record

    by_statement = {e.statement_id: e for e in Evaluation.objects.all()}
    for statement, disposition in ((s_changes, "partly"), (s_agree, "taken")):
        evaluation_record(
            acting_user=weighing.strategy,
            evaluation=by_statement[statement.pk],
            disposition=disposition,
            reason="Begründet.",
        )
    from workflows.consultation.selectors.evaluation import conflict_rows

    rows = {r.statement_id: r for r in conflict_rows(weighing.round.round)}
    assert set(rows) == {s_reject.pk, s_changes.pk, s_none.pk}
    assert any("Ablehnung" in reason for reason in rows[s_reject.pk].conflict_reasons)
    assert any("noch nicht abgewogen" in r for r in rows[s_reject.pk].conflict_reasons)
    assert any("teilweise" in r for r in rows[s_changes.pk].conflict_reasons)
    assert any("zugewiesen" in r for r in rows[s_none.pk].conflict_reasons)
    page = client_for(weighing.strategy).get(f"/beteiligung/{weighing.round.round.pk}/konflikte/")
    assert page.status_code == 200
    assert "3 Stellungnahmen brauchen noch eine Entscheidung" in page.content.decode()
    url = f"/beteiligung/{weighing.round.round.pk}/konflikte/"
    assert client_for(world.users[Role.DEPARTMENT_HEAD]).get(url).status_code == 404
    assert client_for(world.users[Role.EXTERNAL_STAKEHOLDER]).get(url).status_code == 404


def test_weighing_table_filters(weighing: Weighing, client_for) -> None:
    world = weighing.world
    s_reject, _s_changes, s_agree, _s_none = weighing.statements
    weighing.assign([s_reject], world.departments[2])
    weighing.assign([s_agree], None)
    url = f"/beteiligung/{weighing.round.round.pk}/abwaegungstabelle/"
    client = client_for(weighing.strategy)

    def shown(query: str) -> set[str]:
        text = client.get(url + query).content.decode()
        return {m for m in ("ABLEHNUNG-FD31", "AENDERUNG-FD32", "ZUSTIMMUNG-ORG0") if m in text}

    assert shown("") == {"ABLEHNUNG-FD31", "AENDERUNG-FD32", "ZUSTIMMUNG-ORG0"}
    assert shown("?position=rejection") == {"ABLEHNUNG-FD31"}
    assert shown(f"?evaluator=department:{world.departments[2].pk}") == {"ABLEHNUNG-FD31"}
    assert shown("?evaluator=steuerung") == {"ZUSTIMMUNG-ORG0"}
    assert shown("?evaluator=keine") == {"AENDERUNG-FD32"}
    assert shown("?section=allgemein") == {"ZUSTIMMUNG-ORG0"}
    assert shown(f"?section={weighing.round.sections[1].pk}") == {"AENDERUNG-FD32"}
    weighing.weigh_all(disposition="noted")
    assert shown("?disposition=noted") == {"ABLEHNUNG-FD31", "AENDERUNG-FD32", "ZUSTIMMUNG-ORG0"}
    assert shown("?disposition=taken") == set()


def test_weighing_table_reads_a_fixed_number_of_queries(
    world: World, django_assert_num_queries
) -> None:
    from workflows.consultation.selectors.evaluation import weighing_rows

    small = weighing_build(world)
    small.assign(small.statements[:2], world.departments[2])
    round_ = small.round.round
    weighing_rows(round_)  # warm the content type cache
    with django_assert_num_queries(4):
        few = weighing_rows(round_)
    # More statements, joint ones, corrections and evaluations: the same number of queries.
    from tests.support.consultation import statement_draft

    head = world.users[Role.DEPARTMENT_HEAD]
    first = small.statements[0]
    correction = statement_draft(first.invitation, by=head, text="Korrigiert")
    correction.version, correction.supersedes = 2, first
    correction.save()
    small.release(correction, head)
    for _n in range(4):
        extra = statement_draft(
            small.round.of(small.round.organisations[1]),
            by=small.round.contacts[small.round.organisations[1].pk],
            text="Noch eine",
        )
        extra.co_signers.add(small.round.of(small.round.organisations[0]))
        small.release(extra, small.round.contacts[small.round.organisations[1].pk])
    small.weigh_all()
    with django_assert_num_queries(4):
        many = weighing_rows(round_)
    with django_assert_num_queries(3):
        weighing_rows(round_, anonymous=True)
    assert len(few) == 4 and len(many) == 8
    corrected = next(r for r in many if r.statement_id == correction.pk)
    assert corrected.version_note == "Fassung 2; ersetzt Fassung 1"
    assert first.pk not in {r.statement_id for r in many}


def _names(weighing: Weighing, viewer: User) -> list[str]:
    """Return the names and addresses of the people who released statements (not the viewer)."""
    users = [
        weighing.world.users[Role.DEPARTMENT_HEAD],
        weighing.world.users["other_department_head"],
        *weighing.round.contacts.values(),
    ]
    users = [u for u in users if u.pk != viewer.pk]
    return [u.get_full_name() for u in users] + [u.email for u in users]


def test_invitee_sees_the_published_table_only_after_conclusion_and_anonymised(
    weighing: Weighing, client_for
) -> None:
    extern = client_for(weighing.world.users[Role.EXTERNAL_STAKEHOLDER])
    base = f"/beteiligung/{weighing.round.round.pk}/abwaegungstabelle"
    for suffix in ("/", ".xlsx", ".pdf"):
        assert extern.get(base + suffix).status_code == 404
    concluded(weighing)
    page = extern.get(base + "/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "ABLEHNUNG-FD31" in text  # the whole published table
    for name in _names(weighing, weighing.world.users[Role.EXTERNAL_STAKEHOLDER]):
        assert name not in text
    # Asking for names does not give them.
    assert (
        weighing.world.users[Role.DEPARTMENT_HEAD].get_full_name()
        not in extern.get(base + "/?anonym=0").content.decode()
    )
    full = client_for(weighing.strategy).get(base + "/").content.decode()
    assert weighing.world.users[Role.DEPARTMENT_HEAD].get_full_name() in full


def test_evaluator_sees_only_the_rows_assigned(weighing: Weighing, client_for) -> None:
    world = weighing.world
    weighing.assign(weighing.statements[2:3], world.departments[1])
    text = (
        client_for(world.users["other_department_head"])
        .get(f"/beteiligung/{weighing.round.round.pk}/abwaegungstabelle/")
        .content.decode()
    )
    assert "ZUSTIMMUNG-ORG0" in text
    assert "ABLEHNUNG-FD31" not in text
    assert "AENDERUNG-FD32" not in text  # FD 32's own statement is not what it weighs


def test_another_body_gets_404_everywhere(weighing: Weighing, client_for) -> None:
    concluded(weighing)
    other = build_world(key="anderer-kreis")
    pk = weighing.round.round.pk
    invitation = weighing.statements[0].invitation_id
    for user in (other.users[Role.STRATEGY_UNIT], other.users[Role.EXTERNAL_STAKEHOLDER]):
        client = client_for(user)
        for url in (
            f"/beteiligung/{pk}/abwaegungstabelle/",
            f"/beteiligung/{pk}/abwaegungstabelle.xlsx",
            f"/beteiligung/{pk}/abwaegungstabelle.pdf",
            f"/beteiligung/{pk}/konflikte/",
            f"/beteiligung/{pk}/abwaegung/zuweisen/",
            f"/beteiligung/einladung/{invitation}/schlussmitteilung/",
        ):
            assert client.get(url).status_code == 404, url


def test_final_notice_page_after_conclusion(weighing: Weighing, client_for) -> None:
    world = weighing.world
    own = weighing.round.of(weighing.round.organisations[0])
    url = f"/beteiligung/einladung/{own.pk}/schlussmitteilung/"
    extern = client_for(world.users[Role.EXTERNAL_STAKEHOLDER])
    assert extern.get(url).status_code == 404
    concluded(weighing)
    page = extern.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "berücksichtigt" in text
    assert "Wird im überarbeiteten Entwurf aufgegriffen." in text
    assert weighing.round.organisations[1].name in text  # the joint statement it co-signed
    # Another invitee's notice is not theirs to read.
    other = weighing.round.of(world.departments[0])
    assert extern.get(f"/beteiligung/einladung/{other.pk}/schlussmitteilung/").status_code == 404


def test_weighing_page_queries_do_not_grow_with_the_statements(
    weighing: Weighing, client_for
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.support.consultation import statement_draft

    client = client_for(weighing.strategy)
    url = f"/beteiligung/{weighing.round.round.pk}/abwaegungstabelle/"

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    weighing.weigh_all()
    few = count()
    r = weighing.round
    org = r.organisations[1]
    for _n in range(5):
        extra = statement_draft(r.of(org), by=r.contacts[org.pk], text="Weitere")
        weighing.release(extra, r.contacts[org.pk])
    weighing.round.round.refresh_from_db()
    assert count() == few


def test_strategy_unit_reopens_through_the_panel(weighing: Weighing, client_for) -> None:
    weighing.assign(weighing.statements[:1], weighing.world.departments[2])
    weighing.weigh_all()  # the strategy unit may weigh what it assigned, too
    evaluation = Evaluation.objects.get(statement=weighing.statements[0])
    client = client_for(weighing.strategy)
    page = client.get(f"/beteiligung/abwaegung/{evaluation.pk}/")
    assert page.status_code == 200
    assert "Abwägung erneut öffnen" in page.content.decode()
    url = f"/uebergang/abwaegung/{evaluation.pk}/"
    refused = client.post(url, {"transition": "reopen", "expected_state": "recorded"})
    assert refused.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.RECORDED  # a reason is required
    client.post(
        url, {"transition": "reopen", "expected_state": "recorded", "comment": "Neu bewerten."}
    )
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.ASSIGNED
    page = client.get(f"/beteiligung/abwaegung/{evaluation.pk}/")
    assert 'name="disposition"' in page.content.decode()  # the form is back


def test_invitee_reads_its_published_evaluation(weighing: Weighing, client_for) -> None:
    concluded(weighing)
    extern = client_for(weighing.world.users[Role.EXTERNAL_STAKEHOLDER])
    own = Evaluation.objects.get(statement=weighing.statements[2])
    page = extern.get(f"/beteiligung/abwaegung/{own.pk}/")
    assert page.status_code == 200
    assert "Wird im überarbeiteten Entwurf aufgegriffen." in page.content.decode()
    assert 'name="disposition"' not in page.content.decode()
    other = Evaluation.objects.get(statement=weighing.statements[0])
    assert extern.get(f"/beteiligung/abwaegung/{other.pk}/").status_code == 404


def test_edit_after_a_change_meanwhile_keeps_the_input(weighing: Weighing, client_for) -> None:
    weighing.assign(weighing.statements[:1], weighing.world.departments[2])
    evaluation = Evaluation.objects.get()
    client = client_for(weighing.strategy)
    stale = evaluation.updated_at.isoformat()
    from workflows.consultation.services.evaluation import evaluation_update

    evaluation_update(
        acting_user=weighing.strategy, evaluation=evaluation, disposition="noted", reason="Zuerst"
    )
    edit = f"/beteiligung/abwaegung/{evaluation.pk}/bearbeiten/"
    data = {"disposition": "taken", "reason": "Meine Begründung", "expected_updated_at": stale}
    page = client.post(edit, {**data, "action": "save"})
    assert page.status_code == 409
    assert "Meine Begründung" in page.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.reason == "Zuerst"
    fresh = evaluation.updated_at.isoformat()
    assert f'value="{fresh}"' in page.content.decode()
    again = client.post(edit, {**data, "expected_updated_at": fresh, "action": "save"})
    assert again.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.reason == "Meine Begründung"
