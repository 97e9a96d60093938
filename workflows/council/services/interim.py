"""Draft the interim report to the council: a paper with the goal review (Zielbilanz) PDF.

One paper per body and reporting period (DB constraint `interim_paper_one_per_period`):
asking again returns the paper already drafted. A milestone of kind interim report may
lead to it; the paper remembers the milestone, so the cycle's page links to it.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.controlling.reports.data import goal_review
from planning_cycle.controlling.reports.pdf import goal_review_pdf
from planning_cycle.models import (
    Body,
    CycleMilestone,
    Department,
    MilestoneKind,
    Period,
    User,
    periods_of_body,
)

from ..models import InterimReportPaper, Paper
from ..states import FileRole, PaperType
from .base import MANAGE, CouncilError, checker_for, require, same_body
from .files import paper_files_attach
from .papers import paper_create


def period_label(year: int, period: str) -> str:
    """Return e.g. "1. Halbjahr 2027" or "2027" for the year."""
    if period == Period.YEAR:
        return str(year)
    return f"{Period(period).label} {year}"


def interim_period_default(body: Body, due: dt.date) -> tuple[int, str]:
    """Return the last period the body reports in that ended before a due date."""
    periods = periods_of_body(body)
    ends = {
        Period.Q3: dt.date(due.year, 9, 30),
        Period.H1: dt.date(due.year, 6, 30),
        Period.Q2: dt.date(due.year, 6, 30),
        Period.Q1: dt.date(due.year, 3, 31),
    }
    for period, end in ends.items():
        if period in periods and end < due:
            return due.year, period
    return due.year - 1, Period.YEAR


def _lead_department(user: User, body_id: int) -> Department | None:
    own = (
        Department.objects.filter(body_id=body_id, role_assignments__user=user)
        .order_by("pk")
        .first()
    )
    if own is not None:
        return own
    return Department.objects.filter(body_id=body_id, code__in=("StS", "Sts", "STS")).first()


def interim_paper_of(body_id: int, year: int, period: str) -> Paper | None:
    """Return the paper drafted for the body's goal review of a period, if any."""
    row = (
        InterimReportPaper.objects.filter(
            body_id=body_id, year=year, period=period, paper__deleted=False
        )
        .select_related("paper")
        .first()
    )
    return row.paper if row is not None else None


def interim_paper_create(
    *,
    acting_user: User,
    year: int,
    period: str,
    milestone: CycleMilestone | None = None,
    lead_department: Department | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> tuple[Paper, bool]:
    """Draft the interim report paper of a period with its Zielbilanz PDF; idempotent.

    Returns the paper and whether it was created now (False: it existed already).
    """
    checker = checker_for(acting_user, checker)
    require(
        acting_user,
        checker,
        MANAGE,
        Paper(body=acting_user.body),
        _("Sie dürfen keine Vorlagen anlegen."),
    )
    same_body(acting_user, milestone, "milestone", _("Termin"))
    if milestone is not None and milestone.kind != MilestoneKind.INTERIM_REPORT:
        raise CouncilError(
            _("„%(title)s“ ist kein Zwischenbericht an den Rat.") % {"title": milestone.title},
            "milestone",
        )
    body = Body.objects.get(pk=acting_user.body_id or 0)
    if period not in periods_of_body(body):
        raise CouncilError(
            _("Im Zeitraum „%(period)s“ berichtet %(body)s keine Werte.")
            % {"period": period, "body": body},
            "period",
        )
    existing = interim_paper_of(body.pk, year, period)
    if existing is None and milestone is not None:
        row = InterimReportPaper.objects.filter(
            milestone=milestone, paper__deleted=False
        ).select_related("paper")
        existing = row[0].paper if row else None
    if existing is not None:
        return existing, False
    department = lead_department or _lead_department(acting_user, body.pk)
    label = period_label(year, period)
    pdf = goal_review_pdf(goal_review(body=body, year=year, period=period))
    name = _("Zielbilanz_%(period)s.pdf") % {
        "period": str(year) if period == Period.YEAR else f"{year}_{period.upper()}"
    }
    try:
        with transaction.atomic():
            # A deleted paper no longer reports the period: a new draft takes its place.
            InterimReportPaper.objects.filter(
                Q(body=body, year=year, period=period) | Q(milestone=milestone)
                if milestone is not None
                else Q(body=body, year=year, period=period),
                paper__deleted=True,
            ).delete()
            paper = paper_create(
                acting_user=acting_user,
                title=_("Zwischenbericht Zielbilanz %(period)s") % {"period": label},
                paper_type=PaperType.INFORMATION,
                lead_department=department,
                reasoning=_(
                    "Die Verwaltung berichtet über den Stand der Zielerreichung "
                    "(Zielbilanz %(period)s). Der Bericht liegt als Anlage bei."
                )
                % {"period": label},
                cycle=milestone.cycle if milestone is not None else None,
                checker=checker,
            )
            # The row first: a concurrent second click fails here, before any file is stored.
            InterimReportPaper.objects.create(
                body=body, paper=paper, milestone=milestone, year=year, period=period
            )
            paper_files_attach(
                acting_user=acting_user,
                paper=paper,
                uploads=[ContentFile(pdf, name=name)],
                role=FileRole.MAIN,
                name=name,
                checker=checker,
            )
    except IntegrityError as exc:
        if "interim_paper_one_per_period" not in str(exc):
            raise
        found = interim_paper_of(body.pk, year, period)
        if found is None:
            raise
        return found, False
    return paper, True
