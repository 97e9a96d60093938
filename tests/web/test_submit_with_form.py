"""Submitting from the page saves what the edit form holds, or keeps it (issue 9, item 7).

"Einreichen" used to be a button of its own form: what was typed but not saved was lost,
and an empty agreement could be submitted. Now the edit form submits: saving and the
transition happen in one transaction, and a refusal re-renders the form with the input.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from planning_cycle.models import Phase
from tests.support.web import review_of
from tests.support.workflows import walk
from tests.support.world import World
from workflows.models import DepartmentReview, GoalAgreement, TransitionLog

HTMX = {"HTTP_HX_REQUEST": "true"}
SUBMIT_IN_FORM = 'name="action" value="submit"'
SUBMIT_IN_PANEL = 'name="transition" value="submit"'
ANSWERS = {
    "balance": "",
    "effects": "Mehr Ganztagsplätze an Grundschulen",
    "programmes": "Ausbauprogramm Ganztag",
    "processes": "Gemeinsame Planung mit den Schulträgern",
    "resources": "1,5 Stellen; 400.000 EUR",
}


def stamp(html: str) -> str:
    match = re.search(r'name="expected_updated_at" value="([^"]*)"', html)
    assert match, "no edit form"
    return match.group(1)


def agreement_url(item: GoalAgreement) -> str:
    return f"/zielvereinbarungen/{item.pk}/"


@pytest.fixture
def empty_agreement(world: World, catalog: dict[str, object]) -> GoalAgreement:
    item = catalog["own"]
    assert isinstance(item, GoalAgreement)
    GoalAgreement.objects.filter(pk=item.pk).update(effects="")
    return GoalAgreement.objects.get(pk=item.pk)


def test_the_head_saves_and_submits_the_typed_answers_at_once(
    world: World, empty_agreement: GoalAgreement, client_for
) -> None:
    url = agreement_url(empty_agreement)
    head: Client = client_for(world.users["department_head"])
    html = head.get(url).content.decode()
    # The submit belongs to the edit form; the panel has no separate one that loses input.
    assert SUBMIT_IN_FORM in html and SUBMIT_IN_PANEL not in html
    assert 'name="transition" value="withdraw"' in html
    assert html.count("(zum Einreichen erforderlich)") == 4
    # What the stored (empty) version lacks, next to the button.
    assert 'id="bearbeiten-einreichen-hint"' in html and "Zum Einreichen fehlen" in html

    response = head.post(
        f"{url}bearbeiten/",
        {
            **ANSWERS,
            "expected_updated_at": stamp(html),
            "expected_state": "proposed",
            "comment": "Mit dem Schulamt abgestimmt",
            "action": "submit",
        },
    )

    assert response.status_code == 302 and response["Location"] == url
    stored = GoalAgreement.objects.get(pk=empty_agreement.pk)
    assert stored.state == "submitted"
    assert {name: getattr(stored, name) for name in ANSWERS} == ANSWERS
    (log,) = TransitionLog.objects.all()
    assert (log.transition, log.comment) == ("submit", "Mit dem Schulamt abgestimmt")
    page = head.get(url).content.decode()
    assert "Gespeichert und eingereicht" in page and "eingereicht" in page


def test_a_refused_submit_keeps_the_typed_text_and_saves_nothing(
    world: World, empty_agreement: GoalAgreement, client_for
) -> None:
    url = agreement_url(empty_agreement)
    head: Client = client_for(world.users["department_head"])
    html = head.get(url).content.decode()
    typed = {**ANSWERS, "effects": "Ungespeicherte Wirkung", "resources": "  "}

    response = head.post(
        f"{url}bearbeiten/",
        {
            **typed,
            "expected_updated_at": stamp(html),
            "expected_state": "proposed",
            "comment": "Bitte prüfen",
            "action": "submit",
        },
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Nicht eingereicht und nicht gespeichert" in page
    assert "„Was müssen wir dafür einsetzen? (Geld, Personal)“" in page
    assert page.count("Zum Einreichen erforderlich.") == 1  # at the one missing answer
    assert 'id="bearbeiten-einreichen-hint"' not in page  # no hint about the stored version
    assert 'aria-invalid="true"' in page
    # Every typed text is back in the form, the comment too.
    for text in ("Ungespeicherte Wirkung", "Ausbauprogramm Ganztag", "Bitte prüfen"):
        assert text in page
    stored = GoalAgreement.objects.get(pk=empty_agreement.pk)
    assert stored.state == "proposed"
    assert (stored.effects, stored.programmes) == ("", "")
    assert not TransitionLog.objects.exists()


def test_saving_alone_still_saves_without_submitting(
    world: World, empty_agreement: GoalAgreement, client_for
) -> None:
    url = agreement_url(empty_agreement)
    head: Client = client_for(world.users["department_head"])
    html = head.get(url).content.decode()

    response = head.post(
        f"{url}bearbeiten/",
        {"effects": "Nur gespeichert", "expected_updated_at": stamp(html), "action": "save"},
    )

    assert response.status_code == 302
    stored = GoalAgreement.objects.get(pk=empty_agreement.pk)
    assert (stored.state, stored.effects) == ("proposed", "Nur gespeichert")


def test_a_submit_over_a_concurrent_edit_keeps_both_versions(
    world: World, empty_agreement: GoalAgreement, client_for
) -> None:
    url = agreement_url(empty_agreement)
    head: Client = client_for(world.users["department_head"])
    html = head.get(url).content.decode()
    editor: Client = client_for(world.users["department_editor"])
    editor_html = editor.get(url).content.decode()
    editor.post(
        f"{url}bearbeiten/",
        {"effects": "Fassung der Sachbearbeitung", "expected_updated_at": stamp(editor_html)},
    )

    response = head.post(
        f"{url}bearbeiten/",
        {**ANSWERS, "expected_updated_at": stamp(html), "action": "submit"},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Fassung der Sachbearbeitung" in page and ANSWERS["programmes"] in page
    assert GoalAgreement.objects.get(pk=empty_agreement.pk).state == "proposed"
    assert not TransitionLog.objects.exists()


def test_the_editor_prepares_and_is_told_who_submits(
    world: World, empty_agreement: GoalAgreement, client_for
) -> None:
    url = agreement_url(empty_agreement)
    editor: Client = client_for(world.users["department_editor"])
    html = editor.get(url).content.decode()
    assert SUBMIT_IN_FORM not in html and SUBMIT_IN_PANEL not in html
    assert "einreichen kann die Fachdienstleitung" in html

    # Sent anyway: refused, nothing saved, the input kept.
    response = editor.post(
        f"{url}bearbeiten/", {**ANSWERS, "expected_updated_at": stamp(html), "action": "submit"}
    )

    assert response.status_code == 403
    assert ANSWERS["processes"] in response.content.decode()
    stored = GoalAgreement.objects.get(pk=empty_agreement.pk)
    assert (stored.state, stored.programmes) == ("proposed", "")


def test_the_head_saves_and_submits_a_review_at_once(world: World, client_for) -> None:
    review = review_of(world)
    url = f"/zielbilanzierungen/{review.pk}/"
    head: Client = client_for(world.users["department_head"])
    html = head.get(url).content.decode()
    assert SUBMIT_IN_FORM in html and SUBMIT_IN_PANEL not in html

    response = head.post(
        f"{url}bearbeiten/",
        {
            "summary": "Zwölf neue Gruppen",
            "expected_updated_at": stamp(html),
            "expected_state": "draft",
            "action": "submit",
        },
    )

    assert response.status_code == 302
    stored = DepartmentReview.objects.get(pk=review.pk)
    assert (stored.state, stored.summary) == ("submitted", "Zwölf neue Gruppen")


def test_a_review_out_of_its_phase_offers_no_submit_but_says_why(world: World, client_for) -> None:
    review = review_of(world)
    walk(world.cycle, Phase.FRAMEWORK, world.users)
    url = f"/zielbilanzierungen/{review.pk}/"
    head: Client = client_for(world.users["department_head"])
    html = head.get(url).content.decode()
    assert SUBMIT_IN_FORM not in html and 'name="summary"' in html
    assert "„Einreichen“ ist zurzeit nicht möglich" in html
    assert "einreichen kann die Fachdienstleitung" not in html

    response = head.post(
        f"{url}bearbeiten/",
        {"summary": "Zu spät", "expected_updated_at": stamp(html), "action": "submit"},
    )
    assert response.status_code == 422
    assert "Zu spät" in response.content.decode()
    stored = DepartmentReview.objects.get(pk=review.pk)
    assert (stored.state, stored.summary) == ("draft", "")


def test_the_plan_is_saved_and_submitted_at_once(world: World, client_for) -> None:
    walk(world.cycle, Phase.PLANNING, world.users)
    plan = world.cycle.plans.get(department=world.department)
    url = f"/planungen/{plan.pk}/"
    head: Client = client_for(world.users["department_head"])
    html = head.get(url).content.decode()
    assert SUBMIT_IN_FORM in html

    response = head.post(
        f"{url}bearbeiten/",
        {"summary": "Plan 2027", "expected_updated_at": stamp(html), "action": "submit"},
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.state, plan.summary) == ("submitted", "Plan 2027")


def test_a_panel_swapped_in_by_htmx_keeps_the_submit_in_the_form(
    world: World, empty_agreement: GoalAgreement, client_for
) -> None:
    head: Client = client_for(world.users["department_head"])

    response = head.post(
        f"/uebergang/zielvereinbarung/{empty_agreement.pk}/",
        {"transition": "withdraw", "expected_state": "proposed", "submit_in_form": "1"},
        **HTMX,
    )

    assert response.status_code == 400  # withdrawing needs a comment
    panel = response.content.decode()
    assert 'name="transition" value="withdraw"' in panel
    assert SUBMIT_IN_PANEL not in panel
    assert 'name="submit_in_form" value="1"' in panel
