"""The demo seed: idempotent, real transitions, logins that work, bodies kept apart."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import (
    Deadline,
    DeadlineState,
    Notification,
    NotificationKind,
    TaskKind,
)
from notifications.services.outbox import outbox_process
from notifications.services.sweep import deadline_sweep
from planning_cycle.access import permission_checker
from planning_cycle.management.commands._demo_consultation import (
    AWO,
    CLOSED_TITLE,
    CONCLUDED_TITLE,
    ILSEDE,
    OPEN_TITLE,
)
from planning_cycle.management.commands.seed_demo import DEMO_USERS, PASSWORD
from planning_cycle.models import Body, PlanningCycle, User
from workflows.consultation.models import (
    ConsultationRound,
    Evaluation,
    FinalNotice,
    Invitation,
    Statement,
)
from workflows.consultation.states import (
    EvaluationState,
    InvitationState,
    Position,
    RoundState,
    StatementState,
)
from workflows.models import (
    AgreementState,
    DepartmentReview,
    GoalAgreement,
    ReviewState,
    TransitionLog,
)
from workflows.services.transitions import transition_fire, transitions_available

pytestmark = pytest.mark.django_db

LOGINS_HEADER = "Demo-Zugänge"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_second_run_creates_nothing_and_prints_the_same_logins() -> None:
    first = seed()
    counts = row_counts()
    second = seed()

    assert row_counts() == counts
    assert counts["planning_cycle.User"] == len(DEMO_USERS)
    logins = first[first.index(LOGINS_HEADER) :]
    assert logins == second[second.index(LOGINS_HEADER) :]
    for user in DEMO_USERS:
        assert f"| {user.username} " in logins
    assert PASSWORD in logins


def test_every_demo_user_can_log_in() -> None:
    seed()
    for demo in DEMO_USERS:
        client = Client()
        # django-axes checks every login against its lockouts and needs a request for that.
        assert client.login(request=HttpRequest(), username=demo.username, password=PASSWORD), (
            demo.username
        )
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.body is None


def test_peine_has_its_catalogs_and_a_cycle_in_goal_review() -> None:
    seed()
    peine = Body.objects.get(key="landkreis-peine")
    numbers = set(peine.strategic_goals.values_list("number", flat=True))
    # The ten Mittelfristige Entwicklungsziele of 2009/2010 ...
    assert {n for n in numbers if not n.startswith("SL")} == {str(i) for i in range(1, 11)}
    # ... and the five fields of the social-policy guidelines.
    assert {n for n in numbers if n.startswith("SL")} == {f"SL 2.{i}" for i in range(1, 6)}

    cycle = PlanningCycle.objects.get(body=peine, year=2026)
    assert cycle.phase == "goal_review"
    reviews = dict(
        DepartmentReview.objects.filter(cycle=cycle).values_list("department__code", "state")
    )
    states = sorted(reviews.values())
    assert states.count(ReviewState.ACCEPTED) >= 2
    assert states.count(ReviewState.SUBMITTED) >= 2
    assert states.count(ReviewState.RETURNED) == 1
    assert states.count(ReviewState.DRAFT) >= 2
    assert reviews["FD 67"] == ReviewState.RETURNED

    # One agreement per action priority of 2009/2010 and lead department, some submitted.
    agreements = GoalAgreement.objects.filter(cycle=cycle)
    assert agreements.count() == 25
    assert agreements.filter(operative_goal__number="8.1").count() == 2
    assert agreements.filter(state=AgreementState.SUBMITTED).exists()
    assert agreements.filter(state=AgreementState.PROPOSED).exists()


def test_states_come_from_logged_transitions() -> None:
    seed()
    cycle = PlanningCycle.objects.get(body__key="landkreis-peine", year=2026)
    workflow_objects = [
        *DepartmentReview.objects.filter(cycle=cycle),
        *GoalAgreement.objects.filter(cycle=cycle),
    ]
    for obj in workflow_objects:
        logs = list(
            TransitionLog.objects.filter(object_id=obj.pk, body=cycle.body_id).filter(
                content_type__model=obj._meta.model_name
            )
        )
        initial = "draft" if isinstance(obj, DepartmentReview) else "proposed"
        assert (logs[-1].target_state if logs else initial) == obj.state
    returned = TransitionLog.objects.get(transition="return_", body=cycle.body_id)
    assert returned.actor.username == "leitung"
    assert returned.comment


def test_bodies_are_kept_apart() -> None:
    seed()
    submitted = DepartmentReview.objects.filter(
        cycle__body__key="landkreis-peine", state=ReviewState.SUBMITTED
    ).first()
    assert submitted is not None
    peine_management = User.objects.get(username="leitung")
    laatzen_management = User.objects.get(username="laatzen-leitung")
    assert laatzen_management.body.key == "stadt-laatzen"
    assert PlanningCycle.objects.filter(body=laatzen_management.body, year=2026).exists()

    def offered(user: User) -> set[str]:
        options = transitions_available(user=user, obj=submitted, checker=permission_checker(user))
        return {o.name for o in options}

    assert offered(peine_management) == {"accept", "return_"}
    assert offered(laatzen_management) == set()


# --- consultation rounds in the demo ----------------------------------------------------


def invitation_states(round_: ConsultationRound) -> dict[str, str]:
    return {
        str(i.department.code if i.department else i.organisation): i.state
        for i in round_.invitations.select_related("department", "organisation")
    }


def test_peine_asks_five_invitees_for_statements_on_its_goal_catalog() -> None:
    seed()
    peine = Body.objects.get(key="landkreis-peine")
    round_ = ConsultationRound.objects.get(body=peine, title=OPEN_TITLE)
    assert round_.state == RoundState.OPEN
    assert round_.deadline > timezone.localdate()
    assert round_.cycle == PlanningCycle.objects.get(body=peine, year=2026)
    # The sections are the catalog's ten strategic goals, by number and title.
    goals = dict(
        peine.strategic_goals.exclude(number__startswith="SL").values_list("number", "title")
    )
    sections = {s.number: s.title for s in round_.sections.all()}
    assert list(sections) == [str(n) for n in range(1, 11)]
    assert all(goals[n].startswith(t.removesuffix("…")) for n, t in sections.items())
    assert round_.files.filter(statement=None).count() == 1

    assert invitation_states(round_) == {
        "FD 50": InvitationState.SUBMITTED,
        "FD 65": InvitationState.SUBMITTED,
        "FD 67": InvitationState.INVITED,
        ILSEDE: InvitationState.EXTENSION_REQUESTED,
        AWO: InvitationState.SUBMITTED,
    }
    released = Statement.objects.filter(round=round_, state=StatementState.RELEASED)
    assert sorted(released.values_list("position", flat=True)) == sorted(
        [Position.AGREEMENT, Position.REJECTION, Position.AGREEMENT_WITH_CHANGES]
    )
    assert released.get(organisation__name=AWO).attachments.count() == 1
    # FD 67's editor drafted; its head releases (the demo's "fdleitung answers").
    draft = Statement.objects.get(round=round_, state=StatementState.DRAFT)
    assert draft.department.code == "FD 67"
    assert draft.drafted_by.username == "sachbearbeitung"
    head = User.objects.get(username="fdleitung")
    options = transitions_available(user=head, obj=draft, checker=permission_checker(head))
    assert "release" in {o.name for o in options}


def test_an_older_round_is_closed_and_half_weighed() -> None:
    seed()
    round_ = ConsultationRound.objects.get(body__key="landkreis-peine", title=CLOSED_TITLE)
    assert round_.state == RoundState.CLOSED
    states = invitation_states(round_)
    assert states.pop("FD 67") == InvitationState.DECLINED
    assert set(states.values()) == {InvitationState.SUBMITTED}
    assert [s.number for s in round_.sections.all()] == [f"SL 2.{i}" for i in range(1, 6)]
    # Every given statement is assigned; two are weighed, two wait (one a rejection).
    weighing = {
        (str(e.statement.invitee), e.department.code if e.department else None): e.state
        for e in Evaluation.objects.filter(round=round_).select_related(
            "statement__department", "statement__organisation", "department"
        )
    }
    assert weighing == {
        ("FD 50 Fachdienst Soziales und Senioren", "FD 50"): EvaluationState.RECORDED,
        ("FD 65 Fachdienst Gebäudewirtschaft", None): EvaluationState.RECORDED,
        (AWO, "FD 50"): EvaluationState.ASSIGNED,
        (ILSEDE, "FD 67"): EvaluationState.ASSIGNED,
    }
    rejection = Statement.objects.get(round=round_, position=Position.REJECTION)
    assert rejection.evaluation.state == EvaluationState.ASSIGNED  # on the conflict list


def test_a_concluded_round_told_each_submitter_once_and_extern_sees_the_result() -> None:
    seed()
    round_ = ConsultationRound.objects.get(body__key="landkreis-peine", title=CONCLUDED_TITLE)
    assert round_.state == RoundState.CONCLUDED
    assert not Evaluation.objects.filter(round=round_, state=EvaluationState.ASSIGNED).exists()
    submitted = Invitation.objects.filter(round=round_, state=InvitationState.SUBMITTED)
    assert submitted.count() == 4
    notices = FinalNotice.objects.filter(round=round_)
    assert sorted(notices.values_list("invitation_id", flat=True)) == sorted(
        submitted.values_list("pk", flat=True)
    )
    ilsede = submitted.get(organisation__name=ILSEDE)
    client = Client()
    client.force_login(User.objects.get(username="extern"))
    evaluation = Evaluation.objects.get(statement__invitation=ilsede)
    url = reverse("workflows:evaluation_detail", args=[evaluation.pk])
    assert client.get(url).status_code == 200
    other = Evaluation.objects.get(round=round_, statement__department__code="FD 65")
    url = reverse("workflows:evaluation_detail", args=[other.pk])
    assert client.get(url).status_code == 404


def test_consultation_states_come_from_logged_transitions() -> None:
    seed()
    peine = Body.objects.get(key="landkreis-peine")
    objects = [
        *ConsultationRound.objects.filter(body=peine),
        *Invitation.objects.filter(body=peine),
        *Statement.objects.filter(body=peine),
        *Evaluation.objects.filter(body=peine),
    ]
    # Three rounds of five invitees; 4 + 4 + 4 statements, 4 + 4 of them weighed.
    assert len(objects) == 3 + 15 + 12 + 8
    for obj in objects:
        logs = TransitionLog.objects.filter(
            object_id=obj.pk, body=peine.pk, content_type__model=obj._meta.model_name
        )
        last = logs.order_by("-id").first()
        initial = obj._meta.get_field("state").default
        assert (last.target_state if last else initial) == obj.state, obj


@pytest.mark.parametrize(
    ("username", "title", "status"),
    [
        ("steuerung", OPEN_TITLE, 200),
        ("extern", OPEN_TITLE, 200),
        ("awo", CLOSED_TITLE, 200),
        ("fdleitung", OPEN_TITLE, 200),
        ("kreistag", OPEN_TITLE, 404),
        ("laatzen-steuerung", OPEN_TITLE, 404),
    ],
)
def test_who_sees_the_demo_rounds(username: str, title: str, status: int) -> None:
    seed()
    round_ = ConsultationRound.objects.get(title=title)
    client = Client()
    client.force_login(User.objects.get(username=username))
    url = reverse("workflows:round_detail", args=[round_.pk])
    assert client.get(url).status_code == status


# --- reminders in the demo ----------------------------------------------------------------

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SEEDED = dt.datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)  # a Monday, after the 08:00 slot


def deliver_all() -> None:
    """Process the outbox as the worker does, until nothing is left."""
    while outbox_process(batch_size=500):
        pass


def review_reminders(user: User, review: DepartmentReview) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user,
            kind__in=[NotificationKind.REMINDER, NotificationKind.ESCALATION],
            deadline__kind=TaskKind.REVIEW_SUBMIT,
            deadline__object_id=review.pk,
        )
    )


def review_mails(user: User, review: DepartmentReview) -> list[mail.EmailMessage]:
    link = f"/zielbilanzierungen/{review.pk}/"
    return [m for m in mail.outbox if m.to == [user.email] and link in str(m.body)]


def test_a_department_head_with_a_review_due_in_7_days_gets_exactly_one_reminder() -> None:
    with time_machine.travel(SEEDED, tick=False):
        seed()
        deliver_all()  # the seed's own transitions: task notifications
        mail.outbox.clear()
        head = User.objects.get(username="fdleitung")
        review = DepartmentReview.objects.get(
            cycle__body__key="landkreis-peine", cycle__year=2026, department__code="FD 67"
        )
        deadline = Deadline.objects.get(
            kind=TaskKind.REVIEW_SUBMIT, object_id=review.pk, state=DeadlineState.OPEN
        )
        assert timezone.localdate(deadline.due_at) == dt.date(2026, 11, 30)

        deadline_sweep()
        deliver_all()

    [reminder] = review_reminders(head, review)
    assert reminder.kind == NotificationKind.REMINDER
    [sent] = review_mails(head, review)
    assert "30.11.2026" in sent.subject
    assert "in 7 Tagen" in str(sent.body)

    # The scheduler runs again the same day: nothing new.
    with time_machine.travel(SEEDED + dt.timedelta(hours=3), tick=False):
        deadline_sweep()
        deliver_all()
    assert len(review_reminders(head, review)) == 1
    assert len(review_mails(head, review)) == 1

    # Submitted: the 1-day reminder and the escalation never come.
    transition_fire(acting_user=head, obj=review, transition="submit")
    for days in (6, 8, 15):
        with time_machine.travel(SEEDED + dt.timedelta(days=days), tick=False):
            deadline_sweep()
            deliver_all()
    assert len(review_reminders(head, review)) == 1
    assert len(review_mails(head, review)) == 1
    assert len(review_reminders(User.objects.get(username="leitung"), review)) == 0


def test_a_head_whose_review_is_still_due_gets_the_next_reminder_only() -> None:
    """FD 41's review stays a draft: the 1-day reminder follows, then the escalation."""
    with time_machine.travel(SEEDED, tick=False):
        seed()
        deadline_sweep()
    head = User.objects.get(username="fd41")
    review = DepartmentReview.objects.get(
        cycle__body__key="landkreis-peine", cycle__year=2026, department__code="FD 41"
    )
    assert len(review_reminders(head, review)) == 1
    with time_machine.travel(SEEDED + dt.timedelta(days=6, hours=-1), tick=False):  # Sun 09:00
        deadline_sweep()
    # Sunday 29 Nov: the 1-day slot is on Friday 27 Nov (previous working day): sent now.
    assert len(review_reminders(head, review)) == 2
    with time_machine.travel(SEEDED + dt.timedelta(days=8), tick=False):  # Tue 1 Dec 10:00
        deadline_sweep()
    kinds = [n.kind for n in review_reminders(head, review)]
    assert sorted(kinds) == ["escalation", "reminder", "reminder"]
    assert len(review_reminders(User.objects.get(username="leitung"), review)) == 1
