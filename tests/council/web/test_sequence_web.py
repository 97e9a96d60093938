"""The council office's actions on a paper's page: steps, agenda, reopening, files."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from planning_cycle.models import Role
from tests.consultation import file_samples as samples
from tests.consultation.file_support import upload
from tests.council.web.support import Council, logged_in, other_body_user
from tests.support.council import meeting_build, record, steps_of
from workflows.council.models import AgendaItem, ConsultationStep, Paper, PaperFile
from workflows.council.states import FileRole, ResolutionStatus, StepResult, StepRole, StepState

pytestmark = pytest.mark.django_db


def detail(council: Council) -> str:
    return reverse("workflows:paper_detail", args=[council.paper.pk])


def test_office_adds_schedules_and_unschedules_a_step(client: Client, council: Council) -> None:
    c = council.c
    coming = meeting_build(council.world, c.social, days=4, name="Kommende Sitzung KSA")
    logged_in(client, council.office)

    added = client.post(
        reverse("workflows:step_add", args=[council.paper.pk]),
        {"add-committee": c.social.pk, "add-role": StepRole.NOTICE},
    )
    step = steps_of(council.paper)[-1]
    page = client.get(detail(council)).content.decode()
    scheduled = client.post(
        reverse("workflows:step_schedule", args=[step.pk]),
        {f"schedule-{step.pk}-meeting": coming.pk},
    )
    no_reason = client.post(reverse("workflows:step_unschedule", args=[step.pk]), {})
    unscheduled = client.post(
        reverse("workflows:step_unschedule", args=[step.pk]),
        {f"reason-{step.pk}-reason": "Unterlagen fehlen"},
    )

    assert added.status_code == 302 and step.committee == c.social
    assert "Kommende Sitzung KSA" in page
    assert scheduled.status_code == 302
    assert no_reason.status_code == 400
    assert unscheduled.status_code == 302
    assert ConsultationStep.objects.get(pk=step.pk).state == StepState.PLANNED
    assert AgendaItem.objects.filter(step=step, deleted=True).count() == 1


def test_scheduling_on_another_committees_meeting_is_refused(
    client: Client, council: Council
) -> None:
    c = council.c
    logged_in(client, council.office)
    client.post(
        reverse("workflows:step_add", args=[council.paper.pk]),
        {"add-committee": c.social.pk, "add-role": StepRole.NOTICE},
    )
    step = steps_of(council.paper)[-1]
    meeting_build(council.world, c.social, days=5)
    youth = meeting_build(council.world, c.youth, days=4)

    response = client.post(
        reverse("workflows:step_schedule", args=[step.pk]),
        {f"schedule-{step.pk}-meeting": youth.pk},
    )

    assert response.status_code == 400
    assert f'id="id_schedule-{step.pk}-meeting-error"' in response.content.decode()
    assert ConsultationStep.objects.get(pk=step.pk).state == StepState.PLANNED


def test_a_second_decision_is_refused_at_the_role(client: Client, council: Council) -> None:
    logged_in(client, council.office)

    response = client.post(
        reverse("workflows:step_add", args=[council.paper.pk]),
        {"add-committee": council.c.main.pk, "add-role": StepRole.DECISION},
    )

    assert response.status_code == 400
    assert "entscheidet schon ein Gremium" in response.content.decode()


def test_office_removes_a_planned_step_only(client: Client, council: Council) -> None:
    logged_in(client, council.office)
    client.post(
        reverse("workflows:step_add", args=[council.paper.pk]),
        {"add-committee": council.c.youth.pk, "add-role": StepRole.HEARING},
    )
    planned = steps_of(council.paper)[-1]
    recorded = steps_of(council.paper)[0]

    removed = client.post(reverse("workflows:step_remove", args=[planned.pk]))
    refused = client.post(reverse("workflows:step_remove", args=[recorded.pk]))

    assert removed.status_code == 302
    assert ConsultationStep.objects.get(pk=planned.pk).deleted
    assert refused.status_code == 409
    assert "bleibt in der Beratungsfolge" in refused.content.decode()


def test_office_reopens_a_result_with_a_reason(client: Client, council: Council) -> None:
    record(council.council_clerk, council.council_item, StepResult.REJECTED)
    step = ConsultationStep.objects.get(pk=council.council_item.step_id)
    assert Paper.objects.get(pk=council.paper.pk).resolution_status == ResolutionStatus.REJECTED
    logged_in(client, council.office)

    response = client.post(
        reverse("workflows:step_reopen", args=[step.pk]),
        {f"reason-{step.pk}-reason": "Falsches Ergebnis eingetragen"},
    )

    assert response.status_code == 302
    assert ConsultationStep.objects.get(pk=step.pk).state == StepState.SCHEDULED
    assert Paper.objects.get(pk=council.paper.pk).resolution_status == ResolutionStatus.PENDING
    text = client.get(detail(council)).content.decode()
    assert "Falsches Ergebnis eingetragen" in text


@pytest.mark.parametrize("who", ["clerk", "management", "department_head"])
def test_others_may_not_change_the_sequence(client: Client, council: Council, who: str) -> None:
    user = {
        "clerk": council.council_clerk,
        "management": council.user(Role.MANAGEMENT),
        "department_head": council.user(Role.DEPARTMENT_HEAD),
    }[who]
    step = steps_of(council.paper)[-1]
    logged_in(client, user)

    page = client.get(detail(council)).content.decode()
    add = client.post(
        reverse("workflows:step_add", args=[council.paper.pk]),
        {"add-committee": council.c.youth.pk, "add-role": StepRole.HEARING},
    )
    unschedule = client.post(
        reverse("workflows:step_unschedule", args=[step.pk]), {f"reason-{step.pk}-reason": "x"}
    )

    assert "Gremium zur Beratungsfolge hinzufügen" not in page
    assert (add.status_code, unschedule.status_code) == (403, 403)
    assert len(steps_of(council.paper)) == 2


def test_another_bodys_office_finds_nothing(client: Client, council: Council) -> None:
    step = steps_of(council.paper)[-1]
    logged_in(client, other_body_user())

    add = client.post(
        reverse("workflows:step_add", args=[council.paper.pk]),
        {"add-committee": council.c.youth.pk, "add-role": StepRole.HEARING},
    )
    unschedule = client.post(
        reverse("workflows:step_unschedule", args=[step.pk]), {f"reason-{step.pk}-reason": "x"}
    )

    assert (add.status_code, unschedule.status_code) == (404, 404)


def test_office_uploads_checked_files_and_serves_them_through_the_gate(
    client: Client, council: Council
) -> None:
    logged_in(client, council.office)
    url = reverse("workflows:paper_file_upload", args=[council.paper.pk])

    bad = client.post(
        url, {"datei-role": FileRole.MAIN, "dateien": [upload("Vorlage.pdf", b"kein pdf")]}
    )
    good = client.post(
        url,
        {
            "datei-role": FileRole.MAIN,
            "datei-public": "on",
            "dateien": [upload("Vorlage.pdf", samples.pdf_bytes())],
        },
    )
    file = PaperFile.objects.get(paper=council.paper, deleted=False)
    download = client.get(reverse("workflows:paper_file_download", args=[file.pk]))

    assert bad.status_code == 400
    assert "keine gültige PDF-Datei" in bad.content.decode()
    assert good.status_code == 302
    assert file.role == FileRole.MAIN and file.public
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    logged_in(client, council.user(Role.DEPARTMENT_HEAD))
    assert client.get(reverse("workflows:paper_file_download", args=[file.pk])).status_code == 200
    assert client.post(url, {"dateien": [upload("x.pdf", samples.pdf_bytes())]}).status_code == 403
    logged_in(client, other_body_user())
    assert client.get(reverse("workflows:paper_file_download", args=[file.pk])).status_code == 404
    logged_in(client, council.office)
    removed = client.post(reverse("workflows:paper_file_remove", args=[file.pk]))
    assert removed.status_code == 302
    assert client.get(reverse("workflows:paper_file_download", args=[file.pk])).status_code == 404
