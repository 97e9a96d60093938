"""The Django admin: every model listed, states read-only, history and outbox read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.support.factories import UserFactory
from tests.support.web import review_of
from workflows.models import OutboxMessage, ReviewState, TransitionLog
from workflows.services.transitions import transition_fire


@pytest.fixture
def superuser(db):
    return UserFactory(body=None, is_staff=True, is_superuser=True)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_both_apps_is_registered():
    from django.apps import apps

    for app in ("planning_cycle", "workflows"):
        for model in apps.get_app_config(app).get_models():
            assert model in admin.site._registry, model


def test_changelists_and_change_forms_render(world, catalog, superuser, client_for):
    transition_fire(
        acting_user=world.users["department_head"], obj=review_of(world), transition="submit"
    )
    client = client_for(superuser)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("planning_cycle", "workflows"):
            continue
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(admin_url(model, "change", obj.pk)).status_code == 200, model
        if model_admin.has_add_permission(response.wsgi_request):
            assert client.get(admin_url(model, "add")).status_code == 200, model


def test_state_is_read_only(world, superuser, client_for):
    review = review_of(world)
    client = client_for(superuser)
    html = client.get(admin_url(type(review), "change", review.pk)).content.decode()
    assert 'name="state"' not in html
    response = client.post(
        admin_url(type(review), "change", review.pk), {"summary": "Neu", "state": "accepted"}
    )
    assert response.status_code == 302
    review = review_of(world)
    assert review.summary == "Neu"
    assert review.state == ReviewState.DRAFT


def test_history_and_outbox_are_read_only(world, superuser, client_for):
    transition_fire(
        acting_user=world.users["department_head"], obj=review_of(world), transition="submit"
    )
    client = client_for(superuser)
    log = TransitionLog.objects.get()
    message = OutboxMessage.objects.get()
    for obj in (log, message):
        model = type(obj)
        assert client.get(admin_url(model, "add")).status_code == 403
        assert client.get(admin_url(model, "delete", obj.pk)).status_code == 403
        html = client.get(admin_url(model, "change", obj.pk)).content.decode()
        assert 'type="submit"' not in html or 'name="_save"' not in html
        response = client.post(admin_url(model, "change", obj.pk), {"comment": "geändert"})
        assert response.status_code == 403
    assert TransitionLog.objects.get().comment == ""


def test_admin_action_fires_through_the_transition_service(world, client_for):
    management = world.users["management"]
    management.is_staff = True
    management.save()
    # Management may not submit; the head submits, management accepts via the admin.
    review = review_of(world)
    transition_fire(acting_user=world.users["department_head"], obj=review, transition="submit")
    from django.contrib.auth.models import Permission

    management.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_departmentreview", "change_departmentreview"]
        )
    )
    client = client_for(management)
    response = client.post(
        admin_url(type(review), "changelist"),
        {"action": "fire_submit", "_selected_action": [review.pk]},
        follow=True,
    )
    # Management holds no submit permission: the service's refusal is shown, nothing changes.
    assert "nicht ausführen" in response.content.decode()
    response = client.post(
        admin_url(type(review), "changelist"),
        {"action": "fire_accept", "_selected_action": [review.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert review_of(world).state == ReviewState.ACCEPTED
    assert TransitionLog.objects.filter(transition="accept", actor=management).exists()


def test_staff_of_a_body_sees_only_their_body(world, client_for):
    from django.contrib.auth.models import Permission

    from tests.support.world import build_world

    other = build_world(key="andere-kommune")
    staff = world.users["strategy_unit"]
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(codename="view_department"))
    html = client_for(staff).get(admin_url(type(world.department), "changelist")).content.decode()
    assert world.body.name in html or "FD 31" in html
    assert other.body.name not in html
    assert html.count("Fachdienst 31") == 1  # the other body's FD 31 is not listed


def test_admin_creates_cycles_and_roles_through_their_services(world, superuser, client_for):
    from planning_cycle.models import PhaseDeadline, PlanningCycle, Role, RoleAssignment
    from workflows.models import DepartmentReview

    client = client_for(superuser)
    response = client.post(
        admin_url(PlanningCycle, "add"), {"body": world.body.pk, "year": 2027, "title": ""}
    )
    assert response.status_code == 302
    cycle = PlanningCycle.objects.get(year=2027)
    assert str(cycle) == "Planungszyklus 2027"
    assert PhaseDeadline.objects.filter(cycle=cycle).count() == 8
    assert DepartmentReview.objects.filter(cycle=cycle).count() == 3

    user = UserFactory(body=world.body)
    response = client.post(
        admin_url(RoleAssignment, "add"),
        {"user": user.pk, "role": Role.DEPARTMENT_HEAD, "department": world.department.pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=user)
    from planning_cycle.access import permission_checker

    assert permission_checker(user).has_perm("planning_cycle.review_submit", world.department)
    response = client.post(admin_url(RoleAssignment, "delete", assignment.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not permission_checker(user).has_perm("planning_cycle.review_submit", world.department)
