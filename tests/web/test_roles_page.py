"""Management's pages: the body's roles (assign, revoke) and a new planning cycle."""

from __future__ import annotations

import pytest
from guardian.shortcuts import get_perms

from planning_cycle.models import AuditAction, AuditEntry, PlanningCycle, Role, RoleAssignment
from tests.support.factories import UserFactory
from tests.support.world import World, build_world
from workflows.models import DepartmentReview

pytestmark = pytest.mark.django_db


@pytest.fixture
def management(world: World, client_for):
    return client_for(world.users["management"])


@pytest.fixture
def stranger(world: World) -> World:
    return build_world(key="anderswo", departments=2)


# --- the roles page -----------------------------------------------------------------------


def test_management_sees_the_body_s_people_and_their_roles(world: World, management, stranger):
    response = management.get("/rollen/")
    html = response.content.decode()
    assert response.status_code == 200
    head = world.users["department_head"]
    assert f'id="person-{head.pk}"' in html
    assert "Fachbereichs-/Fachdienstleitung \N{EN DASH} FD 31 Fachdienst 31" in html
    assert "Verwaltungsleitung \N{EN DASH} die ganze Kommune" in html
    assert stranger.users["management"].username not in html
    # Linked from the navigation, with the page marked as current.
    assert 'href="/rollen/" aria-current="page"' in html
    assert 'href="/zyklen/neu/"' in html


def test_management_assigns_a_department_role(world: World, management):
    user = UserFactory(body=world.body, first_name="Jana", last_name="Beispiel")
    response = management.post(
        "/rollen/",
        {"user": user.pk, "role": Role.DEPARTMENT_EDITOR, "department": world.departments[1].pk},
        follow=True,
    )
    assert response.redirect_chain == [("/rollen/", 302)]
    assert "Jana Beispiel hat jetzt die Rolle „Sachbearbeitung im Fachdienst“" in (
        response.content.decode()
    )
    assignment = RoleAssignment.objects.get(user=user)
    assert assignment.department == world.departments[1]
    assert "review_edit" in get_perms(user, world.departments[1])
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_ASSIGN, target__contains="Jana")
    assert entry.actor == world.users["management"]


def test_management_assigns_a_body_role(world: World, management):
    user = UserFactory(body=world.body)
    response = management.post("/rollen/", {"user": user.pk, "role": Role.STRATEGY_UNIT})
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=user).scope == world.body
    assert "view_drafts" in get_perms(user, world.body)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "management"}, "Bitte wählen Sie eine Person."),
        ({"user": "{user}"}, "Bitte wählen Sie eine Rolle."),
        ({"user": "{user}", "role": "mayor"}, "Bitte wählen Sie eine der angebotenen Rollen."),
        (
            {"user": "{user}", "role": "department_head"},
            "Die Rolle „Fachbereichs-/Fachdienstleitung“ braucht als Geltungsbereich: "
            "Organisationseinheit.",
        ),
        (
            {"user": "{user}", "role": "management", "department": "{department}"},
            "Die Rolle „Verwaltungsleitung“ gilt für die ganze Kommune.",
        ),
        ({"user": "abc", "role": "management"}, "Bitte wählen Sie eine der angebotenen Personen."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(world: World, management, data, message):
    user = UserFactory(body=world.body)
    filled = {k: v.format(user=user.pk, department=world.department.pk) for k, v in data.items()}
    response = management.post("/rollen/", filled)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_another_body_s_user_or_department_is_not_found(world: World, management, stranger):
    outsider = stranger.users["council_member"]
    response = management.post("/rollen/", {"user": outsider.pk, "role": Role.MANAGEMENT})
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user=outsider, role=Role.MANAGEMENT).exists()
    user = UserFactory(body=world.body)
    response = management.post(
        "/rollen/",
        {"user": user.pk, "role": Role.DEPARTMENT_HEAD, "department": stranger.department.pk},
    )
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_management_revokes_after_confirming(world: World, management):
    editor = world.users["department_editor"]
    assignment = RoleAssignment.objects.get(user=editor)
    url = f"/rollen/{assignment.pk}/entziehen/"

    confirm = management.get(url)
    assert confirm.status_code == 200
    assert "Soll" in confirm.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()  # GET changes nothing

    response = management.post(url, follow=True)
    assert response.redirect_chain == [("/rollen/", 302)]
    assert "nicht mehr" in response.content.decode()
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert get_perms(editor, world.department) == []
    assert AuditEntry.objects.filter(action=AuditAction.ROLE_REVOKE).count() == 1


def test_revoking_the_last_management_role_is_refused_on_the_page(world: World, management):
    own = RoleAssignment.objects.get(user=world.users["management"], role=Role.MANAGEMENT)
    response = management.post(f"/rollen/{own.pk}/entziehen/")
    assert response.status_code == 409
    assert "letzte Verwaltungsleitung" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_another_body_s_assignment_is_not_found(world: World, management, stranger):
    theirs = RoleAssignment.objects.get(user=stranger.users["department_head"])
    for method in ("get", "post"):
        response = getattr(management, method)(f"/rollen/{theirs.pk}/entziehen/")
        assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("role", ["department_head", "strategy_unit", "council_member"])
def test_others_may_not_manage_roles(world: World, client_for, role):
    client = client_for(world.users[role])
    assert client.get("/rollen/").status_code == 403
    user = UserFactory(body=world.body)
    response = client.post("/rollen/", {"user": user.pk, "role": Role.MANAGEMENT})
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=user).exists()
    assignment = RoleAssignment.objects.get(user=world.users["department_editor"])
    assert client.post(f"/rollen/{assignment.pk}/entziehen/").status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    # Not in their navigation either.
    html = client.get("/").content.decode()
    assert 'href="/rollen/"' not in html
    assert 'href="/zyklen/neu/"' not in html


def test_the_pages_need_a_login(world: World, client):
    for url in ("/rollen/", "/zyklen/neu/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/anmelden/" in response["Location"]


# --- a new planning cycle -----------------------------------------------------------------


def test_management_creates_a_cycle(world: World, management):
    form = management.get("/zyklen/neu/")
    assert form.status_code == 200
    assert 'value="2027"' in form.content.decode()  # the year after the newest cycle

    response = management.post("/zyklen/neu/", {"year": "2027"}, follow=True)

    cycle = PlanningCycle.objects.get(body=world.body, year=2027)
    assert response.redirect_chain == [(f"/zyklen/{cycle.pk}/", 302)]
    assert "Planungszyklus 2027 ist angelegt." in response.content.decode()
    assert DepartmentReview.objects.filter(cycle=cycle).count() == 3
    assert cycle.deadlines.count() == 8  # the default calendar
    assert AuditEntry.objects.filter(action=AuditAction.CYCLE_CREATE, body=world.body).exists()


def test_a_duplicate_year_is_refused_naming_the_year(world: World, management):
    response = management.post("/zyklen/neu/", {"year": "2026"})
    assert response.status_code == 409
    assert "bereits einen Planungszyklus 2026" in response.content.decode()
    assert PlanningCycle.objects.filter(body=world.body).count() == 1


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "Bitte geben Sie ein Jahr ein."),
        ("zwanzig", "Bitte geben Sie ein Jahr als Zahl ein"),
        ("1999", "Das Jahr muss 2000 oder später sein."),
        ("99999", "Das Jahr muss 2100 oder früher sein."),
    ],
)
def test_a_bad_year_is_refused(world: World, management, year, message):
    response = management.post("/zyklen/neu/", {"year": year})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PlanningCycle.objects.filter(body=world.body).count() == 1


@pytest.mark.parametrize("role", ["department_head", "strategy_unit"])
def test_others_may_not_create_cycles(world: World, client_for, role):
    client = client_for(world.users[role])
    assert client.get("/zyklen/neu/").status_code == 403
    assert client.post("/zyklen/neu/", {"year": "2027"}).status_code == 403
    assert not PlanningCycle.objects.filter(year=2027).exists()


def test_the_pages_speak_english(world: World, management, english_messages):
    management.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = management.get("/rollen/").content.decode()
    assert "Assign a role" in html
    response = management.post("/zyklen/neu/", {"year": "2026"})
    assert "already has a planning cycle 2026" in response.content.decode()


def test_the_roles_page_costs_the_same_queries_for_more_people(world: World, management):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.support.factories import user_with_role

    def queries() -> int:
        management.get("/rollen/")
        with CaptureQueriesContext(connection) as ctx:
            assert management.get("/rollen/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for department in world.departments:
        user_with_role(world.body, Role.DEPARTMENT_EDITOR, department)
        user_with_role(world.body, Role.COUNCIL_MEMBER)
    assert queries() == few
