"""The council office changes a coming meeting on its page: day, times, place, name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import DeadlineState, TaskKind
from notifications.services.deadlines import deadlines_of, end_of_day
from planning_cycle.models import Role
from planning_cycle.workdays import working_days_after
from tests.council.web.support import Council, logged_in, other_body_user
from tests.support.council import meeting_build, paper_build, schedule, steps_of
from workflows.council.models import Location, Meeting
from workflows.council.states import MeetingState, StepRole
from workflows.services.transitions import transition_fire

pytestmark = pytest.mark.django_db

COMING_DAYS = 9


def edit_url(meeting: Meeting) -> str:
    return reverse("workflows:meeting_edit", args=[meeting.pk])


def coming(council: Council) -> Meeting:
    return meeting_build(council.world, council.c.main, days=COMING_DAYS, name="5. Sitzung KA")


def form_data(day: dt.date, **values: str) -> dict[str, str]:
    data = {"name": "5. Sitzung KA", "date": f"{day:%Y-%m-%d}", "start": "17:00", "end": ""}
    data.update(values)
    return data


def later(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_the_office_moves_a_meeting_to_another_day_time_and_place(
    client: Client, council: Council
) -> None:
    meeting = coming(council)
    hall = Location.objects.create(body=council.world.body, description="Kreishaus, Saal A")
    logged_in(client, council.office)
    detail = client.get(reverse("workflows:meeting_detail", args=[meeting.pk])).content.decode()
    assert f'href="{edit_url(meeting)}"' in detail
    page = client.get(edit_url(meeting))
    assert page.status_code == 200
    assert f'value="{later(COMING_DAYS):%Y-%m-%d}"' in page.content.decode()
    assert 'value="17:00"' in page.content.decode()

    response = client.post(
        edit_url(meeting),
        form_data(
            later(COMING_DAYS + 2),
            name="5. Sitzung KA (verlegt)",
            start="15:30",
            end="18:00",
            location=str(hall.pk),
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workflows:meeting_detail", args=[meeting.pk])
    moved = Meeting.objects.get(pk=meeting.pk)
    start, end = timezone.localtime(moved.start), timezone.localtime(moved.end)
    assert (start.date(), start.hour, start.minute) == (later(COMING_DAYS + 2), 15, 30)
    assert (end.date(), end.hour) == (later(COMING_DAYS + 2), 18)
    assert (moved.name, moved.location_id) == ("5. Sitzung KA (verlegt)", hall.pk)
    assert moved.state == MeetingState.SCHEDULED


def test_a_moved_meeting_moves_the_open_result_deadline(client: Client, council: Council) -> None:
    meeting = coming(council)
    paper = paper_build(council.world, [(council.c.main, StepRole.PRE_DELIBERATION)], title="Bus")
    step = steps_of(paper)[0]
    schedule(council.world, step, meeting)
    state = council.world.body.state
    (before,) = deadlines_of([step]).filter(kind=TaskKind.RESULT_RECORD)
    assert before.due_at == end_of_day(working_days_after(later(COMING_DAYS), 2, state=state))
    logged_in(client, council.office)

    response = client.post(edit_url(meeting), form_data(later(COMING_DAYS + 7)))

    assert response.status_code == 302
    (after,) = deadlines_of([step]).filter(kind=TaskKind.RESULT_RECORD)
    assert after.state == DeadlineState.OPEN
    assert after.due_at == end_of_day(working_days_after(later(COMING_DAYS + 7), 2, state=state))
    assert after.due_at > before.due_at


def test_a_new_time_on_the_same_day_keeps_the_deadline(client: Client, council: Council) -> None:
    meeting = coming(council)
    paper = paper_build(council.world, [(council.c.main, StepRole.PRE_DELIBERATION)], title="Bus")
    step = steps_of(paper)[0]
    schedule(council.world, step, meeting)
    (before,) = deadlines_of([step]).filter(kind=TaskKind.RESULT_RECORD)
    logged_in(client, council.office)

    client.post(edit_url(meeting), form_data(later(COMING_DAYS), start="09:00"))

    (after,) = deadlines_of([step]).filter(kind=TaskKind.RESULT_RECORD)
    assert timezone.localtime(Meeting.objects.get(pk=meeting.pk).start).hour == 9
    assert after.due_at == before.due_at


@pytest.mark.parametrize(
    "role", [Role.COMMITTEE_CLERK, Role.MANAGEMENT, Role.DEPARTMENT_HEAD, Role.COUNCIL_MEMBER]
)
def test_only_the_office_edits_meetings(client: Client, council: Council, role: str) -> None:
    meeting = coming(council)
    logged_in(client, council.council_clerk if role == Role.COMMITTEE_CLERK else council.user(role))

    detail = client.get(reverse("workflows:meeting_detail", args=[meeting.pk])).content.decode()
    page = client.get(edit_url(meeting))
    post = client.post(edit_url(meeting), form_data(later(COMING_DAYS + 1), name="Umbenannt"))

    assert edit_url(meeting) not in detail
    assert (page.status_code, post.status_code) == (403, 403)
    assert Meeting.objects.get(pk=meeting.pk).name == "5. Sitzung KA"


def test_another_bodys_office_finds_no_meeting_to_edit(client: Client, council: Council) -> None:
    meeting = coming(council)
    logged_in(client, other_body_user())

    page = client.get(edit_url(meeting))
    post = client.post(edit_url(meeting), form_data(later(COMING_DAYS + 1), name="Fremd"))

    assert (page.status_code, post.status_code) == (404, 404)
    assert Meeting.objects.get(pk=meeting.pk).name == "5. Sitzung KA"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"start": "17:00", "end": "16:00"}, "end", "liegt vor dem Beginn"),
        ({"start": "25:61"}, "start", "Die Uhrzeit des Beginns ist ungültig"),
        ({"start": ""}, "start", "Bitte geben Sie die Uhrzeit des Beginns an."),
        ({"end": "abends"}, "end", "Die Uhrzeit des Endes ist ungültig"),
        ({"date": "31.02.2027"}, "date", "Das Datum ist ungültig"),
        ({"date": ""}, "date", "Bitte geben Sie das Datum der Sitzung an."),
        ({"name": "  "}, "name", "Bitte geben Sie eine Bezeichnung an."),
        ({"location": "999999"}, "location", "Bitte wählen Sie den Sitzungsort aus der Liste."),
    ],
)
def test_bad_input_is_named_at_its_field_and_nothing_changes(
    client: Client, council: Council, values: dict[str, str], field: str, message: str
) -> None:
    meeting = coming(council)
    logged_in(client, council.office)

    response = client.post(
        edit_url(meeting),
        form_data(later(COMING_DAYS + 3), **{"name": "Mein neuer Name", **values}),
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert message in text
    assert f'id="id_{field}-error"' in text
    assert f'aria-describedby=" id_{field}-error" aria-invalid="true"' in text
    if "name" not in values:
        assert 'value="Mein neuer Name"' in text
    unchanged = Meeting.objects.get(pk=meeting.pk)
    assert (unchanged.name, unchanged.start) == ("5. Sitzung KA", meeting.start)


def test_another_bodys_location_is_refused(client: Client, council: Council) -> None:
    meeting = coming(council)
    other = other_body_user()
    foreign = Location.objects.create(body_id=int(other.body_id or 0), description="Fremder Saal")
    logged_in(client, council.office)

    response = client.post(
        edit_url(meeting), form_data(later(COMING_DAYS), location=str(foreign.pk))
    )

    assert response.status_code == 400
    assert 'id="id_location-error"' in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).location_id is None


@pytest.mark.parametrize(
    ("transition", "label"), [("hold", "durchgeführt"), ("cancel", "abgesagt")]
)
def test_a_held_or_cancelled_meeting_is_not_edited(
    client: Client, council: Council, transition: str, label: str
) -> None:
    meeting = council.main_meeting  # ten days ago
    transition_fire(
        acting_user=council.office, obj=meeting, transition=transition, comment="Erledigt"
    )
    logged_in(client, council.office)

    detail = client.get(reverse("workflows:meeting_detail", args=[meeting.pk])).content.decode()
    page = client.get(edit_url(meeting))
    post = client.post(edit_url(meeting), form_data(later(3)))

    assert edit_url(meeting) not in detail
    expected = f"Die Sitzung ist {label} und kann nicht mehr geändert werden."
    assert page.status_code == 200
    assert expected in page.content.decode()
    assert 'name="date"' not in page.content.decode()
    assert post.status_code == 409
    assert expected in post.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).start == meeting.start
