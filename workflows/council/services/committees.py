"""Creating and changing committees and their members (Membership)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import Committee, CommitteeKind, User

from ..models import Membership, Person
from .base import (
    COMMITTEES,
    CouncilError,
    checker_for,
    require,
    row_create,
    row_update,
    same_body,
    text_input,
)

NAME_MAX = 200
SHORT_NAME_MAX = 40
ROLE_MAX = 100


def require_committee_manage(user: User, checker: ObjectPermissionChecker) -> None:
    """Refuse (403) unless the user keeps the committees of their body."""
    if user.body is None:
        raise CouncilError(_("Sie dürfen keine Gremien verwalten."), status=403)
    require(user, checker, COMMITTEES, user.body, _("Sie dürfen keine Gremien verwalten."))


def _dates_in_order(start: dt.date | None, end: dt.date | None, field: str) -> None:
    if start is not None and end is not None and end < start:
        raise CouncilError(_("Das Ende liegt vor dem Beginn."), field)


def _committee_values(
    *,
    name: str,
    short_name: str,
    kind: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
    position: int,
    website: str,
) -> dict[str, object]:
    if kind not in CommitteeKind.values:
        raise CouncilError(_("Bitte wählen Sie eine Art aus der Liste."), "kind")
    _dates_in_order(start_date, end_date, "end_date")
    if position < 0:
        raise CouncilError(_("Die Reihenfolge darf nicht negativ sein."), "position")
    if website and not website.startswith(("https://", "http://")):
        raise CouncilError(_("Die Internetseite muss mit https:// beginnen."), "website")
    return {
        "name": text_input(
            name, what=_("einen Namen"), field="name", limit=NAME_MAX, required=True
        ),
        "short_name": text_input(
            short_name, what=_("die Kurzbezeichnung"), field="short_name", limit=SHORT_NAME_MAX
        ),
        "kind": kind,
        "start_date": start_date,
        "end_date": end_date,
        "position": position,
        "website": website,
    }


def _name_taken() -> CouncilError:
    return CouncilError(_("Ein Gremium dieses Namens gibt es schon."), "name", status=409)


def committee_create(
    *,
    acting_user: User,
    name: str,
    kind: str = CommitteeKind.COMMITTEE,
    short_name: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    position: int = 0,
    website: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> Committee:
    """Create a committee of the acting user's body."""
    checker = checker_for(acting_user, checker)
    require_committee_manage(acting_user, checker)
    values = _committee_values(
        name=name,
        short_name=short_name,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        position=position,
        website=website,
    )
    assert acting_user.body_id is not None  # require_committee_manage: a user of a body
    return row_create(Committee, {"body_id": acting_user.body_id, **values}, _name_taken)


def committee_update(
    *,
    acting_user: User,
    committee: Committee,
    name: str,
    kind: str,
    short_name: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    position: int = 0,
    website: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> Committee:
    """Change a committee's name, kind, dates, position or website."""
    checker = checker_for(acting_user, checker)
    same_body(acting_user, committee, "committee", _("Gremium"))
    require_committee_manage(acting_user, checker)
    values = _committee_values(
        name=name,
        short_name=short_name,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        position=position,
        website=website,
    )
    return row_update(committee, values, _name_taken)


def membership_add(
    *,
    acting_user: User,
    committee: Committee,
    person: Person,
    role: str = "",
    voting_right: bool = True,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> Membership:
    """Give a person of the body a seat in a committee."""
    checker = checker_for(acting_user, checker)
    same_body(acting_user, committee, "committee", _("Gremium"))
    same_body(acting_user, person, "person", _("Person"))
    require_committee_manage(acting_user, checker)
    if person.deleted:
        raise CouncilError(_("Unbekannt: %(what)s.") % {"what": _("Person")}, "person")
    _dates_in_order(start_date, end_date, "end_date")
    function = text_input(role, what=_("die Funktion"), field="role", limit=ROLE_MAX)
    with transaction.atomic():
        # The committee's row serialises adding its members (a second submission waits here).
        Committee.objects.select_for_update().filter(pk=committee.pk).first()
        seated = Membership.objects.filter(
            committee=committee, person=person, deleted=False, start_date=start_date
        )
        if seated.exists():
            raise CouncilError(
                _("%(person)s ist schon Mitglied dieses Gremiums.") % {"person": person},
                "person",
                status=409,
            )
        return Membership.objects.create(
            body_id=committee.body_id,
            person=person,
            committee=committee,
            role=function or _("Mitglied"),
            voting_right=voting_right,
            start_date=start_date,
            end_date=end_date,
        )


def membership_remove(
    *,
    acting_user: User,
    membership: Membership,
    checker: ObjectPermissionChecker | None = None,
) -> None:
    """Take a membership out (kept as deleted, as OParl shows it)."""
    checker = checker_for(acting_user, checker)
    same_body(acting_user, membership, "membership", _("Mitgliedschaft"))
    require_committee_manage(acting_user, checker)
    Membership.objects.filter(pk=membership.pk).update(deleted=True, updated_at=timezone.now())
