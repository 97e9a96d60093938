"""A whole consultation round through its pages only: each person logs in and posts forms.

The strategy unit drafts and opens a round; `extern` and department heads answer (one with
an attachment, one released after the editor drafted it), one invitee declines; the
strategy unit closes, assigns, the evaluators weigh, the round is evaluated and concluded;
the weighing table downloads; the final notice reaches each submitter once; every step is
in the history.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from notifications.services.outbox import outbox_process
from planning_cycle.models import Organisation, Role, User
from tests.support.factories import user_with_role
from tests.support.world import World
from workflows.consultation.models import (
    ConsultationRound,
    Evaluation,
    FinalNotice,
    Invitation,
    Statement,
)
from workflows.consultation.states import (
    Disposition,
    EvaluationState,
    InvitationState,
    Position,
    RoundState,
    StatementState,
)
from workflows.models import TransitionLog

from .file_samples import pdf_bytes

pytestmark = pytest.mark.django_db

TITLE = "Entwurf Zielkatalog 2027: Mittelfristige Entwicklungsziele"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTERN_TEXT = "Die Gemeinde bittet, die Radwege zwischen den Ortsteilen aufzunehmen."
HEAD_TEXT = "Das Einsparziel von 30 % ist mit dem Gebäudebestand nicht erreichbar."
EDITOR_TEXT = "Die Schutzgebiete bitte mit einem Zeitplan bis 2028 hinterlegen."


def as_(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(
    client: Client, name: str, pk: int, data: dict[str, object], status: int = 302
) -> HttpResponse:
    """POST to a page; expect the redirect that says it worked (else show the page's errors)."""
    response = client.post(reverse(name, args=[pk]), data)
    assert response.status_code == status, response.content.decode()[:3000]
    return response  # type: ignore[return-value]


def fire(client: Client, obj: ConsultationRound, transition: str, state: str) -> None:
    """Press a round's transition button (the engine's transition endpoint)."""
    response = client.post(
        reverse("workflows:transition", args=["beteiligung", obj.pk]),
        {"transition": transition, "expected_state": state},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    obj.refresh_from_db()


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def deliver_all() -> None:
    """Process the outbox as the worker does, until nothing is left."""
    while outbox_process(batch_size=500):
        pass


def test_a_round_from_draft_to_final_notice_through_the_pages(world: World) -> None:
    strategy = as_(world.users[Role.STRATEGY_UNIT])
    extern_user = world.users[Role.EXTERNAL_STAKEHOLDER]
    extern = as_(extern_user)
    environment, declining, buildings = world.departments
    head = as_(world.users[Role.DEPARTMENT_HEAD])  # of `environment`
    decliner = as_(world.users["other_department_head"])  # of `declining`
    buildings_head_user = user_with_role(world.body, Role.DEPARTMENT_HEAD, buildings)
    buildings_head = as_(buildings_head_user)
    buildings_editor = as_(user_with_role(world.body, Role.DEPARTMENT_EDITOR, buildings))
    ilsede = Organisation.objects.get(role_assignments__user=extern_user)

    # The strategy unit drafts the round: sections, invitees, the draft document; opens it.
    response = strategy.post(
        reverse("workflows:round_create"),
        {
            "title": TITLE,
            "subject_kind": "goal_catalog",
            "description": "Bitte nehmen Sie zu den Zielen Stellung.",
            "deadline": (timezone.localdate() + dt.timedelta(days=21)).isoformat(),
            "cycle": world.cycle.pk,
        },
    )
    round_ = ConsultationRound.objects.get(title=TITLE)
    assert response.status_code == 302
    assert response["Location"] == reverse("workflows:round_detail", args=[round_.pk])
    for number, title in (("1", "Finanzen"), ("4", "Umwelt- und Klimaschutz")):
        post(strategy, "workflows:round_section_add", round_.pk, {"number": number, "title": title})
    post(
        strategy,
        "workflows:round_invitees_add",
        round_.pk,
        {"departments": [environment.pk, declining.pk, buildings.pk], "organisations": [ilsede.pk]},
    )
    post(strategy, "workflows:round_file_upload", round_.pk, {"dateien": pdf("Entwurf.pdf")})
    assert round_.files.get().name == "Entwurf.pdf"
    fire(strategy, round_, "open", RoundState.DRAFT)
    assert round_.state == RoundState.OPEN
    sections = {s.number: s for s in round_.sections.all()}
    invitation = {i.invitee: i for i in Invitation.objects.filter(round=round_)}

    # `extern` writes a statement with an attachment and releases it.
    page = extern.get(reverse("workflows:invitation_detail", args=[invitation[ilsede].pk]))
    assert page.status_code == 200 and TITLE in page.content.decode()
    post(
        extern,
        "workflows:statement_create",
        invitation[ilsede].pk,
        {
            "position": Position.AGREEMENT_WITH_CHANGES,
            "text": EXTERN_TEXT,
            "section": sections["1"].pk,
        },
    )
    extern_statement = Statement.objects.get(invitation=invitation[ilsede])
    post(
        extern,
        "workflows:statement_file_upload",
        extern_statement.pk,
        {"dateien": pdf("Radwegekonzept.pdf")},
    )
    post(extern, "workflows:statement_release", extern_statement.pk, {"expected_state": "draft"})

    # A department head writes and releases their department's statement.
    post(
        head,
        "workflows:statement_create",
        invitation[environment].pk,
        {"position": Position.REJECTION, "text": HEAD_TEXT, "section": sections["4"].pk},
    )
    head_statement = Statement.objects.get(invitation=invitation[environment])
    post(head, "workflows:statement_release", head_statement.pk, {"expected_state": "draft"})

    # An editor drafts, may not release; the head releases.
    post(
        buildings_editor,
        "workflows:statement_create",
        invitation[buildings].pk,
        {"position": Position.AGREEMENT_WITH_CHANGES, "text": EDITOR_TEXT},
    )
    editor_statement = Statement.objects.get(invitation=invitation[buildings])
    post(
        buildings_editor,
        "workflows:statement_release",
        editor_statement.pk,
        {"expected_state": "draft"},
        status=403,
    )
    post(
        buildings_head,
        "workflows:statement_release",
        editor_statement.pk,
        {"expected_state": "draft"},
    )

    # One invitee declines.
    post(
        decliner,
        "workflows:invitation_decline",
        invitation[declining].pk,
        {"comment": "Nicht betroffen."},
    )
    states = dict(Invitation.objects.filter(round=round_).values_list("pk", "state"))
    assert states == {
        invitation[environment].pk: InvitationState.SUBMITTED,
        invitation[declining].pk: InvitationState.DECLINED,
        invitation[buildings].pk: InvitationState.SUBMITTED,
        invitation[ilsede].pk: InvitationState.SUBMITTED,
    }
    statements = [extern_statement, head_statement, editor_statement]
    for statement in statements:
        statement.refresh_from_db()
        assert statement.state == StatementState.RELEASED
    assert extern_statement.attachments.get().name == "Radwegekonzept.pdf"

    # The strategy unit closes and assigns: extern's statement to the environment
    # department, the other two to itself; each evaluator records a disposition.
    fire(strategy, round_, "close", RoundState.OPEN)
    post(
        strategy,
        "workflows:evaluation_assign",
        round_.pk,
        {"statements": [extern_statement.pk], "department": str(environment.pk)},
    )
    post(
        strategy,
        "workflows:evaluation_assign",
        round_.pk,
        {"statements": [head_statement.pk, editor_statement.pk], "department": ""},
    )
    weighing = [
        (head, extern_statement, Disposition.PARTLY),
        (strategy, head_statement, Disposition.NOT_TAKEN),
        (strategy, editor_statement, Disposition.TAKEN),
    ]
    for client, statement, disposition in weighing:
        evaluation = Evaluation.objects.get(statement=statement)
        post(
            client,
            "workflows:evaluation_edit",
            evaluation.pk,
            {
                "disposition": disposition,
                "reason": f"Abwägung zu {statement.invitee}: {disposition}.",
                "expected_updated_at": evaluation.updated_at.isoformat(),
                "action": "record",
            },
        )
    assert set(Evaluation.objects.filter(round=round_).values_list("state", flat=True)) == {
        EvaluationState.RECORDED
    }
    fire(strategy, round_, "evaluate", RoundState.CLOSED)
    fire(strategy, round_, "conclude", RoundState.EVALUATED)
    assert round_.state == RoundState.CONCLUDED

    # The weighing table: as a page, as XLSX holding the statements, as PDF.
    table = strategy.get(reverse("workflows:weighing_table", args=[round_.pk]))
    assert table.status_code == 200
    assert EXTERN_TEXT in table.content.decode()
    xlsx = strategy.get(reverse("workflows:weighing_table_xlsx", args=[round_.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value}
    for text in (EXTERN_TEXT, HEAD_TEXT, EDITOR_TEXT):
        assert any(text in cell for cell in cells), text
    pdf_response = strategy.get(reverse("workflows:weighing_table_pdf", args=[round_.pk]))
    assert pdf_response.status_code == 200
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content.startswith(b"%PDF")

    # `extern` now sees how its statement was weighed.
    evaluation = Evaluation.objects.get(statement=extern_statement)
    page = extern.get(reverse("workflows:evaluation_detail", args=[evaluation.pk]))
    assert page.status_code == 200

    # The final notice: one per submitter (not the one who declined), sent once.
    notified = set(FinalNotice.objects.filter(round=round_).values_list("invitation_id", flat=True))
    assert notified == {invitation[i].pk for i in (environment, buildings, ilsede)}
    mail.outbox.clear()
    deliver_all()
    deliver_all()
    subject = f"Schlussmitteilung: {TITLE}"
    told = [r for m in mail.outbox if m.subject == subject for r in m.to]
    assert len(told) == len(set(told))  # nobody twice
    decliner_user = world.users["other_department_head"]
    heads = [world.users[Role.DEPARTMENT_HEAD], buildings_head_user]
    assert {extern_user.email, *(u.email for u in heads)} <= set(told)
    assert decliner_user.email not in told

    # Every step is in the history, by whom it was done.
    def history(obj: object) -> list[tuple[str, str]]:
        rows = TransitionLog.objects.filter(
            object_id=obj.pk,  # type: ignore[attr-defined]
            content_type__model=type(obj)._meta.model_name,  # type: ignore[attr-defined]
        ).order_by("id")
        return [(r.transition, r.actor.username) for r in rows]

    steuerung = world.users[Role.STRATEGY_UNIT].username
    assert history(round_) == [
        ("open", steuerung),
        ("close", steuerung),
        ("evaluate", steuerung),
        ("conclude", steuerung),
    ]
    assert history(extern_statement) == [("release", extern_user.username)]
    assert history(editor_statement) == [("release", buildings_head_user.username)]
    assert history(invitation[declining]) == [("decline", decliner_user.username)]
    assert history(invitation[ilsede]) == [("submit", extern_user.username)]
    assert history(Evaluation.objects.get(statement=extern_statement)) == [
        ("record", world.users[Role.DEPARTMENT_HEAD].username)
    ]
