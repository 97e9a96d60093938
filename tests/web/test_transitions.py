"""Firing transitions through POST /uebergang/<model>/<id>/."""

from __future__ import annotations

from django.contrib.messages import get_messages

from planning_cycle.models import Phase, PlanningCycle
from tests.support.web import review_of
from workflows.models import DepartmentReview, OutboxMessage, ReviewState, TransitionLog

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(obj_slug: str, pk: int) -> str:
    return f"/uebergang/{obj_slug}/{pk}/"


def state(review: DepartmentReview) -> str:
    return DepartmentReview.objects.get(pk=review.pk).state


def post(client, review, transition, comment="", expected=None, **extra):
    data = {
        "transition": transition,
        "comment": comment,
        "next": f"/zielbilanzierungen/{review.pk}/",
    }
    if expected is not None:
        data["expected_state"] = expected
    return client.post(url("zielbilanzierung", review.pk), data, **extra)


def test_review_round_trip_with_history(world, client_for):
    """Head submits, management returns (comment required), head resubmits, management accepts."""
    review = review_of(world)
    head = client_for(world.users["department_head"])
    management = client_for(world.users["management"])

    response = post(head, review, "submit", expected="draft")
    assert response.status_code == 302
    assert response["Location"] == f"/zielbilanzierungen/{review.pk}/"
    assert state(review) == ReviewState.SUBMITTED
    page = head.get(response["Location"]).content.decode()
    assert "„Einreichen“ ausgeführt" in page

    response = post(management, review, "return_", comment="", expected="submitted")
    assert response.status_code == 302
    messages = [m.message for m in get_messages(response.wsgi_request)]
    assert messages == ["Für „Zurückgeben“ ist ein Kommentar erforderlich."]
    assert state(review) == ReviewState.SUBMITTED
    assert TransitionLog.objects.count() == 1

    # The same through htmx: the panel with the error, status 400, the typed text kept.
    response = post(management, review, "return_", comment="  ", expected="submitted", **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Für „Zurückgeben“ ist ein Kommentar erforderlich." in html
    assert 'role="alert"' in html
    assert f'id="ablauf-zielbilanzierung-{review.pk}"' in html
    assert "<html" not in html
    assert state(review) == ReviewState.SUBMITTED

    response = post(
        management, review, "return_", comment="Kennzahlen 2025 fehlen.", expected="submitted"
    )
    assert response.status_code == 302
    assert state(review) == ReviewState.RETURNED

    response = post(head, review, "submit", expected="returned", **HTMX)
    assert response.status_code == 200
    assert "„Einreichen“ ausgeführt" in response.content.decode()
    assert state(review) == ReviewState.SUBMITTED

    response = post(management, review, "accept", expected="submitted")
    assert response.status_code == 302
    assert state(review) == ReviewState.ACCEPTED

    html = head.get(f"/zielbilanzierungen/{review.pk}/").content.decode()
    history = html[html.index("Verlauf") :]
    head_name = str(world.users["department_head"])
    management_name = str(world.users["management"])
    rows = history.split('<tr class="kern-table__row">')[2:]
    assert len(rows) == 4
    expected = [
        ("Einreichen", "Entwurf → eingereicht", head_name),
        ("Zurückgeben", "eingereicht → zurückgegeben", management_name),
        ("Einreichen", "zurückgegeben → eingereicht", head_name),
        ("Annehmen", "eingereicht → angenommen", management_name),
    ]
    for row, (step, states, actor) in zip(rows, expected, strict=True):
        assert step in row and states in row and actor in row
    assert "Kennzahlen 2025 fehlen." in rows[1]
    assert OutboxMessage.objects.count() == 4


def test_stale_expected_state_is_a_conflict(world, client_for):
    review = review_of(world)
    head = client_for(world.users["department_head"])
    management = client_for(world.users["management"])
    post(head, review, "submit", expected="draft")
    # A second tab of the head still shows "draft".
    response = post(head, review, "submit", expected="draft", **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "„Einreichen“ ist nicht mehr möglich" in html
    assert "Bitte laden Sie die Seite neu." in html
    assert state(review) == ReviewState.SUBMITTED
    assert TransitionLog.objects.count() == 1

    # Management accepts, a second manager still sees "submitted" and tries to return it.
    post(management, review, "accept", expected="submitted")
    response = post(management, review, "return_", comment="zu spät", expected="submitted")
    assert response.status_code == 302
    message = [m.message for m in get_messages(response.wsgi_request)][-1]
    assert "„Zurückgeben“ ist nicht mehr möglich" in message
    assert "„angenommen“" in message
    assert state(review) == ReviewState.ACCEPTED
    assert TransitionLog.objects.count() == 2


def test_without_permission_nothing_changes(world, client_for):
    review = review_of(world)
    for role in ("department_editor", "management"):
        response = post(client_for(world.users[role]), review, "submit", expected="draft", **HTMX)
        assert response.status_code == 403, role
        assert "Sie dürfen „Einreichen“ hier nicht ausführen." in response.content.decode()
    # Who may not see the draft is told nothing about it (tests/api/test_visibility.py).
    for role in ("council_member", "other_department_head"):
        response = post(client_for(world.users[role]), review, "submit", expected="draft", **HTMX)
        assert response.status_code == 404, role
    assert state(review) == ReviewState.DRAFT
    assert not TransitionLog.objects.exists()


def test_external_stakeholder_may_not_post(world, client_for):
    review = review_of(world)
    response = post(client_for(world.users["external_stakeholder"]), review, "submit")
    assert response.status_code == 403
    assert state(review) == ReviewState.DRAFT


def test_unknown_transition_model_and_method(world, client_for):
    review = review_of(world)
    head = client_for(world.users["department_head"])
    response = post(head, review, "explode", **HTMX)
    assert response.status_code == 404
    assert "Unbekannter Schritt „explode“." in response.content.decode()
    assert head.post(url("gibtsnicht", review.pk), {"transition": "submit"}).status_code == 404
    assert head.get(url("zielbilanzierung", review.pk)).status_code == 405
    response = head.post(url("zielbilanzierung", review.pk), {}, **HTMX)
    assert response.status_code == 400
    assert state(review) == ReviewState.DRAFT


def test_blocked_by_condition(world, client_for):
    from workflows.models import DepartmentPlan

    plan = DepartmentPlan.objects.get(cycle=world.cycle, department=world.department)
    head = client_for(world.users["department_head"])
    response = head.post(url("planung", plan.pk), {"transition": "submit"}, **HTMX)
    assert response.status_code == 422
    assert "Nur in der Phase" in response.content.decode()


def test_foreign_next_url_is_ignored(world, client_for):
    review = review_of(world)
    head = client_for(world.users["department_head"])
    response = head.post(
        url("zielbilanzierung", review.pk),
        {"transition": "submit", "next": "https://example.org/phish"},
    )
    assert response["Location"] == f"/zielbilanzierungen/{review.pk}/"


def test_management_closes_goal_review_only_with_reason(world, client_for):
    management = client_for(world.users["management"])
    cycle_url = url("zyklus", world.cycle.pk)
    data = {"transition": "to_framework", "expected_state": "goal_review"}
    response = management.post(cycle_url, data, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "3 von 3 Fachdiensten fehlen" in html
    assert "Sie können mit Begründung trotzdem abschließen." in html
    assert PlanningCycle.objects.get().phase == Phase.GOAL_REVIEW

    reason = "Der Kreistag tagt früher; fehlende Bilanzen werden nachgereicht."
    response = management.post(
        cycle_url, {**data, "override_reason": reason, "next": f"/zyklen/{world.cycle.pk}/"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/zyklen/{world.cycle.pk}/"
    assert PlanningCycle.objects.get().phase == Phase.FRAMEWORK
    html = management.get(f"/zyklen/{world.cycle.pk}/").content.decode()
    assert "„Zielbilanzierung abschließen“ ausgeführt" in html
    assert reason in html
    assert "Rahmenvorgaben veröffentlichen" in html


def test_strategy_unit_may_not_override(world, client_for):
    strategy = client_for(world.users["strategy_unit"])
    response = strategy.post(
        url("zyklus", world.cycle.pk),
        {"transition": "to_framework", "override_reason": "bitte"},
        **HTMX,
    )
    assert response.status_code == 403
    assert PlanningCycle.objects.get().phase == Phase.GOAL_REVIEW
