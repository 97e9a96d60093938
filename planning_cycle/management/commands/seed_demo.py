"""Seed the demo: Peine's 2026 cycle in goal review, its consultations and council, Laatzen.

Idempotent: a second run creates and changes nothing and prints the same logins. Every
state comes from a real transition fired through the transition service; nothing writes a
state field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from planning_cycle.catalog.importer import catalog_import
from planning_cycle.catalog.loader import load_catalog
from planning_cycle.models import (
    Body,
    Department,
    OperativeGoal,
    Organisation,
    OrganisationKind,
    Phase,
    PlanningCycle,
    Role,
    User,
)
from planning_cycle.services.audit import SYSTEM
from planning_cycle.services.cycles import cycle_create
from planning_cycle.services.roles import role_assign
from workflows.agreements.services import agreement_propose, agreement_update
from workflows.models import DepartmentReview, GoalAgreement
from workflows.services.content import ContentError
from workflows.services.transitions import transition_fire

from ._demo_budgets import budgets_seed
from ._demo_calendar import milestones_seed
from ._demo_consultation import consultation_seed
from ._demo_council import council_seed
from ._demo_review import review_agreements_seed
from ._demo_values import values_seed

PASSWORD = "demo-planung"
CATALOG_DIR = Path(settings.BASE_DIR) / "catalogs"
PEINE, LAATZEN = "landkreis-peine", "stadt-laatzen"
GOAL_CATALOG = "landkreis-peine.yaml"  # the 2009/2010 goals: source of the 2026 agreements
CATALOGS = (GOAL_CATALOG, "landkreis-peine-sozialpolitik.yaml", "stadt-laatzen.yaml")
YEAR = 2026


@dataclass(frozen=True)
class DemoUser:
    """A demo login: its body (None for the platform admin), role and department."""

    username: str
    first_name: str
    last_name: str
    body: str | None
    role: Role | None = None
    department: str | None = None
    # An external stakeholder's organisation (created when missing) and its kind.
    organisation: str | None = None
    organisation_kind: str = OrganisationKind.MUNICIPALITY


ADMIN = DemoUser("admin", "Plattform", "Administration", None)
PEINE_USERS = (
    DemoUser("leitung", "Martina", "Brandes", PEINE, Role.MANAGEMENT),
    DemoUser("steuerung", "Jonas", "Petersen", PEINE, Role.STRATEGY_UNIT),
    DemoUser("fdleitung", "Sabine", "Krüger", PEINE, Role.DEPARTMENT_HEAD, "FD 67"),
    DemoUser("sachbearbeitung", "Tobias", "Wendt", PEINE, Role.DEPARTMENT_EDITOR, "FD 67"),
    DemoUser("schriftfuehrung", "Anke", "Vogt", PEINE, Role.COMMITTEE_SECRETARY),
    DemoUser("kreistag", "Heinrich", "Lüders", PEINE, Role.COUNCIL_MEMBER),
    DemoUser(
        "extern", "Leyla", "Demir", PEINE, Role.EXTERNAL_STAKEHOLDER, organisation="Gemeinde Ilsede"
    ),
    # The contact person of a welfare association invited to the demo's consultations.
    DemoUser(
        "awo",
        "Renate",
        "Köhler",
        PEINE,
        Role.EXTERNAL_STAKEHOLDER,
        organisation="AWO Kreisverband Peine e. V.",
        organisation_kind=OrganisationKind.WELFARE,
    ),
)
# The heads of Peine's other Fachdienste: they submit their own reviews and proposals.
PEINE_HEADS = tuple(
    DemoUser(f"fd{code[3:]}", first, last, PEINE, Role.DEPARTMENT_HEAD, code)
    for code, first, last in (
        ("FD 10", "Stefan", "Hartmann"),
        ("FD 20", "Birgit", "Lange"),
        ("FD 32", "Markus", "Behrens"),
        ("FD 37", "Claudia", "Meyer"),
        ("FD 40", "Andreas", "Schröder"),
        ("FD 41", "Nicole", "Hoffmann"),
        ("FD 50", "Petra", "Wolters"),
        ("FD 51", "Kerstin", "Bode"),
        ("FD 53", "Frank", "Ahrens"),
        ("FD 60", "Jan", "Hinrichs"),
        ("FD 65", "Thomas", "Kruse"),
        ("FD 66", "Ralf", "Dierks"),
    )
)
LAATZEN_USERS = (
    DemoUser("laatzen-leitung", "Katrin", "Sommer", LAATZEN, Role.MANAGEMENT),
    DemoUser("laatzen-steuerung", "Oliver", "Brandt", LAATZEN, Role.STRATEGY_UNIT),
    DemoUser("laatzen-fdleitung", "Miriam", "Engel", LAATZEN, Role.DEPARTMENT_HEAD, "FD 30"),
)
DEMO_USERS = (*PEINE_USERS, *PEINE_HEADS, *LAATZEN_USERS, ADMIN)

# The goal review of Peine's 2026 cycle; departments not listed stay drafts.
REVIEWS_ACCEPTED = ("FD 10", "FD 20", "FD 32")
REVIEWS_SUBMITTED = ("FD 37", "FD 40", "FD 65")
REVIEW_RETURNED = "FD 67"
RETURN_COMMENT = (
    "Bitte ergänzen Sie die Istwerte 2025 der Kennzahlen und begründen Sie, warum sich die "
    "Ausweisung der Schutzgebiete verzögert."
)
# Departments whose goal agreements (proposals) are already submitted.
AGREEMENTS_SUBMITTED = ("FD 10", "FD 20", "FD 37", "FD 65")
# Their answers (submitting needs all but the balance); the effects are the goal's title.
DEMO_PROGRAMMES = "Maßnahmen und Produkte laut Haushaltsplan des Fachdienstes"
DEMO_PROCESSES = "Umsetzung in der bestehenden Fachdienststruktur, Bericht im Ausschuss"
DEMO_RESOURCES = "Im Rahmen des vorhandenen Personal- und Sachmittelbudgets"


# The demo's phase dates count from the day it is seeded, so that its reminders really
# fire: the goal review ends in a week (its 7-day reminders go out at the first sweep).
DEMO_PHASE_DAYS = {
    Phase.GOAL_REVIEW: 7,
    Phase.FRAMEWORK: 14,
    Phase.RETREAT_PREPARATION: 30,
    Phase.RETREAT: 45,
    Phase.COUNCIL_RESOLUTION: 60,
    Phase.PLANNING: 120,
    Phase.BUDGET_INTRODUCTION: 135,
    Phase.BUDGET_RESOLUTION: 200,
}


def demo_dates() -> dict[str, dt.date]:
    """Return the demo cycle's phase dates, counted from today."""
    today = timezone.localdate()
    return {phase: today + dt.timedelta(days=days) for phase, days in DEMO_PHASE_DAYS.items()}


class Command(BaseCommand):
    help = "Legt die Demo-Daten an (Landkreis Peine 2026, Stadt Laatzen) und zeigt die Logins."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            password = make_password(PASSWORD)  # hashed once: all demo users share it
            admin = _user(ADMIN, password, None)
            for name in CATALOGS:
                report = catalog_import(acting_user=admin, path=CATALOG_DIR / name)
                self.stdout.write(report.summary_lines()[0])
                for warning in report.warnings:
                    self.stdout.write(f"  Hinweis: {warning}")
            bodies = {b.key: b for b in Body.objects.filter(key__in=[PEINE, LAATZEN])}
            users = {u.username: _user(u, password, bodies[u.body]) for u in DEMO_USERS if u.body}
            peine_cycle = PlanningCycle.objects.filter(body=bodies[PEINE], year=YEAR).first()
            if peine_cycle is None:
                peine_cycle = _peine_cycle(bodies[PEINE], users)
                self.stdout.write(f"{bodies[PEINE]}: {peine_cycle} angelegt.")
            if not PlanningCycle.objects.filter(body=bodies[LAATZEN], year=YEAR).exists():
                # Current dates like Peine's: a demo seeded today shows no stale deadlines.
                laatzen_cycle = cycle_create(
                    acting_user=users["laatzen-leitung"],
                    body=bodies[LAATZEN],
                    year=YEAR,
                    dates=demo_dates(),
                )
                self.stdout.write(f"{bodies[LAATZEN]}: {laatzen_cycle} angelegt.")
            # Börde-style consultations (statements, evaluation) on Peine's goal catalog.
            consultation_seed(bodies[PEINE], peine_cycle, users, self.stdout.write)
            # Committees, the Börde paper of 2018 and the 2025 goals paper before the Kreistag.
            council_seed(bodies[PEINE], users, admin, self.stdout.write)
            # FD 67's indicators with targets and 2025 actuals for its goal review.
            values_seed(bodies[PEINE], self.stdout.write)
            # FD 67's 2025 agreements in implementation: its review reports their achievement.
            review_agreements_seed(bodies[PEINE], users, self.stdout.write)
            # Ceilings per department and Peine's 1 % savings target; FD 67's products.
            budgets_seed(bodies[PEINE], peine_cycle, self.stdout.write)
            # A preparation step and an interim report to the Kreistag in the cycle's year.
            milestones_seed(peine_cycle, users["leitung"], self.stdout.write)
        self._print_states(peine_cycle)
        self._print_logins()

    def _print_states(self, cycle: PlanningCycle) -> None:
        for label, rows in (
            ("Zielbilanzierungen", DepartmentReview.objects.filter(cycle=cycle)),
            ("Zielvereinbarungen", GoalAgreement.objects.filter(cycle=cycle)),
        ):
            choices = dict(rows.model._meta.get_field("state").choices or [])
            counts = rows.values_list("state").annotate(n=Count("id")).order_by("state")
            states = ", ".join(f"{n} {choices[state]}" for state, n in counts)
            self.stdout.write(
                f"{cycle.body} {cycle.year}, Phase {cycle.get_phase_display()}: {label}: {states}"
            )

    def _print_logins(self) -> None:
        roles = dict(Role.choices)
        rows = [("Kommune", "Name", "Rolle", "Benutzername", "Passwort")]
        bodies = dict(Body.objects.values_list("key", "name"))
        for u in DEMO_USERS:
            role = str(roles[u.role]) if u.role else "Administration (alle Kommunen)"
            if u.department:
                role += f", {u.department}"
            if u.organisation:
                role += f", {u.organisation}"
            rows.append(
                (
                    bodies.get(u.body or "", "(alle)"),
                    f"{u.first_name} {u.last_name}",
                    role,
                    u.username,
                    PASSWORD,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [
            " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(f"\nDemo-Zugänge ({site}/):\n" + "\n".join(lines))


def _user(spec: DemoUser, password: str, body: Body | None) -> User:
    """Return the demo user, creating it with its role when missing; never change it."""
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            # Reserved .example domains: the demo's mails go to the console, never out.
            "email": f"{spec.username}@{spec.body or 'plattform'}.example",
            "body": body,
            "password": password,
            "is_staff": spec.body is None,
            "is_superuser": spec.body is None,
        },
    )
    if created and spec.role is not None:
        scope: Department | Organisation | None = (
            Department.objects.get(body=body, code=spec.department) if spec.department else None
        )
        if spec.organisation:
            scope, _created = Organisation.objects.get_or_create(
                body=body,
                name=spec.organisation,
                defaults={"kind": spec.organisation_kind},
            )
        role_assign(acting_user=SYSTEM, user=user, role=spec.role, scope=scope)
    return user


def _peine_cycle(body: Body, users: dict[str, User]) -> PlanningCycle:
    """Create the 2026 cycle and bring it into a realistic goal review by real transitions."""
    management = users["leitung"]
    heads = {
        u.department: users[u.username]
        for u in (*PEINE_USERS, *PEINE_HEADS)
        if u.role == Role.DEPARTMENT_HEAD
    }
    cycle = cycle_create(acting_user=management, body=body, year=YEAR, dates=demo_dates())
    reviews = {r.department.code: r for r in cycle.reviews.select_related("department")}

    for code in (*REVIEWS_ACCEPTED, *REVIEWS_SUBMITTED, REVIEW_RETURNED):
        review = reviews[code]
        review.summary = (
            f"Bilanz {YEAR - 1} des {review.department.name}: Die vereinbarten "
            "Handlungsschwerpunkte wurden überwiegend umgesetzt; Abweichungen sind bei den "
            "einzelnen Zielen begründet."
        )
        review.save(update_fields=["summary", "updated_at"])
        transition_fire(acting_user=heads[code], obj=review, transition="submit")
    for code in REVIEWS_ACCEPTED:
        transition_fire(acting_user=management, obj=reviews[code], transition="accept")
    transition_fire(
        acting_user=management,
        obj=reviews[REVIEW_RETURNED],
        transition="return_",
        comment=RETURN_COMMENT,
    )

    # One agreement per action priority of the 2009/2010 catalog and lead department.
    keys = {
        og.key
        for pf in load_catalog(CATALOG_DIR / GOAL_CATALOG).spec.policy_fields
        for sg in pf.strategic_goals
        for og in sg.operative_goals
    }
    goals = OperativeGoal.objects.filter(body=body, key__in=keys).prefetch_related("departments")
    for goal in goals:
        for department in goal.departments.all():
            head = heads[department.code]
            try:
                agreement = agreement_propose(
                    acting_user=head, cycle=cycle, operative_goal=goal, department=department
                )
            except ContentError as exc:
                if exc.status == 409:  # proposed already: leave it as it is
                    continue
                raise
            if department.code in AGREEMENTS_SUBMITTED:
                agreement_update(
                    acting_user=head,
                    agreement=agreement,
                    balance="",
                    effects=goal.title,
                    programmes=DEMO_PROGRAMMES,
                    processes=DEMO_PROCESSES,
                    resources=DEMO_RESOURCES,
                )
                transition_fire(acting_user=head, obj=agreement, transition="submit")
    return cycle
