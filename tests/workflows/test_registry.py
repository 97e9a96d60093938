"""A workflow declared only in the tests plugs into the engine with one declaration.

The memo (tests/memo/) has two states and one transition. It is declared once, in its
app's ready(); nothing in the engine names it. These tests fire it through the transition
service, the REST API and the web endpoint, with history, outbox, deadline and permission
checks, and show that the engine refuses what the declaration does not allow.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import assign_perm

from notifications.models import Deadline, DeadlineState
from notifications.rendering import task_label
from planning_cycle.access import permission_checker
from planning_cycle.models import Department, User
from tests.memo.models import Memo, MemoState
from tests.support.world import World, build_world
from workflows.models import OutboxMessage, TransitionLog
from workflows.registry import (
    UnknownWorkflow,
    is_workflow,
    workflow_by_slug,
    workflow_objects_created,
    workflow_of,
)
from workflows.services.transitions import (
    TransitionBlocked,
    TransitionNotPermitted,
    transition_fire,
    transitions_available,
)

pytestmark = pytest.mark.django_db


def grant_memo_sign(user: User, department: Department) -> None:
    """Grant the memo's own permission on a department (the memo has no role of its own)."""
    permission, _created = Permission.objects.get_or_create(
        codename="memo_sign",
        content_type=ContentType.objects.get_for_model(Department),
        defaults={"name": "Sign memos"},
    )
    assign_perm(permission, user, department)


def new_memo(world: World, text: str = "Bitte abzeichnen.") -> Memo:
    memo = Memo.objects.create(body=world.body, department=world.department, text=text)
    # What a memo service would do in its transaction: tell the engine's listeners.
    workflow_objects_created([memo])
    return memo


def history(memo: Memo) -> list[TransitionLog]:
    ctype = ContentType.objects.get_for_model(Memo)
    return list(TransitionLog.objects.filter(content_type=ctype, object_id=memo.pk))


def test_the_declaration_is_found_by_model_and_slug() -> None:
    assert is_workflow(Memo)
    assert workflow_by_slug("memo").model is Memo
    assert workflow_of(Memo).update_fields == ["state", "updated_at"]
    with pytest.raises(UnknownWorkflow):
        workflow_by_slug("no-such-workflow")


def test_creating_a_memo_opens_its_deadline(world: World) -> None:
    memo = new_memo(world)

    deadline = Deadline.objects.get(object_id=memo.pk, content_type__model="memo")
    assert (deadline.kind, deadline.audience, deadline.state) == (
        "memo_sign",
        "department",
        DeadlineState.OPEN,
    )
    assert deadline.department_id == world.department.pk
    assert deadline.url_path == reverse("workflows:workflow_detail", args=["memo", memo.pk])
    # Its reader sees the task by the name the declaration gives it.
    assert task_label(deadline, reader=world.users["department_head"]) == "Memo abzeichnen"


def test_the_service_fires_it_with_history_outbox_and_deadline(world: World) -> None:
    head = world.users["department_head"]
    grant_memo_sign(head, world.department)
    memo = new_memo(world)

    result = transition_fire(acting_user=head, obj=memo, transition="sign")

    memo.refresh_from_db()
    assert memo.state == MemoState.SIGNED
    [log] = history(memo)
    assert (log.source_state, log.target_state, log.actor_id) == ("draft", "signed", head.pk)
    assert result.log.pk == log.pk
    outbox = OutboxMessage.objects.filter(topic="workflow.transition").latest("id")
    assert outbox.payload["model"] == "memo.memo"
    assert outbox.payload["log_id"] == log.pk
    deadline = Deadline.objects.get(object_id=memo.pk, content_type__model="memo")
    assert deadline.state == DeadlineState.DONE


def test_the_permission_is_checked(world: World) -> None:
    editor = world.users["department_editor"]  # holds no memo_sign
    memo = new_memo(world)

    with pytest.raises(TransitionNotPermitted):
        transition_fire(acting_user=editor, obj=memo, transition="sign")
    assert transitions_available(user=editor, obj=memo, checker=permission_checker(editor)) == []
    memo.refresh_from_db()
    assert memo.state == MemoState.DRAFT
    assert history(memo) == []


def test_a_failing_condition_says_why(world: World) -> None:
    head = world.users["department_head"]
    grant_memo_sign(head, world.department)
    memo = new_memo(world, text="   ")

    with pytest.raises(TransitionBlocked) as refused:
        transition_fire(acting_user=head, obj=memo, transition="sign")

    assert refused.value.reasons == ("Das Memo ist leer.",)
    [option] = transitions_available(user=head, obj=memo, checker=permission_checker(head))
    assert (option.name, option.enabled, option.blocked_by) == (
        "sign",
        False,
        ("Das Memo ist leer.",),
    )


def test_the_api_lists_and_fires_it(world: World, client: Client) -> None:
    head = world.users["department_head"]
    grant_memo_sign(head, world.department)
    memo = new_memo(world)
    client.force_login(head)

    listed = client.get(f"/api/v1/memos/{memo.pk}/transitions/")
    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()] == ["sign"]
    fired = client.post(
        f"/api/v1/memos/{memo.pk}/transitions/sign/", {}, content_type="application/json"
    )

    assert fired.status_code == 200, fired.content
    assert fired.json()["state"] == "signed"
    assert fired.json()["history_id"] == history(memo)[0].pk
    read = client.get(f"/api/v1/memos/{memo.pk}/")
    assert read.json()["state"] == "signed"
    assert read.json()["state_label"] == "abgezeichnet"


def test_the_api_refuses_without_permission_and_hides_other_bodies(
    world: World, client: Client
) -> None:
    memo = new_memo(world)
    client.force_login(world.users["department_editor"])
    refused = client.post(
        f"/api/v1/memos/{memo.pk}/transitions/sign/", {}, content_type="application/json"
    )
    assert refused.status_code == 403

    other = build_world(key="landkreis-fremd")
    grant_memo_sign(other.users["department_head"], other.department)
    client.force_login(other.users["department_head"])
    assert client.get(f"/api/v1/memos/{memo.pk}/").status_code == 404
    fired = client.post(
        f"/api/v1/memos/{memo.pk}/transitions/sign/", {}, content_type="application/json"
    )
    assert fired.status_code == 404
    memo.refresh_from_db()
    assert memo.state == MemoState.DRAFT


def test_the_web_page_shows_and_fires_it(world: World, client: Client) -> None:
    head = world.users["department_head"]
    grant_memo_sign(head, world.department)
    memo = new_memo(world)
    client.force_login(head)
    page = reverse("workflows:workflow_detail", args=["memo", memo.pk])

    shown = client.get(page)
    assert shown.status_code == 200
    assert "Abzeichnen" in shown.content.decode()
    fired = client.post(
        reverse("workflows:transition", args=["memo", memo.pk]),
        {"transition": "sign", "expected_state": "draft"},
    )

    assert fired.status_code == 302
    assert fired["Location"] == page
    memo.refresh_from_db()
    assert memo.state == MemoState.SIGNED
    assert "abgezeichnet" in client.get(page).content.decode()


def test_the_web_hides_another_bodys_memo(world: World, client: Client) -> None:
    memo = new_memo(world)
    other = build_world(key="landkreis-anders")
    client.force_login(other.users["management"])

    assert (
        client.get(reverse("workflows:workflow_detail", args=["memo", memo.pk])).status_code == 404
    )
    fired = client.post(
        reverse("workflows:transition", args=["memo", memo.pk]), {"transition": "sign"}
    )
    assert fired.status_code == 404


def test_the_schema_leaves_out_undocumented_workflows(client: Client) -> None:
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert not [p for p in paths if "memos" in p]
    assert "/api/v1/goal-agreements/{id}/transitions/" in paths
