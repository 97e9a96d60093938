"""The deadlines page (/fristen/): who sees it, filters, extension history, extending."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Audience, Deadline, DeadlineExtension, DeadlineState, TaskKind
from notifications.services.deadlines import deadline_extend, end_of_day
from tests.support.notifications import DeadlineFactory
from tests.support.web import ROLES, review_of
from tests.support.world import build_world

URL = "/fristen/"


@pytest.fixture
def deadlines(world):
    """Open deadlines of FD 31 and FD 32 and one for management; one done, one elsewhere."""
    Deadline.objects.all().delete()
    now = timezone.now()
    other = build_world(key="andere")
    Deadline.objects.filter(body=other.body).delete()
    return {
        "own": DeadlineFactory(
            review=review_of(world, 0), due_at=end_of_day(timezone.localdate() + dt.timedelta(5))
        ),
        "other_department": DeadlineFactory(
            review=review_of(world, 1), due_at=now + dt.timedelta(days=9)
        ),
        "decide": DeadlineFactory(
            review=review_of(world, 1),
            kind=TaskKind.REVIEW_DECIDE,
            audience=Audience.MANAGEMENT,
            due_at=now - dt.timedelta(days=1),
        ),
        "done": DeadlineFactory(
            review=review_of(world, 2),
            state=DeadlineState.DONE,
            closed_at=now,
            next_check_at=None,
        ),
        "foreign": DeadlineFactory(review=review_of(other, 0)),
    }


def extend_url(deadline) -> str:
    return f"/fristen/{deadline.pk}/verlaengern/"


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("role", "status", "form"),
    [
        ("management", 200, True),
        ("strategy_unit", 200, False),
        ("department_head", 403, False),
        ("department_editor", 403, False),
        ("committee_secretary", 403, False),
        ("council_member", 403, False),
    ],
)
def test_who_sees_the_page_and_the_form(world, deadlines, client_for, role, status, form):
    response = client_for(world.users[role]).get(URL)
    assert response.status_code == status
    html = response.content.decode()
    assert ("Frist verlängern" in html) is form
    # Only those who see the page get the link in the header.
    home = client_for(world.users[role]).get("/").content.decode()
    assert ('href="/fristen/"' in home) is (status == 200)


def test_external_and_anonymous(world, deadlines, client, client_for):
    assert client.get(URL)["Location"].startswith("/anmelden/")
    html = client_for(world.users["external_stakeholder"]).get(URL).content.decode()
    assert "Beteiligungsrunde" in html
    assert "Zielbilanzierung" not in html


def test_lists_the_bodys_open_deadlines_soonest_first(world, deadlines, client_for):
    html = client_for(world.users["management"]).get(URL).content.decode()
    assert html.count("<h1") == 1
    shown = [name for name, d in deadlines.items() if f'id="frist-{d.pk}"' in html]
    assert shown == ["own", "other_department", "decide"]
    order = [html.index(f'id="frist-{deadlines[n].pk}"') for n in ("decide", "own")]
    assert order == sorted(order)
    assert "3 offene Fristen." in html
    assert ">überfällig<" in html  # the decision is a day late
    assert "Über Zielbilanzierung entscheiden" in html
    assert f'href="/zielbilanzierungen/{deadlines["own"].object_id}/"' in html


def test_filters(world, deadlines, client_for):
    client = client_for(world.users["strategy_unit"])
    html = client.get(URL, {"art": "review_decide"}).content.decode()
    assert f'id="frist-{deadlines["decide"].pk}"' in html
    assert f'id="frist-{deadlines["own"].pk}"' not in html
    assert "1 offene Frist entspricht dem Filter." in html
    html = client.get(URL, {"einheit": world.departments[0].pk}).content.decode()
    assert f'id="frist-{deadlines["own"].pk}"' in html
    assert f'id="frist-{deadlines["other_department"].pk}"' not in html
    # A department of another body or a nonsense kind is refused at its field and ignored.
    other_department = deadlines["foreign"].department_id
    response = client.get(URL, {"einheit": other_department, "art": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="kern-error"') == 2
    assert "3 offene Fristen." in html


def test_extend_records_the_extension_and_shows_its_history(world, deadlines, client_for):
    management = world.users["management"]
    client = client_for(management)
    deadline = deadlines["own"]
    response = client.post(
        extend_url(deadline) + "?art=review_submit",
        {"new_due_date": in_days(20), "reason": "Personalausfall im Fachdienst"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/fristen/?art=review_submit#frist-{deadline.pk}"
    deadline.refresh_from_db()
    assert deadline.due_at == end_of_day(timezone.localdate() + dt.timedelta(days=20))
    extension = DeadlineExtension.objects.get()
    assert extension.reason == "Personalausfall im Fachdienst"
    assert extension.actor == management
    assert extension.deadline == deadline
    html = client.get(response["Location"]).content.decode()
    assert "ist bis zum" in html and "verlängert" in html
    assert "Verlängerungen" in html
    assert "Personalausfall im Fachdienst" in html
    assert str(management) in html
    # A typed German date works as well.
    german = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d.%m.%Y")
    response = client.post(extend_url(deadline), {"new_due_date": german, "reason": "Noch mal"})
    assert response.status_code == 302
    assert DeadlineExtension.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"new_due_date": "+20", "reason": ""}, "Bitte begründen Sie die Fristverlängerung."),
        ({"new_due_date": "+20", "reason": "   "}, "Bitte begründen Sie die Fristverlängerung."),
        ({"new_due_date": "", "reason": "x"}, "Bitte geben Sie das neue Fälligkeitsdatum an."),
        ({"new_due_date": "31.02.2026", "reason": "x"}, "Bitte geben Sie ein gültiges Datum an"),
        ({"new_due_date": "+5", "reason": "x"}, "Die neue Frist muss nach der bisherigen liegen"),
        ({"new_due_date": "+2", "reason": "x"}, "Die neue Frist muss nach der bisherigen liegen"),
        ({"new_due_date": "+20", "reason": "x" * 2001}, "höchstens 2000 Zeichen"),
        ({"new_due_date": "+20", "reason": "a\x00b"}, "Null"),
    ],
)
def test_bad_input_is_refused_with_a_german_message(world, deadlines, client_for, data, message):
    deadline = deadlines["own"]  # due in 5 days
    if data["new_due_date"].startswith("+"):
        data = {**data, "new_due_date": in_days(int(data["new_due_date"]))}
    response = client_for(world.users["management"]).post(extend_url(deadline), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="frist-{deadline.pk}"' in html
    assert "<details open>" in html  # the refused form stays open, with the input kept
    assert 'aria-invalid="true"' in html
    assert " autofocus" in html
    if data["reason"].strip() and "\x00" not in data["reason"] and len(data["reason"]) < 100:
        assert f">{data['reason']}</textarea>" in html
    assert not DeadlineExtension.objects.exists()
    assert Deadline.objects.get(pk=deadline.pk).due_at == deadline.due_at


def test_a_new_date_must_lie_in_the_future(world, deadlines, client_for):
    # The decision was due yesterday; moving it to today's start would still be past.
    overdue = deadlines["decide"]
    Deadline.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(days=3))
    response = client_for(world.users["management"]).post(
        extend_url(overdue), {"new_due_date": in_days(-1), "reason": "zu spät"}
    )
    assert response.status_code == 400
    assert "Die neue Frist muss in der Zukunft liegen." in response.content.decode()
    assert not DeadlineExtension.objects.exists()


def test_a_done_deadline_cannot_be_extended(world, deadlines, client_for):
    response = client_for(world.users["management"]).post(
        extend_url(deadlines["done"]), {"new_due_date": in_days(30), "reason": "x"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "kann nicht mehr verlängert werden" in html
    assert 'role="alert"' in html
    assert not DeadlineExtension.objects.exists()


@pytest.mark.parametrize(
    "role", [r for r in ROLES if r not in ("management", "external_stakeholder")]
)
def test_only_management_may_extend(world, deadlines, client_for, role):
    deadline = deadlines["own"]
    response = client_for(world.users[role]).post(
        extend_url(deadline), {"new_due_date": in_days(20), "reason": "x"}
    )
    assert response.status_code == 403
    assert not DeadlineExtension.objects.exists()
    assert Deadline.objects.get(pk=deadline.pk).due_at == deadline.due_at


def test_extending_is_post_only_and_body_scoped(world, deadlines, client_for):
    client = client_for(world.users["management"])
    assert client.get(extend_url(deadlines["own"])).status_code == 405
    response = client.post(
        extend_url(deadlines["foreign"]), {"new_due_date": in_days(60), "reason": "x"}
    )
    assert response.status_code == 404
    assert client.post("/fristen/999999/verlaengern/", {"reason": "x"}).status_code == 404
    assert not DeadlineExtension.objects.exists()
    external = client_for(world.users["external_stakeholder"])
    assert external.post(extend_url(deadlines["own"]), {"reason": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["management", "strategy_unit"])
def test_query_count_is_constant(world, client_for, role):
    Deadline.objects.all().delete()
    management = world.users["management"]
    client = client_for(world.users[role])
    reviews = [review_of(world, i) for i in range(3)]
    pairs = [(review, kind) for review in reviews for kind in TaskKind]

    def queries() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    def add(review, kind) -> None:
        deadline = DeadlineFactory(review=review, kind=kind)
        for days in (40, 50):
            deadline_extend(
                acting_user=management,
                deadline=deadline,
                new_due_at=end_of_day(timezone.localdate() + dt.timedelta(days=days)),
                reason=f"Grund {days}",
            )

    add(*pairs[0])
    few = queries()
    for review, kind in pairs[1:]:
        add(review, kind)
    assert DeadlineExtension.objects.count() == 2 * len(pairs)
    many = queries()
    print(f"deadlines page queries as {role}: 1 deadline {few}, {len(pairs)} deadlines {many}")
    assert few == many
