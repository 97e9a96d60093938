"""The meeting's page: items without a paper, the htmx result form, its queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning_cycle.models import Role
from tests.council.web.support import Council, logged_in, other_body_user
from tests.support.council import meeting_build, paper_build, schedule, steps_of
from workflows.council.models import AgendaItem, ConsultationStep, Meeting
from workflows.council.services.meetings import agenda_item_add
from workflows.council.states import StepResult, StepRole, StepState
from workflows.services.transitions import transition_fire

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def detail_url(meeting: Meeting) -> str:
    return reverse("workflows:meeting_detail", args=[meeting.pk])


def add_url(meeting: Meeting) -> str:
    return reverse("workflows:agenda_item_add", args=[meeting.pk])


def remove_url(item: AgendaItem) -> str:
    return reverse("workflows:agenda_item_remove", args=[item.meeting_id, item.pk])


def add_data(**values: str) -> dict[str, str]:
    data = {"name": "Mitteilungen der Verwaltung", "number": "", "position": "", "public": "on"}
    data.update(values)
    return {f"neu-{key}": value for key, value in data.items()}


def agenda(meeting: Meeting) -> list[tuple[str, str]]:
    items = AgendaItem.objects.filter(meeting=meeting, deleted=False).order_by("position")
    return [(i.number, i.name) for i in items]


@pytest.fixture
def meeting(council: Council) -> Meeting:
    """A coming meeting of the main committee with one paper on its agenda."""
    coming = meeting_build(council.world, council.c.main, days=5, name="Nächste Sitzung KA")
    paper = paper_build(council.world, [(council.c.main, StepRole.PRE_DELIBERATION)], title="Bus")
    schedule(council.world, steps_of(paper)[0], coming)
    return coming


def test_the_office_adds_items_last_or_at_a_position(
    client: Client, council: Council, meeting: Meeting
) -> None:
    logged_in(client, council.office)
    page = client.get(detail_url(meeting)).content.decode()
    assert f'action="{add_url(meeting)}"' in page

    last = client.post(add_url(meeting), add_data())
    first = client.post(
        add_url(meeting), add_data(name="Anfragen", number="0", position="1", public="")
    )

    assert (last.status_code, first.status_code) == (302, 302)
    (anfragen, paper, notice) = agenda(meeting)
    assert anfragen == ("0", "Anfragen")
    assert paper[0] == "1" and paper[1].endswith(" Bus")
    assert notice == ("2", "Mitteilungen der Verwaltung")
    inserted = AgendaItem.objects.get(meeting=meeting, name="Anfragen")
    assert (inserted.position, inserted.public, inserted.step_id) == (1, False, None)
    assert AgendaItem.objects.get(meeting=meeting, name="Mitteilungen der Verwaltung").public
    text = client.get(detail_url(meeting)).content.decode()
    ids = AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("pk")
    places = [text.index(f'<article id="top-{pk}"') for (pk,) in ids]
    assert places == sorted(places)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "Bitte geben Sie den Gegenstand an."),
        ({"position": "1"}, "number", "Bitte geben Sie die Nummer an"),
        ({"position": "77", "number": "7"}, "position", "Bitte wählen Sie die Stelle"),
        ({"number": "x" * 21}, "number", "höchstens 20 Zeichen"),
    ],
)
def test_bad_items_are_named_at_their_field(
    client: Client,
    council: Council,
    meeting: Meeting,
    values: dict[str, str],
    field: str,
    message: str,
) -> None:
    logged_in(client, council.office)
    before = agenda(meeting)

    response = client.post(add_url(meeting), add_data(**values))

    text = response.content.decode()
    assert response.status_code == 400
    assert message in text
    assert f'id="id_neu-{field}-error"' in text
    assert agenda(meeting) == before


def test_the_office_removes_an_item_without_a_paper(
    client: Client, council: Council, meeting: Meeting
) -> None:
    item = agenda_item_add(acting_user=council.office, meeting=meeting, name="Anfragen")
    paper_item = AgendaItem.objects.get(meeting=meeting, step__isnull=False)
    logged_in(client, council.office)
    page = client.get(detail_url(meeting)).content.decode()
    assert f'action="{remove_url(item)}"' in page
    assert f'action="{remove_url(paper_item)}"' not in page

    response = client.post(remove_url(item))
    paper_refused = client.post(remove_url(paper_item))

    assert response.status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).deleted
    assert f'id="top-{item.pk}"' not in client.get(detail_url(meeting)).content.decode()
    assert paper_refused.status_code == 409
    assert "nehmen Sie sie auf der Seite der Vorlage" in paper_refused.content.decode()
    assert not AgendaItem.objects.get(pk=paper_item.pk).deleted
    # Gone already: as unknown as any other.
    assert client.post(remove_url(item)).status_code == 404


def test_a_held_meetings_agenda_stays(client: Client, council: Council) -> None:
    meeting = council.main_meeting
    item = agenda_item_add(acting_user=council.office, meeting=meeting, name="Anfragen")
    transition_fire(acting_user=council.office, obj=meeting, transition="hold")
    logged_in(client, council.office)

    page = client.get(detail_url(meeting)).content.decode()
    added = client.post(add_url(meeting), add_data(name="Nachgereicht"))
    removed = client.post(remove_url(item))

    assert f'action="{add_url(meeting)}"' not in page
    assert f'action="{remove_url(item)}"' not in page
    assert (added.status_code, removed.status_code) == (409, 409)
    assert "ihre Tagesordnung kann nicht mehr geändert werden" in added.content.decode()
    assert [name for _n, name in agenda(meeting)][-1] == "Anfragen"


@pytest.mark.parametrize("who", ["clerk", "management", "department_head"])
def test_others_may_not_change_the_agenda(
    client: Client, council: Council, meeting: Meeting, who: str
) -> None:
    item = agenda_item_add(acting_user=council.office, meeting=meeting, name="Anfragen")
    user = {
        "clerk": council.main_clerk,
        "management": council.user(Role.MANAGEMENT),
        "department_head": council.user(Role.DEPARTMENT_HEAD),
    }[who]
    logged_in(client, user)
    page = client.get(detail_url(meeting)).content.decode()

    assert f'action="{add_url(meeting)}"' not in page
    assert client.post(add_url(meeting), add_data()).status_code == 403
    assert client.post(remove_url(item)).status_code == 403
    assert not AgendaItem.objects.get(pk=item.pk).deleted


def test_another_bodys_office_finds_no_agenda(
    client: Client, council: Council, meeting: Meeting
) -> None:
    item = agenda_item_add(acting_user=council.office, meeting=meeting, name="Anfragen")
    logged_in(client, other_body_user())

    assert client.post(add_url(meeting), add_data()).status_code == 404
    assert client.post(remove_url(item)).status_code == 404
    assert not AgendaItem.objects.get(pk=item.pk).deleted


# --- the result form with and without htmx -----------------------------------------------


def result_url(council: Council) -> str:
    return reverse(
        "workflows:result_record", args=[council.council_meeting.pk, council.council_item.pk]
    )


def result_data(council: Council, **values: object) -> dict[str, object]:
    data: dict[str, object] = {"result": StepResult.DECIDED, "resolution_text": "Beschlossen."}
    data.update(values)
    return {f"top-{council.council_item.pk}-{key}": value for key, value in data.items()}


def test_the_result_form_is_an_htmx_form_swapping_its_item(
    client: Client, council: Council
) -> None:
    logged_in(client, council.council_clerk)
    page = client.get(detail_url(council.council_meeting)).content.decode()
    assert f'hx-post="{result_url(council)}"' in page
    assert f'hx-target="#top-{council.council_item.pk}"' in page

    response = client.post(result_url(council), result_data(council), headers=HTMX)

    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith(f'<article id="top-{council.council_item.pk}"')
    assert "<html" not in text
    assert "Das Ergebnis zu TOP" in text and "beschlossen" in text
    assert f'hx-post="{result_url(council)}"' not in text  # recorded: no form any more
    step = ConsultationStep.objects.get(pk=council.council_item.step_id)
    assert step.state == StepState.RECORDED


def test_htmx_field_errors_come_back_in_the_item(client: Client, council: Council) -> None:
    logged_in(client, council.council_clerk)
    prefix = f"top-{council.council_item.pk}"

    bad = client.post(
        result_url(council),
        result_data(council, votes_yes=3, resolution_text="Mein Text"),
        headers=HTMX,
    )
    no_result = client.post(result_url(council), result_data(council, result=""), headers=HTMX)

    text = bad.content.decode()
    assert bad.status_code == 400
    assert text.lstrip().startswith(f'<article id="top-{council.council_item.pk}"')
    assert "Geben Sie Ja-Stimmen, Nein-Stimmen und Enthaltungen an" in text
    assert f'id="id_{prefix}-votes_yes-error"' in text
    assert "Mein Text" in text
    assert "Nicht gespeichert: bitte prüfen Sie die markierten Felder." in text
    assert no_result.status_code == 400
    assert f'id="id_{prefix}-result-error"' in no_result.content.decode()
    step = ConsultationStep.objects.get(pk=council.council_item.step_id)
    assert step.state == StepState.SCHEDULED


def test_an_htmx_double_submit_answers_409_in_the_item(client: Client, council: Council) -> None:
    logged_in(client, council.council_clerk)
    client.post(result_url(council), result_data(council), headers=HTMX)

    again = client.post(
        result_url(council), result_data(council, result=StepResult.REJECTED), headers=HTMX
    )

    text = again.content.decode()
    assert again.status_code == 409
    assert text.lstrip().startswith(f'<article id="top-{council.council_item.pk}"')
    assert "schon ein Ergebnis erfasst" in text
    assert AgendaItem.objects.get(pk=council.council_item.pk).result == StepResult.DECIDED


def test_without_htmx_the_result_form_still_redirects(client: Client, council: Council) -> None:
    logged_in(client, council.council_clerk)

    response = client.post(result_url(council), result_data(council))

    assert response.status_code == 302
    assert response["Location"].endswith(f"#top-{council.council_item.pk}")
    followed = client.get(response["Location"]).content.decode()
    assert "Das Ergebnis zu TOP" in followed


def test_htmx_refuses_another_committees_clerk_in_the_item(
    client: Client, council: Council
) -> None:
    logged_in(client, council.main_clerk)

    response = client.post(result_url(council), result_data(council), headers=HTMX)

    assert response.status_code == 403
    assert "Nur die Schriftführung des Kreistag" in response.content.decode()
    step = ConsultationStep.objects.get(pk=council.council_item.step_id)
    assert step.state == StepState.SCHEDULED


@pytest.mark.parametrize("who", ["office", "clerk"])
def test_the_meeting_page_reads_with_a_constant_number_of_queries(
    client: Client, council: Council, django_assert_num_queries: Any, who: str
) -> None:
    meeting = council.council_meeting
    agenda_item_add(acting_user=council.office, meeting=meeting, name="Mitteilungen")
    logged_in(client, council.office if who == "office" else council.council_clerk)
    client.get(detail_url(meeting))
    with CaptureQueriesContext(connection) as few:
        assert client.get(detail_url(meeting)).status_code == 200
    few_count = len(few)
    for n in range(4):
        paper = paper_build(council.world, [(council.c.council, StepRole.DECISION)], title=f"P{n}")
        schedule(council.world, steps_of(paper)[0], meeting)
        agenda_item_add(acting_user=council.office, meeting=meeting, name=f"Anfrage {n}")

    with django_assert_num_queries(few_count):
        response = client.get(detail_url(meeting))

    text = response.content.decode()
    assert "P3" in text and "Anfrage 3" in text
    if who == "clerk":
        assert text.count('class="kern-stack-sm result-form"') == 5
