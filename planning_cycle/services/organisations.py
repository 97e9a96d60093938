"""Stakeholder organisations of a body and their contact people; import from CSV.

Managed by holders of organisation_manage on the body (the strategy unit). A contact person
is a user of the body with an unusable password holding the external stakeholder role on
the organisation; the invitation e-mail carries a one-time link to set the password.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int
from django.utils.translation import gettext as _

from planning_cycle.access import permission_checker, user_may
from planning_cycle.models import Body, Organisation, Role, RoleAssignment, User
from planning_cycle.models.organisations import OrganisationKind
from planning_cycle.text import TextRefused, text_clean

from .audit import SYSTEM, Actor, NotPermitted
from .roles import role_assign, role_revoke

MANAGE_PERMISSION = "planning_cycle.organisation_manage"
INVITATION_LINK_DAYS = 60
NAME_LENGTH = 200
ADDRESS_LENGTH = 1_000
PERSON_NAME_LENGTH = 150
CSV_COLUMNS = (
    "name",
    "kind",
    "email",
    "address",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
)
# A file of a few thousand rows is plenty for the organisations of one body.
CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_MAX_ROWS = 5_000


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """The one-time token of the link to set a password that comes with an invitation.

    Django's reset token (it hashes the password and the last login: once a password is
    set the link is spent), with a salt of its own and valid for INVITATION_LINK_DAYS: an
    invitation is answered within weeks, not the three days of a password reset.
    """

    key_salt = "planning_cycle.services.organisations.InvitationTokenGenerator"

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        age = self._num_seconds(self._now()) - ts
        return age <= INVITATION_LINK_DAYS * 24 * 3600


invitation_token_generator = InvitationTokenGenerator()


class OrganisationError(Exception):
    """An organisation or contact could not be changed; the message tells the user why.

    `field` names the input at fault where there is one.
    """

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class OrganisationNotPermitted(OrganisationError, NotPermitted):
    status = 403


def _require(acting_user: Actor, body: Body) -> None:
    """Refuse unless the actor may manage the body's organisations."""
    if acting_user is SYSTEM:
        return
    if (
        isinstance(acting_user, User)
        and acting_user.is_authenticated
        and user_may(permission_checker(acting_user), acting_user, MANAGE_PERMISSION, body)
    ):
        return
    raise OrganisationNotPermitted(
        _("Beteiligte Organisationen verwaltet nur die Strategische Steuerung der Kommune.")
    )


def _clean(value: str, *, what: str, limit: int, name: str, missing: str = "") -> str:
    """Return the cleaned text; `missing`: the message when it is required but empty."""
    try:
        cleaned = text_clean(value or "", what=what, limit=limit)
    except TextRefused as exc:
        raise OrganisationError(exc.message, field=name) from None
    if missing and not cleaned:
        raise OrganisationError(missing, field=name)
    return cleaned


def _no_name() -> str:
    return _("Bitte geben Sie den Namen der Organisation an.")


def _email(value: str, *, name: str, required: bool = False) -> str:
    email = (value or "").strip()
    if not email:
        if required:
            raise OrganisationError(_("Bitte geben Sie eine E-Mail-Adresse an."), field=name)
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise OrganisationError(
            _("„%(email)s“ ist keine gültige E-Mail-Adresse.") % {"email": email}, field=name
        ) from None
    return email


def _kind(value: str) -> str:
    kind = (value or "").strip() or OrganisationKind.OTHER
    labels = {str(label).casefold(): key for key, label in OrganisationKind.choices}
    if kind in OrganisationKind.values:
        return kind
    if kind.casefold() in labels:
        return labels[kind.casefold()]
    raise OrganisationError(
        _("Die Art „%(kind)s“ gibt es nicht; erlaubt sind: %(kinds)s.")
        % {"kind": kind, "kinds": ", ".join(OrganisationKind.values)},
        field="kind",
    )


def _name_taken(body: Body, name: str, *, exclude: int | None = None) -> bool:
    others = Organisation.objects.filter(body=body, name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.exists()


def organisation_create(
    *,
    acting_user: Actor,
    body: Body,
    name: str,
    kind: str = OrganisationKind.OTHER,
    email: str = "",
    address: str = "",
    second_person_release: bool = False,
) -> Organisation:
    """Create a stakeholder organisation of the body."""
    _require(acting_user, body)
    name = _clean(name, what=_("Der Name"), limit=NAME_LENGTH, name="name", missing=_no_name())
    values = {
        "kind": _kind(kind),
        "email": _email(email, name="email"),
        "address": _clean(address, what=_("Die Anschrift"), limit=ADDRESS_LENGTH, name="address"),
        "second_person_release": second_person_release,
    }
    if _name_taken(body, name):
        raise OrganisationError(_name_taken_message(name), field="name")
    try:
        with transaction.atomic():
            return Organisation.objects.create(body=body, name=name, **values)
    except IntegrityError:  # created by someone else meanwhile: the constraint decides
        raise OrganisationError(_name_taken_message(name), field="name") from None


def _name_taken_message(name: str) -> str:
    return _("Eine Organisation „%(name)s“ gibt es bereits.") % {"name": name}


def organisation_update(
    *,
    acting_user: Actor,
    organisation: Organisation,
    name: str,
    kind: str,
    email: str = "",
    address: str = "",
    second_person_release: bool = False,
) -> Organisation:
    """Change an organisation's name, kind, address and release rule."""
    _require(acting_user, organisation.body)
    name = _clean(name, what=_("Der Name"), limit=NAME_LENGTH, name="name", missing=_no_name())
    kind = _kind(kind)
    email = _email(email, name="email")
    address = _clean(address, what=_("Die Anschrift"), limit=ADDRESS_LENGTH, name="address")
    if _name_taken(organisation.body, name, exclude=organisation.pk):
        raise OrganisationError(_name_taken_message(name), field="name")
    try:
        with transaction.atomic():
            Organisation.objects.filter(pk=organisation.pk).update(
                name=name,
                kind=kind,
                email=email,
                address=address,
                second_person_release=second_person_release,
            )
    except IntegrityError:
        raise OrganisationError(_name_taken_message(name), field="name") from None
    organisation.name, organisation.kind, organisation.email = name, kind, email
    organisation.address, organisation.second_person_release = address, second_person_release
    return organisation


def organisation_deactivate(*, acting_user: Actor, organisation: Organisation) -> Organisation:
    """Mark an organisation inactive: it is no longer offered for new rounds (history stays)."""
    _require(acting_user, organisation.body)
    Organisation.objects.filter(pk=organisation.pk).update(active=False)
    organisation.active = False
    return organisation


def _username_for(email: str) -> str:
    # Usernames are unique across bodies: the e-mail, numbered when another body has it.
    base = email.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def contact_add(
    *,
    acting_user: Actor,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    email: str,
) -> User:
    """Add a contact person: a user of the body without a password, external on the org.

    An e-mail address already used by another user of the body is refused, unless that
    user is an external contact already: then they become a contact of this organisation
    too. The role is granted by the system after this service's own organisation_manage
    check: the strategy unit manages contacts but does not hold role_manage.
    """
    body = organisation.body
    _require(acting_user, body)
    first_name = _clean(
        first_name, what=_("Der Vorname"), limit=PERSON_NAME_LENGTH, name="first_name"
    )
    last_name = _clean(
        last_name,
        what=_("Der Nachname"),
        limit=PERSON_NAME_LENGTH,
        name="last_name",
        missing=_("Bitte geben Sie den Nachnamen an."),
    )
    email = _email(email, name="email", required=True)
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(body=body, email__iexact=email).first()
        if existing is not None:
            roles = set(RoleAssignment.objects.filter(user=existing).values_list("role", flat=True))
            is_contact = roles == {Role.EXTERNAL_STAKEHOLDER}
            former_contact = not roles and not existing.is_active
            if not (is_contact or former_contact):
                raise OrganisationError(
                    _(
                        "Die E-Mail-Adresse %(email)s gehört bereits zu %(user)s in dieser "
                        "Kommune; bitte verwenden Sie eine andere."
                    )
                    % {"email": email, "user": existing},
                    field="email",
                )
            user = existing
            if not user.is_active:
                user.is_active = True
                user.first_name, user.last_name = first_name, last_name
                user.save(update_fields=["is_active", "first_name", "last_name"])
        else:
            user = User(
                body=body,
                username=_username_for(email),
                first_name=first_name,
                last_name=last_name,
                email=email,
            )
            user.set_unusable_password()
            user.save()
        role_assign(
            acting_user=SYSTEM, user=user, role=Role.EXTERNAL_STAKEHOLDER, scope=organisation
        )
    return user


def contact_remove(*, acting_user: Actor, organisation: Organisation, user: User) -> None:
    """Take a contact person off an organisation; a user left without roles is deactivated."""
    _require(acting_user, organisation.body)
    with transaction.atomic():
        assignment = RoleAssignment.objects.filter(
            user=user, organisation=organisation, role=Role.EXTERNAL_STAKEHOLDER
        ).first()
        if assignment is None:
            raise OrganisationError(
                _("%(user)s ist keine Kontaktperson von %(organisation)s.")
                % {"user": user, "organisation": organisation}
            )
        # Granted by the system in contact_add: likewise revoked after our own check.
        role_revoke(acting_user=SYSTEM, assignment=assignment)
        if not RoleAssignment.objects.filter(user=user).exists():
            User.objects.filter(pk=user.pk).update(is_active=False)
            user.is_active = False


def contacts_of(organisation: Organisation) -> list[User]:
    """Return the contact people of an organisation, by name."""
    return list(
        User.objects.filter(
            roles__organisation=organisation,
            roles__role=Role.EXTERNAL_STAKEHOLDER,
        )
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


@dataclass
class ImportResult:
    """What an import did, or (errors) why it did nothing."""

    created: int = 0
    updated: int = 0
    contacts: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    values: dict[str, str]


def _decode(data: bytes) -> str:
    if len(data) > CSV_MAX_BYTES:
        raise OrganisationError(_("Die Datei ist größer als 2 MB."))
    try:
        # utf-8-sig drops the byte order mark Excel writes in front of UTF-8 files.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OrganisationError(
            _("Die Datei ist nicht in UTF-8 gespeichert; bitte als „CSV UTF-8“ speichern.")
        ) from None


def _rows(text: str) -> list[_Row]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise OrganisationError(_("Die Datei ist leer.")) from None
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise OrganisationError(
            _("In der Kopfzeile fehlen die Spalten: %(columns)s (erwartet: %(expected)s).")
            % {"columns": ", ".join(missing), "expected": ";".join(CSV_COLUMNS)}
        )
    rows: list[_Row] = []
    try:
        for line in reader:
            if not any(cell.strip() for cell in line):
                continue
            if len(rows) >= CSV_MAX_ROWS:
                raise OrganisationError(
                    _("Die Datei hat mehr als %(max)s Zeilen.") % {"max": CSV_MAX_ROWS}
                )
            values = {name: (line[i] if i < len(line) else "") for i, name in enumerate(header)}
            # Line numbers as a spreadsheet shows them: the header is line 1.
            rows.append(_Row(number=reader.line_num, values=values))
    except csv.Error as exc:
        raise OrganisationError(
            _("Die Datei ist keine lesbare CSV-Datei (Zeile %(line)s): %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from None
    return rows


def _check_row(row: _Row, body: Body, names_seen: dict[str, int]) -> tuple[dict[str, str], str]:
    """Return the row's clean organisation and contact values; raise on the first fault."""
    v = row.values
    name = _clean(v["name"], what=_("Der Name"), limit=NAME_LENGTH, name="name", missing=_no_name())
    org = {
        "name": name,
        "kind": _kind(v["kind"]),
        "email": _email(v["email"], name="email"),
        "address": _clean(v["address"], what=_("Die Anschrift"), limit=ADDRESS_LENGTH, name="a"),
        "contact_first_name": _clean(
            v["contact_first_name"], what=_("Der Vorname"), limit=PERSON_NAME_LENGTH, name="f"
        ),
        "contact_last_name": _clean(
            v["contact_last_name"], what=_("Der Nachname"), limit=PERSON_NAME_LENGTH, name="l"
        ),
        "contact_email": _email(v["contact_email"], name="contact_email"),
    }
    has_contact = bool(org["contact_email"] or org["contact_last_name"])
    if has_contact and not (org["contact_email"] and org["contact_last_name"]):
        raise OrganisationError(_("Für die Kontaktperson sind Nachname und E-Mail-Adresse nötig."))
    key = name.casefold()
    if key in names_seen and not has_contact:
        raise OrganisationError(
            _("Die Organisation „%(name)s“ steht schon in Zeile %(line)s.")
            % {"name": name, "line": names_seen[key]}
        )
    names_seen.setdefault(key, row.number)
    return org, key


def organisations_import_csv(*, acting_user: Actor, body: Body, data: bytes) -> ImportResult:
    """Import organisations and contacts from CSV, all or nothing.

    Header: name;kind;email;address;contact_first_name;contact_last_name;contact_email,
    separated by semicolons (Excel) or commas, UTF-8 with or without byte order mark.
    Organisations of the same name are updated, not duplicated; a row naming a contact
    adds them. One bad row and nothing is imported: the result lists every bad row.
    """
    _require(acting_user, body)
    try:
        rows = _rows(_decode(data))
    except OrganisationError as exc:
        return ImportResult(errors=[exc.message])
    if not rows:
        return ImportResult(errors=[_("Die Datei enthält keine Organisationen.")])
    errors: list[str] = []
    checked: list[tuple[_Row, dict[str, str]]] = []
    names_seen: dict[str, int] = {}
    for row in rows:
        try:
            values, _key = _check_row(row, body, names_seen)
        except OrganisationError as exc:
            errors.append(_("Zeile %(line)s: %(error)s") % {"line": row.number, "error": exc})
            continue
        checked.append((row, values))
    if errors:
        return ImportResult(errors=errors)
    result = ImportResult()
    try:
        with transaction.atomic():
            existing = {o.name.casefold(): o for o in Organisation.objects.filter(body=body)}
            done: set[str] = set()
            for row, values in checked:
                key = values["name"].casefold()
                org = existing.get(key)
                fields = {k: values[k] for k in ("kind", "email", "address")}
                if key not in done:
                    if org is None:
                        org = Organisation.objects.create(body=body, name=values["name"], **fields)
                        existing[key] = org
                        result.created += 1
                    else:
                        Organisation.objects.filter(pk=org.pk).update(active=True, **fields)
                        result.updated += 1
                    done.add(key)
                assert org is not None
                if values["contact_email"]:
                    try:
                        contact_add(
                            acting_user=SYSTEM,
                            organisation=org,
                            first_name=values["contact_first_name"],
                            last_name=values["contact_last_name"],
                            email=values["contact_email"],
                        )
                    except OrganisationError as exc:
                        errors.append(
                            _("Zeile %(line)s: %(error)s") % {"line": row.number, "error": exc}
                        )
                        continue
                    result.contacts += 1
            if errors:
                raise _Rollback
    except _Rollback:
        return ImportResult(errors=errors)
    return result


class _Rollback(Exception):
    """Undo an import that found bad rows while writing."""
