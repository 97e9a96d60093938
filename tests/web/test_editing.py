"""Editing through the pages: review text, KPI actuals, plan and agreement answers."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planning_cycle.models import Indicator, IndicatorValue, OperativeGoal, ValueKind
from tests.support.web import review_of
from tests.support.workflows import walk
from tests.support.world import build_world
from workflows.models import DepartmentPlan, DepartmentReview, GoalAgreement, TransitionLog


def stamp(html: str) -> str:
    match = re.search(r'name="expected_updated_at" value="([^"]*)"', html)
    assert match, "no edit form"
    return match.group(1)


def actual(indicator: Indicator, year: int = 2025) -> Decimal | None:
    return (
        IndicatorValue.objects.filter(indicator=indicator, year=year, kind=ValueKind.ACTUAL)
        .values_list("value", flat=True)
        .first()
    )


@pytest.fixture
def indicator(catalog) -> Indicator:
    return Indicator.objects.get(key="k1")


def test_editor_writes_review_and_actual_then_head_submits(world, catalog, indicator, client_for):
    review = review_of(world)
    url = f"/zielbilanzierungen/{review.pk}/"
    editor = client_for(world.users["department_editor"])
    html = editor.get(url).content.decode()
    assert f'action="/zielbilanzierungen/{review.pk}/bearbeiten/"' in html
    assert 'for="id_summary"' in html and 'aria-describedby="id_summary-hint"' in html
    # The indicator of the department's goal, with baseline and target, for 2025.
    assert "Ganztagsquote" in html and "Kennzahlen 2025" in html
    assert f'for="istwert-{indicator.pk}"' in html

    response = editor.post(
        f"{url}bearbeiten/",
        {"summary": "Wir haben 12 Gruppen eröffnet.", "expected_updated_at": stamp(html)},
    )
    assert response.status_code == 302 and response["Location"] == url
    page = editor.get(url).content.decode()
    assert "Die Zielbilanzierung wurde gespeichert." in page
    assert "Wir haben 12 Gruppen eröffnet." in page

    response = editor.post(f"{url}kennzahlen/{indicator.pk}/", {"value": "52,75"})
    assert response.status_code == 302
    assert actual(indicator) == Decimal("52.75")
    page = editor.get(url).content.decode()
    assert "Istwert 2025 für „Ganztagsquote“ gespeichert." in page
    assert 'value="52,75"' in page
    logs = TransitionLog.objects.count()
    assert logs == 0

    head = client_for(world.users["department_head"])
    response = head.post(
        f"/uebergang/zielbilanzierung/{review.pk}/",
        {"transition": "submit", "expected_state": "draft"},
    )
    assert response.status_code == 302
    assert DepartmentReview.objects.get(pk=review.pk).state == "submitted"

    # Now the editor sees the text read-only, with why, and cannot write any more.
    page = editor.get(url).content.decode()
    message = "Die Zielbilanzierung ist eingereicht und kann nicht mehr bearbeitet werden."
    assert message in page
    assert 'name="summary"' not in page and 'name="value"' not in page
    response = editor.post(
        f"{url}bearbeiten/", {"summary": "Nachträglich geändert", "expected_updated_at": ""}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert message in html
    assert "Nachträglich geändert" in html  # the input is not lost
    response = editor.post(f"{url}kennzahlen/{indicator.pk}/", {"value": "99"})
    assert response.status_code == 409
    assert message in response.content.decode()
    fresh = DepartmentReview.objects.get(pk=review.pk)
    assert fresh.summary == "Wir haben 12 Gruppen eröffnet."
    assert actual(indicator) == Decimal("52.75")


def test_invalid_value_is_shown_at_the_field_with_the_input(world, catalog, indicator, client_for):
    review = review_of(world)
    client = client_for(world.users["department_editor"])
    response = client.post(
        f"/zielbilanzierungen/{review.pk}/kennzahlen/{indicator.pk}/", {"value": "1,23456"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="1,23456"' in html
    assert f'aria-describedby="istwert-{indicator.pk}-error"' in html
    assert f'id="istwert-{indicator.pk}-error"' in html
    assert "Bitte geben Sie höchstens 4 Nachkommastellen ein." in html
    assert html.count("<h1") == 1
    assert actual(indicator) is None

    response = client.post(
        f"/zielbilanzierungen/{review.pk}/kennzahlen/{indicator.pk}/", {"value": "viel"}
    )
    assert response.status_code == 400
    assert "Bitte geben Sie eine Zahl ein" in response.content.decode()


def test_too_long_text_is_shown_at_the_field(world, client_for):
    review = review_of(world)
    client = client_for(world.users["department_head"])
    text = "x" * 20_001
    response = client.post(f"/zielbilanzierungen/{review.pk}/bearbeiten/", {"summary": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="id_summary-hint id_summary-error"' in html
    assert 'id="id_summary-error"' in html and "höchstens 20.000 Zeichen" in html
    assert text in html
    assert DepartmentReview.objects.get(pk=review.pk).summary == ""


def test_stale_stamp_is_409_and_writes_nothing(world, client_for):
    review = review_of(world)
    url = f"/zielbilanzierungen/{review.pk}/"
    editor = client_for(world.users["department_editor"])
    head = client_for(world.users["department_head"])
    seen_by_editor = stamp(editor.get(url).content.decode())
    response = head.post(
        f"{url}bearbeiten/",
        {
            "summary": "Fassung der Leitung",
            "expected_updated_at": stamp(head.get(url).content.decode()),
        },
    )
    assert response.status_code == 302
    response = editor.post(
        f"{url}bearbeiten/",
        {"summary": "Fassung der Sachbearbeitung", "expected_updated_at": seen_by_editor},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "inzwischen von jemand anderem geändert" in html
    assert "Fassung der Sachbearbeitung" in html  # the editor's input is kept
    assert "Fassung der Leitung" in html  # beside the stored version
    assert DepartmentReview.objects.get(pk=review.pk).summary == "Fassung der Leitung"
    # The re-rendered form carries the current stamp: saving again is a deliberate overwrite.
    response = editor.post(
        f"{url}bearbeiten/",
        {"summary": "Fassung der Sachbearbeitung", "expected_updated_at": stamp(html)},
    )
    assert response.status_code == 302
    assert DepartmentReview.objects.get(pk=review.pk).summary == "Fassung der Sachbearbeitung"


def test_other_body_is_404(world, catalog, indicator, client_for):
    other = build_world(key="andere-kommune")
    stranger = client_for(other.users["department_head"])
    review = review_of(world)
    plan = DepartmentPlan.objects.get(cycle=world.cycle, department=world.department)
    for url, data in (
        (f"/zielbilanzierungen/{review.pk}/bearbeiten/", {"summary": "fremd"}),
        (f"/zielbilanzierungen/{review.pk}/kennzahlen/{indicator.pk}/", {"value": "1"}),
        (f"/planungen/{plan.pk}/bearbeiten/", {"summary": "fremd"}),
        (f"/zielvereinbarungen/{catalog['own'].pk}/bearbeiten/", {"balance": "fremd"}),
    ):
        assert stranger.post(url, data).status_code == 404, url
    # Own review, but another body's indicator in the URL: not found either.
    own_review = review_of(other)
    url = f"/zielbilanzierungen/{own_review.pk}/kennzahlen/{indicator.pk}/"
    assert stranger.post(url, {"value": "1"}).status_code == 404
    assert DepartmentReview.objects.get(pk=review.pk).summary == ""
    assert actual(indicator) is None


def test_an_indicator_of_another_department_is_404(world, catalog, indicator, client_for):
    review = review_of(world, 1)
    client = client_for(world.users["other_department_head"])
    url = f"/zielbilanzierungen/{review.pk}/kennzahlen/{indicator.pk}/"
    assert client.post(url, {"value": "1"}).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    # Management sees the draft but may not edit it; for the others the draft does not
    # exist (the access gate: 404, as in the API).
    [("management", 403), ("council_member", 404), ("other_department_head", 404)],
)
def test_others_see_no_form_and_are_refused(world, catalog, client_for, role, status):
    review = review_of(world)
    client = client_for(world.users[role])
    page = client.get(f"/zielbilanzierungen/{review.pk}/")
    assert page.status_code == (200 if status == 403 else 404)
    assert 'name="summary"' not in page.content.decode()
    response = client.post(f"/zielbilanzierungen/{review.pk}/bearbeiten/", {"summary": "x"})
    assert response.status_code == status
    if status == 403:
        assert "Sie dürfen diesen Inhalt nicht bearbeiten." in response.content.decode()
    assert DepartmentReview.objects.get(pk=review.pk).summary == ""


def test_get_on_edit_urls_is_not_allowed(world, catalog, indicator, client_for):
    review = review_of(world)
    client = client_for(world.users["department_head"])
    assert client.get(f"/zielbilanzierungen/{review.pk}/bearbeiten/").status_code == 405
    url = f"/zielbilanzierungen/{review.pk}/kennzahlen/{indicator.pk}/"
    assert client.get(url).status_code == 405


def test_plan_edit(world, client_for):
    walk(world.cycle, "planning", world.users)
    plan = DepartmentPlan.objects.get(cycle=world.cycle, department=world.department)
    url = f"/planungen/{plan.pk}/"
    client = client_for(world.users["department_editor"])
    html = client.get(url).content.decode()
    response = client.post(
        f"{url}bearbeiten/", {"summary": "Drei neue Ziele", "expected_updated_at": stamp(html)}
    )
    assert response.status_code == 302
    assert DepartmentPlan.objects.get(pk=plan.pk).summary == "Drei neue Ziele"
    assert "Die Ziel- und Haushaltsplanung wurde gespeichert." in client.get(url).content.decode()


def test_agreement_edit(world, catalog, client_for):
    agreement = catalog["own"]
    url = f"/zielvereinbarungen/{agreement.pk}/"
    client = client_for(world.users["department_head"])
    html = client.get(url).content.decode()
    for name in ("balance", "effects", "programmes", "processes", "resources"):
        assert f'for="id_{name}"' in html
    answers = {
        "balance": "Bilanz",
        "effects": "Wirkungen",
        "programmes": "Programme",
        "processes": "Prozesse",
        "resources": "Ressourcen",
    }
    response = client.post(f"{url}bearbeiten/", {**answers, "expected_updated_at": stamp(html)})
    assert response.status_code == 302
    fresh = GoalAgreement.objects.get(pk=agreement.pk)
    assert [getattr(fresh, name) for name in answers] == list(answers.values())


def test_english_messages(world, catalog, indicator, client_for, english_messages):
    review = review_of(world)
    client = client_for(world.users["department_editor"])
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    html = client.get(f"/zielbilanzierungen/{review.pk}/").content.decode()
    assert "Indicators 2025" in html and "Save" in html
    response = client.post(
        f"/zielbilanzierungen/{review.pk}/kennzahlen/{indicator.pk}/", {"value": "many"}
    )
    assert "Please enter a number" in response.content.decode()
    response = client.post(
        f"/zielbilanzierungen/{review.pk}/kennzahlen/{indicator.pk}/", {"value": "3.5"}
    )
    assert response.status_code == 302
    assert actual(indicator) == Decimal("3.5")


def add_indicators(world, count: int, start: int) -> None:
    goal = OperativeGoal.objects.get(key="1.1", body=world.body)
    for i in range(start, start + count):
        indicator = Indicator.objects.create(
            body=world.body, key=f"q{i:03}", name=f"Kennzahl {i}", unit="%", operative_goal=goal
        )
        for kind, year in (
            ("baseline", 2020),
            ("target", 2025),
            ("actual", 2025),
            ("target", 2026),
        ):
            IndicatorValue.objects.create(
                body=world.body, indicator=indicator, year=year, kind=kind, value=i
            )


def review_page_queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["department_editor", "management"])
def test_review_page_query_count_does_not_grow_with_indicators(world, catalog, client_for, role):
    review = review_of(world)
    url = f"/zielbilanzierungen/{review.pk}/"
    client = client_for(world.users[role])
    Indicator.objects.filter(key="k1").delete()
    add_indicators(world, 2, start=1)
    few = review_page_queries(client, url)
    add_indicators(world, 18, start=3)
    many = review_page_queries(client, url)
    html = client.get(url).content.decode()
    assert html.count('scope="row"') >= 20
    print(f"review page queries as {role}: 2 indicators {few}, 20 indicators {many}")
    assert few == many
