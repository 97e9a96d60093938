"""Keeping the body's persons, legislative terms and meeting places (the council office)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import User

from ..models import LegislativeTerm, Location, Membership, Person
from .base import CouncilError, checker_for, row_create, row_update, same_body, text_input
from .committees import require_committee_manage

PERSON_NAME_MAX = 100
PERSON_TITLE_MAX = 40
TERM_NAME_MAX = 100
LOCATION_DESCRIPTION_MAX = 200
ROOM_MAX = 100
STREET_MAX = 200
POSTAL_CODE_MAX = 10
LOCALITY_MAX = 100


def _body_id(user: User) -> int:
    assert user.body_id is not None  # require_committee_manage: a user of a body
    return user.body_id


# --- persons ------------------------------------------------------------------------------


def _person_values(
    *, given_name: str, family_name: str, title: str, form_of_address: str
) -> dict[str, str]:
    return {
        "given_name": text_input(
            given_name, what=_("den Vornamen"), field="given_name", limit=PERSON_NAME_MAX
        ),
        "family_name": text_input(
            family_name,
            what=_("den Nachnamen"),
            field="family_name",
            limit=PERSON_NAME_MAX,
            required=True,
        ),
        "title": text_input(title, what=_("den Titel"), field="title", limit=PERSON_TITLE_MAX),
        "form_of_address": text_input(
            form_of_address, what=_("die Anrede"), field="form_of_address", limit=PERSON_TITLE_MAX
        ),
    }


def _namesake() -> CouncilError:
    return CouncilError(
        _("Eine Person dieses Namens gibt es schon; bitte wählen Sie sie aus der Liste."),
        "family_name",
        status=409,
    )


def person_create(
    *,
    acting_user: User,
    given_name: str,
    family_name: str,
    title: str = "",
    form_of_address: str = "",
    public_consent: bool = False,
    checker: ObjectPermissionChecker | None = None,
) -> Person:
    """Create a person of the acting user's body (a future committee member)."""
    checker = checker_for(acting_user, checker)
    require_committee_manage(acting_user, checker)
    values = _person_values(
        given_name=given_name, family_name=family_name, title=title, form_of_address=form_of_address
    )
    body_id = _body_id(acting_user)
    # The database refuses a namesake (person_name_unique); a second submission meets it.
    return row_create(
        Person, {"body_id": body_id, "public_consent": public_consent, **values}, _namesake
    )


def _not_deleted(person: Person) -> None:
    if person.deleted:
        raise CouncilError(_("Diese Person ist gelöscht."), status=409)


def person_update(
    *,
    acting_user: User,
    person: Person,
    given_name: str,
    family_name: str,
    title: str = "",
    form_of_address: str = "",
    public_consent: bool = False,
    checker: ObjectPermissionChecker | None = None,
) -> Person:
    """Change a person's name, title, form of address or consent to publication."""
    checker = checker_for(acting_user, checker)
    same_body(acting_user, person, "person", _("Person"))
    require_committee_manage(acting_user, checker)
    values = _person_values(
        given_name=given_name, family_name=family_name, title=title, form_of_address=form_of_address
    )
    return row_update(
        person, {**values, "public_consent": public_consent}, _namesake, check=_not_deleted
    )


def person_delete(
    *,
    acting_user: User,
    person: Person,
    checker: ObjectPermissionChecker | None = None,
) -> int:
    """Delete a person (kept as deleted, as OParl shows it) and end their memberships.

    Return how many memberships were taken out with the person.
    """
    checker = checker_for(acting_user, checker)
    same_body(acting_user, person, "person", _("Person"))
    require_committee_manage(acting_user, checker)
    now = timezone.now()
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.deleted:
            raise CouncilError(_("%(person)s ist schon gelöscht.") % {"person": locked}, status=409)
        seats = Membership.objects.filter(person=locked, deleted=False).update(
            deleted=True, updated_at=now
        )
        Person.objects.filter(pk=locked.pk).update(deleted=True, updated_at=now)
    return seats


# --- legislative terms --------------------------------------------------------------------


def _day(value: dt.date) -> str:
    return formats.date_format(value, "d.m.Y")


def _term_values(
    *, name: str, start_date: dt.date | None, end_date: dt.date | None
) -> dict[str, object]:
    if start_date is None:
        raise CouncilError(_("Bitte geben Sie den Beginn der Wahlperiode an."), "start_date")
    if end_date is not None and end_date < start_date:
        raise CouncilError(
            _("Das Ende (%(end)s) liegt vor dem Beginn (%(start)s) der Wahlperiode.")
            % {"end": _day(end_date), "start": _day(start_date)},
            "end_date",
        )
    return {
        "name": text_input(
            name, what=_("eine Bezeichnung"), field="name", limit=TERM_NAME_MAX, required=True
        ),
        "start_date": start_date,
        "end_date": end_date,
    }


def _term_name_taken() -> CouncilError:
    return CouncilError(_("Eine Wahlperiode dieses Namens gibt es schon."), "name", status=409)


def legislative_term_create(
    *,
    acting_user: User,
    name: str,
    start_date: dt.date | None,
    end_date: dt.date | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> LegislativeTerm:
    """Create a legislative term (Wahlperiode) of the acting user's body."""
    checker = checker_for(acting_user, checker)
    require_committee_manage(acting_user, checker)
    values = _term_values(name=name, start_date=start_date, end_date=end_date)
    return row_create(
        LegislativeTerm, {"body_id": _body_id(acting_user), **values}, _term_name_taken
    )


def legislative_term_update(
    *,
    acting_user: User,
    term: LegislativeTerm,
    name: str,
    start_date: dt.date | None,
    end_date: dt.date | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> LegislativeTerm:
    """Change a legislative term's name or dates."""
    checker = checker_for(acting_user, checker)
    same_body(acting_user, term, "term", _("Wahlperiode"))
    require_committee_manage(acting_user, checker)
    values = _term_values(name=name, start_date=start_date, end_date=end_date)
    return row_update(term, values, _term_name_taken)


# --- locations ----------------------------------------------------------------------------


def _location_values(
    *, description: str, room: str, street_address: str, postal_code: str, locality: str
) -> dict[str, str]:
    return {
        "description": text_input(
            description,
            what=_("eine Bezeichnung"),
            field="description",
            limit=LOCATION_DESCRIPTION_MAX,
            required=True,
        ),
        "room": text_input(room, what=_("den Raum"), field="room", limit=ROOM_MAX),
        "street_address": text_input(
            street_address,
            what=_("Straße und Hausnummer"),
            field="street_address",
            limit=STREET_MAX,
        ),
        "postal_code": text_input(
            postal_code, what=_("die Postleitzahl"), field="postal_code", limit=POSTAL_CODE_MAX
        ),
        "locality": text_input(locality, what=_("den Ort"), field="locality", limit=LOCALITY_MAX),
    }


def _same_place() -> CouncilError:
    return CouncilError(
        _("Einen Sitzungsort mit dieser Bezeichnung und diesem Raum gibt es schon."),
        "description",
        status=409,
    )


def location_create(
    *,
    acting_user: User,
    description: str,
    room: str = "",
    street_address: str = "",
    postal_code: str = "",
    locality: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> Location:
    """Create a meeting place of the acting user's body."""
    checker = checker_for(acting_user, checker)
    require_committee_manage(acting_user, checker)
    values = _location_values(
        description=description,
        room=room,
        street_address=street_address,
        postal_code=postal_code,
        locality=locality,
    )
    body_id = _body_id(acting_user)
    # The database refuses a second place of the same name and room (location_unique).
    return row_create(Location, {"body_id": body_id, **values}, _same_place)


def location_update(
    *,
    acting_user: User,
    location: Location,
    description: str,
    room: str = "",
    street_address: str = "",
    postal_code: str = "",
    locality: str = "",
    checker: ObjectPermissionChecker | None = None,
) -> Location:
    """Change a meeting place (its meetings show the new address)."""
    checker = checker_for(acting_user, checker)
    same_body(acting_user, location, "location", _("Sitzungsort"))
    require_committee_manage(acting_user, checker)
    values = _location_values(
        description=description,
        room=room,
        street_address=street_address,
        postal_code=postal_code,
        locality=locality,
    )
    return row_update(location, values, _same_place)
