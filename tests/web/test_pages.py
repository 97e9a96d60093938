"""Every page renders for every role and shows only what the role may see."""

from __future__ import annotations

import pytest

from tests.support.web import ROLES, review_of
from workflows.models import DepartmentPlan, DepartmentReview

OWN_SECRET = "BILANZ-EIGEN-FD31"
OTHER_SECRET = "BILANZ-FREMD-FD32"


# Pages of drafts: a role that may not see a draft gets a 404 there.
DRAFT_PAGES = {"review", "other_review", "plan", "agreement", "other_agreement"}


@pytest.fixture
def pages(world, catalog):
    """The URLs of every page, with review summaries to look for."""
    DepartmentReview.objects.filter(pk=review_of(world, 0).pk).update(summary=OWN_SECRET)
    DepartmentReview.objects.filter(pk=review_of(world, 1).pk).update(summary=OTHER_SECRET)
    review = review_of(world, 0)
    plan = DepartmentPlan.objects.get(cycle=world.cycle, department=world.department)
    return {
        "home": "/",
        "overview": f"/zyklen/{world.cycle.pk}/",
        "department": f"/einheiten/{world.department.pk}/?zyklus={world.cycle.pk}",
        "department_default_cycle": f"/einheiten/{world.departments[1].pk}/",
        "review": f"/zielbilanzierungen/{review.pk}/",
        "other_review": f"/zielbilanzierungen/{review_of(world, 1).pk}/",
        "plan": f"/planungen/{plan.pk}/",
        "agreement": f"/zielvereinbarungen/{catalog['own'].pk}/",
        "other_agreement": f"/zielvereinbarungen/{catalog['other'].pk}/",
        "catalog": "/ziele/",
        "operative_goal": f"/ziele/operativ/{catalog['ogoal'].pk}/",
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_every_role(world, pages, client_for, role):
    client = client_for(world.users[role])
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code == 404 and name in DRAFT_PAGES:
            continue  # a draft this role may not see (test_drafts_only_for_those_who_may_see_them)
        assert response.status_code == 200, (role, name)
        html = response.content.decode()
        assert html.count("<h1") == 1, (role, name)
        assert '<html lang="de">' in html
        assert 'href="#inhalt"' in html
        if role == "external_stakeholder":
            assert "Beteiligungsrunde" in html, name
            assert "Zielbilanzierung" not in html, name
            assert "Ganztag" not in html, name


def test_anonymous_is_sent_to_login(world, pages, client):
    for url in pages.values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/anmelden/")


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("management", True, True),
        ("strategy_unit", True, True),
        ("department_head", True, False),
        ("department_editor", True, False),
        ("other_department_head", False, True),
        ("committee_secretary", False, False),
        ("council_member", False, False),
    ],
)
def test_drafts_only_for_those_who_may_see_them(world, pages, client_for, role, own, other):
    client = client_for(world.users[role])
    # A draft the role may not see does not exist for it: 404, as in the API.
    for url, secret, visible in (
        (pages["review"], OWN_SECRET, own),
        (pages["other_review"], OTHER_SECRET, other),
        (pages["agreement"], "GEHEIM-EIGEN", own),
        (pages["other_agreement"], "GEHEIM-FREMD", other),
    ):
        response = client.get(url)
        assert response.status_code == (200 if visible else 404), (role, url)
        assert (secret in response.content.decode()) is visible, (role, url)
    overview = client.get(pages["overview"]).content.decode()
    # FD 31's and FD 32's review and plan: masked where the role may not see drafts.
    masked = overview.count("Entwurf (nicht freigegeben)")
    assert masked == 2 * (not own) + 2 * (not other) + 2 * (
        role not in ("management", "strategy_unit")
    ), role


def test_submitted_review_is_visible_to_council_members(world, pages, client_for):
    from workflows.services.transitions import transition_fire

    head = world.users["department_head"]
    transition_fire(acting_user=head, obj=review_of(world), transition="submit")
    html = client_for(world.users["council_member"]).get(pages["review"]).content.decode()
    assert OWN_SECRET in html
    assert "eingereicht" in html
    assert "Einreichen" in html  # the history's step label
    assert 'name="transition"' not in html  # but no buttons


@pytest.mark.parametrize(
    ("role", "buttons"),
    [
        ("department_head", {"submit"}),
        ("department_editor", set()),
        ("management", set()),
        ("council_member", set()),
        ("other_department_head", set()),
    ],
)
def test_review_buttons_per_role(world, pages, client_for, role, buttons):
    html = client_for(world.users[role]).get(pages["review"]).content.decode()
    shown = {name for name in ("submit", "return_", "accept") if f'value="{name}"' in html}
    assert shown == buttons


def test_management_decides_a_submitted_review(world, pages, client_for):
    from workflows.services.transitions import transition_fire

    transition_fire(
        acting_user=world.users["department_head"], obj=review_of(world), transition="submit"
    )
    html = client_for(world.users["management"]).get(pages["review"]).content.decode()
    assert 'value="return_"' in html and 'value="accept"' in html
    assert "Pflichtfeld für: Zurückgeben" in html


def test_overview_shows_departments_calendar_and_blockers(world, pages, client_for):
    html = client_for(world.users["council_member"]).get(pages["overview"]).content.decode()
    for department in world.departments:
        assert department.code in html
    assert "30. April 2026" in html
    assert "Phasenkalender" in html
    assert "3 von 3 Fachdiensten fehlen: FD 31, FD 32, FD 33" in html
    assert 'value="to_framework"' not in html


def test_overview_offers_management_the_override(world, pages, client_for):
    html = client_for(world.users["management"]).get(pages["overview"]).content.decode()
    assert 'value="to_framework"' in html
    assert 'name="override_reason"' in html
    assert "3 von 3 Fachdiensten fehlen" in html


def test_strategy_unit_may_not_move_the_cycle(world, pages, client_for):
    html = client_for(world.users["strategy_unit"]).get(pages["overview"]).content.decode()
    assert 'value="to_framework"' not in html
    assert "3 von 3 Fachdiensten fehlen" in html


def test_catalog_shows_the_hierarchy(world, pages, client_for):
    html = client_for(world.users["council_member"]).get(pages["catalog"]).content.decode()
    for text in (
        "Bildung und Teilhabe",
        "Gute Bildung für alle",
        "Ganztagsangebote an Grundschulen ausbauen",
        "Raumkonzept für Ganztag erstellen",
        "Ganztagsquote",
        "48,5",
        "2026: ≥\u00a060\u00a0%",
        "2.1.1 Schulträgeraufgaben",
    ):
        assert text in html, text


def test_operative_goal_lists_agreements_per_cycle(world, pages, client_for):
    html = client_for(world.users["council_member"]).get(pages["operative_goal"]).content.decode()
    assert "Planungszyklus 2026" in html
    assert "FD 31 Fachdienst 31" in html and "FD 32 Fachdienst 32" in html
    assert html.count("Entwurf (nicht freigegeben)") == 2
    assert "125.000" in html
    html = client_for(world.users["department_head"]).get(pages["operative_goal"]).content.decode()
    assert html.count("Entwurf (nicht freigegeben)") == 1
    assert "vorgeschlagen" in html


def test_department_page_shows_review_plan_and_agreements(world, pages, client_for):
    html = client_for(world.users["department_head"]).get(pages["department"]).content.decode()
    assert "Zielbilanzierung" in html and "Ziel- und Haushaltsplanung" in html
    assert "Ganztagsangebote" in html
    # Submit the review now; the plan only in planning: blocked, with the reason.
    assert 'value="submit"' in html
    assert "Nur in der Phase „Ziel- und Haushaltsplanung“ möglich" in html


def test_department_page_with_unknown_cycle_is_404(world, client_for):
    client = client_for(world.users["management"])
    assert client.get(f"/einheiten/{world.department.pk}/?zyklus=999999").status_code == 404
    assert client.get(f"/einheiten/{world.department.pk}/?zyklus=abc").status_code == 404


def test_home_without_open_cycle(db, client_for):
    from tests.support.world import build_world
    from workflows.models import TransitionLog

    other = build_world(key="ohne-zyklus", departments=2)
    other.cycle.delete()
    assert not TransitionLog.objects.exists()
    html = client_for(other.users["management"]).get("/").content.decode()
    assert "Zurzeit läuft kein Planungszyklus." in html
