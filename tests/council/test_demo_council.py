"""The demo's council: schriftfuehrung records the Kreistag's decision on first login."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from io import StringIO

import pypdf
import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Deadline, DeadlineState, TaskKind
from planning_cycle.management.commands._demo_council import (
    BOERDE_SEQUENCE,
    BOERDE_TITLE,
    GOALS_YEAR,
)
from planning_cycle.management.commands._demo_council_files import DRAFT, PRESENTATION
from planning_cycle.models import Phase, PlanningCycle, User
from workflows.council.guards import council_paper_decided
from workflows.council.models import ConsultationStep, Paper, Person
from workflows.council.services.base import CouncilError
from workflows.council.services.results import agenda_item_result_record
from workflows.council.states import (
    CyclePaper,
    FileRole,
    PaperType,
    ResolutionStatus,
    StepResult,
    StepRole,
    StepState,
)
from workflows.models import AgreementState, GoalAgreement
from workflows.services.transitions import transition_fire

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    call_command("seed_demo", stdout=StringIO())


def goals_paper() -> Paper:
    return Paper.objects.get(
        body__key="landkreis-peine",
        cycle__year=GOALS_YEAR,
        cycle_phase=CyclePaper.COUNCIL_RESOLUTION,
    )


def test_the_boerde_paper_committees_and_members(seeded: None) -> None:
    """The Börde paper's six pre-deliberations; the secretary's committees; a member."""
    paper = Paper.objects.get(title=BOERDE_TITLE)
    assert paper.reference == "2018/StS/0592"
    assert paper.paper_type == PaperType.INFORMATION
    assert paper.public
    steps = list(paper.steps.select_related("committee").order_by("position"))
    assert [(s.committee.name, s.result_date) for s in steps] == list(BOERDE_SEQUENCE)
    assert {(s.role, s.state, s.result) for s in steps} == {
        (StepRole.PRE_DELIBERATION, StepState.RECORDED, StepResult.NOTED)
    }
    # schriftfuehrung records for the Kreistag and the Kreisausschuss only.
    secretary = User.objects.get(username="schriftfuehrung")
    other = steps[1]
    assert other.committee.name == "Jugendhilfeausschuss" and other.agenda_item is not None
    with pytest.raises(CouncilError) as refused:
        agenda_item_result_record(
            acting_user=secretary, item=other.agenda_item, result=StepResult.NOTED
        )
    assert refused.value.status == 403
    # The council member's login is a person with memberships.
    person = Person.objects.get(user__username="kreistag")
    committees = set(person.memberships.values_list("committee__name", flat=True))
    assert committees == {"Kreistag", "Kreisausschuss"}
    assert person.public_consent


def test_the_boerde_paper_has_its_two_attachments_as_pdfs(seeded: None) -> None:
    """The attachments the paper of 2018 names are real files, stored once."""
    paper = Paper.objects.get(title=BOERDE_TITLE)
    files = list(paper.files.filter(deleted=False).order_by("position"))

    assert [(f.name, f.role, f.media_type, f.public) for f in files] == [
        (PRESENTATION, FileRole.ATTACHMENT, "application/pdf", True),
        (DRAFT, FileRole.ATTACHMENT, "application/pdf", True),
    ]
    for file, words in zip(files, ("Phase 7", "Leitbild"), strict=True):
        with file.file.open("rb") as handle:
            data = handle.read()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (file.size, file.sha256)
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
        assert "Kreisentwicklungskonzept" in text and words in text
    call_command("seed_demo", stdout=StringIO())
    assert paper.files.count() == 2


def test_schriftfuehrung_records_the_kreistags_decision_and_the_cycle_can_move_on(
    seeded: None,
) -> None:
    secretary = User.objects.get(username="schriftfuehrung")
    paper = goals_paper()
    main_step, council_step = list(paper.steps.select_related("committee").order_by("position"))
    assert (main_step.committee.name, main_step.result) == (
        "Kreisausschuss",
        StepResult.RECOMMENDED,
    )
    assert main_step.result_date is not None and main_step.result_date < timezone.localdate()
    assert council_step.committee.name == "Kreistag"
    assert council_step.state == StepState.SCHEDULED
    cycle = PlanningCycle.objects.get(body=paper.body, year=GOALS_YEAR)
    assert cycle.phase == Phase.COUNCIL_RESOLUTION
    assert council_paper_decided(cycle) is not None
    # The secretary is reminded of the pending result.
    task = Deadline.objects.get(
        kind=TaskKind.RESULT_RECORD, object_id=council_step.pk, state=DeadlineState.OPEN
    )
    assert task.committee_id == council_step.committee_id
    agreements = list(paper.agreements.all())
    assert agreements

    assert council_step.agenda_item is not None
    agenda_item_result_record(
        acting_user=secretary,
        item=council_step.agenda_item,
        result=StepResult.DECIDED,
        votes_yes=41,
        votes_no=3,
        votes_abstain=2,
    )

    council_step = ConsultationStep.objects.get(pk=council_step.pk)
    meeting_day = council_step.agenda_item.meeting.date  # type: ignore[union-attr]
    assert council_step.result_date == meeting_day == timezone.localdate() - dt.timedelta(days=1)
    paper = Paper.objects.get(pk=paper.pk)
    assert (paper.resolution_status, paper.resolved_on) == (ResolutionStatus.DECIDED, meeting_day)
    assert set(
        GoalAgreement.objects.filter(pk__in=[a.pk for a in agreements]).values_list(
            "state", flat=True
        )
    ) == {AgreementState.RESOLVED}
    assert Deadline.objects.get(pk=task.pk).state == DeadlineState.DONE
    assert council_paper_decided(cycle) is None
    transition_fire(
        acting_user=User.objects.get(username="leitung"), obj=cycle, transition="to_planning"
    )
    assert PlanningCycle.objects.get(pk=cycle.pk).phase == Phase.PLANNING
