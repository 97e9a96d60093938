"""Builders of the OParl tests: a seeded council world with public and withheld data.

Papers, meetings, steps and results go through the council services (tests/support/
council.py). Persons, memberships, places, terms and paper files have no service yet; they
are written here directly, as an import or an upload service would store them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from planning_cycle.models import Committee
from tests.support.council import (
    DECISION,
    PRE,
    Committees,
    clerk_of,
    committees_build,
    meeting_build,
    office,
    paper_build,
    record,
    schedule,
    steps_of,
)
from tests.support.world import World, build_world
from workflows.council.models import (
    AgendaItem,
    ConsultationStep,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Paper,
    PaperFile,
    Person,
)
from workflows.council.services.meetings import agenda_item_add, meeting_create
from workflows.council.services.results import step_schedule
from workflows.council.states import FileRole, StepResult

# Words that only withheld data carries: no OParl response may ever contain them.
SECRET_PAPER_TITLE = "Grundstücksankauf Geheimsache Nordfeld"
SECRET_PERSON_NAME = "Verschwiegenmann"
SECRET_FILE_NAME = "vertraulich-gutachten.pdf"
SECRET_ITEM_NAME = "Personalangelegenheit Vertraulich"


def file_add(
    world: World,
    paper: Paper,
    *,
    name: str = "vorlage.pdf",
    role: str = FileRole.ATTACHMENT,
    public: bool = True,
    content: bytes = b"%PDF-1.4 test\n",
    position: int = 0,
) -> PaperFile:
    """Store a file of the paper (as the upload service will)."""
    stored = PaperFile(
        body=paper.body,
        paper=paper,
        role=role,
        name=name,
        media_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        public=public,
        position=position,
        uploaded_by=office(world),
    )
    stored.file.save(name, ContentFile(content), save=False)
    stored.save()
    return stored


def person_add(
    world: World,
    family_name: str,
    *,
    given_name: str = "Maria",
    consent: bool = True,
    committees: tuple[Committee, ...] = (),
    title: str = "",
) -> Person:
    """Create a person with a membership in each committee."""
    person = Person.objects.create(
        body=world.body,
        given_name=given_name,
        family_name=family_name,
        title=title,
        form_of_address="Frau",
        public_consent=consent,
    )
    for committee in committees:
        Membership.objects.create(
            body=world.body,
            person=person,
            committee=committee,
            role="Mitglied",
            start_date=dt.date(2021, 11, 1),
        )
    return person


def papers_bulk(world: World, committees: Committees, count: int, public: bool = True) -> None:
    """Create `count` papers, each with a pre-deliberation and a decision step."""
    for i in range(count):
        paper_build(
            world,
            [(committees.main, PRE), (committees.council, DECISION)],
            title=f"Vorlage Nummer {i}",
            public=public,
        )


@dataclass
class OparlWorld:
    """A body with public and withheld council data, and a second body."""

    world: World
    committees: Committees
    term: LegislativeTerm
    location: Location
    public_paper: Paper
    secret_paper: Paper
    deleted_paper: Paper
    closed_item_paper: Paper
    meetings: list[Meeting]
    public_person: Person
    secret_person: Person
    public_files: list[PaperFile]
    hidden_files: list[PaperFile]
    public_items: list[AgendaItem]
    hidden_items: list[AgendaItem]
    other: World
    other_paper: Paper
    extra: dict[str, object] = field(default_factory=dict)


def oparl_world_build() -> OparlWorld:
    """Seed a council: papers through their sequence, files, persons, withheld data."""
    world = build_world()
    c = committees_build(world)
    term = LegislativeTerm.objects.create(
        body=world.body, name="2021-2026", start_date=dt.date(2021, 11, 1)
    )
    place = Location.objects.create(
        body=world.body,
        description="Kreishaus",
        room="Sitzungssaal 1",
        street_address="Bahnhofstraße 12",
        postal_code="39340",
        locality="Haldensleben",
    )
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(17)))
    main_past = meeting_create(
        acting_user=office(world),
        committee=c.main,
        name="3. Sitzung des Kreisausschusses",
        start=start - dt.timedelta(days=14),
        end=start - dt.timedelta(days=14) + dt.timedelta(hours=3),
        location=place,
        term=term,
    )
    council_past = meeting_build(world, c.council, days=-2)
    council_next = meeting_build(world, c.council, days=10)

    # A public paper through pre-deliberation to the council's decision, with files.
    public_paper = paper_build(
        world, [(c.main, PRE), (c.council, DECISION)], title="Strategische Ziele 2027"
    )
    pre, decision = steps_of(public_paper)
    record(clerk_of(world, c.main), schedule(world, pre, main_past), StepResult.RECOMMENDED)
    record(
        clerk_of(world, c.council),
        schedule(world, decision, council_past),
        StepResult.DECIDED,
        resolution_text="Der Kreistag beschließt die Ziele.",
        votes_yes=30,
        votes_no=2,
        votes_abstain=1,
    )
    main_file = file_add(world, public_paper, name="beschlussvorlage.pdf", role=FileRole.MAIN)
    attachment = file_add(world, public_paper, name="anlage-1.pdf", position=1)
    secret_file = file_add(world, public_paper, name=SECRET_FILE_NAME, public=False, position=2)
    gone_file = file_add(world, public_paper, name="zurueckgezogen.pdf", position=3)
    PaperFile.objects.filter(pk=gone_file.pk).update(deleted=True, updated_at=timezone.now())

    # A non-public paper on the coming council agenda (its item is non-public too).
    secret_paper = paper_build(
        world, [(c.council, DECISION)], title=SECRET_PAPER_TITLE, public=False
    )
    secret_item = schedule(world, steps_of(secret_paper)[0], council_next)
    secret_paper_file = file_add(world, secret_paper, name="geheim-anlage.pdf")

    # A paper deleted after it was created (no service deletes papers yet).
    deleted_paper = paper_build(world, [(c.main, PRE)], title="Zurückgezogene Vorlage")
    Paper.objects.filter(pk=deleted_paper.pk).update(deleted=True, updated_at=timezone.now())

    # A public paper deliberated in a closed session: public consultation, withheld item.
    closed_item_paper = paper_build(world, [(c.main, PRE)], title="Kreisstraße K 1150")
    closed_step = steps_of(closed_item_paper)[0]
    main_next = meeting_build(world, c.main, days=5)
    step_schedule(acting_user=office(world), step=closed_step, meeting=main_next, public=False)
    closed_item = ConsultationStep.objects.get(pk=closed_step.pk).agenda_item
    assert closed_item is not None

    # Items without a paper: a public notice and a closed personnel matter.
    notice = agenda_item_add(acting_user=office(world), meeting=council_next, name="Mitteilungen")
    personnel = agenda_item_add(
        acting_user=office(world), meeting=council_next, name=SECRET_ITEM_NAME, public=False
    )

    public_person = person_add(world, "Offenbach", committees=(c.council, c.main), title="Dr.")
    secret_person = person_add(world, SECRET_PERSON_NAME, consent=False, committees=(c.council,))
    Membership.objects.create(
        body=world.body, person=public_person, committee=c.youth, role="Mitglied", deleted=True
    )

    other = build_world("landkreis-anderswo")
    oc = committees_build(other)
    other_paper = paper_build(other, [(oc.council, DECISION)], title="Vorlage anderswo")

    public_items = [
        *AgendaItem.objects.filter(step__paper=public_paper).order_by("pk"),
        notice,
    ]
    return OparlWorld(
        world=world,
        committees=c,
        term=term,
        location=place,
        public_paper=public_paper,
        secret_paper=secret_paper,
        deleted_paper=deleted_paper,
        closed_item_paper=closed_item_paper,
        meetings=[main_past, council_past, council_next, main_next],
        public_person=public_person,
        secret_person=secret_person,
        public_files=[main_file, attachment],
        hidden_files=[secret_file, gone_file, secret_paper_file],
        public_items=public_items,
        hidden_items=[secret_item, closed_item, personnel],
        other=other,
        other_paper=other_paper,
    )
