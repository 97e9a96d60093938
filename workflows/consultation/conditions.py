"""Pure transition conditions of the consultation workflows; each says why it fails.

What they read beyond the row is loaded with the lock (the workflow's lock annotations);
outside a transition (a page offering the buttons) they fall back to the relations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workflows.conditions import Condition

from .states import Position, RoundState


def _locked(instance: Any, name: str, fallback: Any) -> Any:
    value = instance.__dict__.get(name)
    return fallback() if value is None else value


def _invitees(instance: Any) -> int:
    return int(_locked(instance, "locked_invitees", lambda: instance.invitations.count()))


HAS_INVITEES = Condition(
    lambda r: _invitees(r) > 0,
    lambda r: _("Laden Sie zuerst mindestens eine Organisationseinheit oder Organisation ein."),
)
HAS_INVITEES.__name__ = "has_invitees"


def _deadline_ahead(r: Any) -> bool:
    return bool(r.deadline) and r.deadline >= timezone.localdate()


DEADLINE_AHEAD = Condition(
    _deadline_ahead,
    lambda r: (
        _("Die Frist (%(due)s) muss heute oder später liegen.")
        % {"due": date_format(r.deadline, "SHORT_DATE_FORMAT") if r.deadline else "-"}
    ),
)
DEADLINE_AHEAD.__name__ = "deadline_ahead"


def _round_state(instance: Any) -> str:
    return str(_locked(instance, "locked_round_state", lambda: instance.round.state))


def _effective_deadline(instance: Any) -> dt.date:
    """Return the invitation's own deadline: its extension, else the round's."""
    found: dt.date | str | None = instance.__dict__.get("locked_deadline")
    if isinstance(found, str):
        # A raw query's annotation is not converted: SQLite hands the date over as text.
        return dt.date.fromisoformat(found)
    if found is not None:
        return found
    invitation = getattr(instance, "invitation", instance)
    return invitation.extended_until or invitation.round.deadline


ROUND_OPEN = Condition(
    lambda i: _round_state(i) == RoundState.OPEN,
    lambda i: (
        _("Das Beteiligungsverfahren ist %(state)s; Stellungnahmen sind nicht möglich.")
        % {"state": RoundState(_round_state(i)).label}
    ),
)
ROUND_OPEN.__name__ = "round_open"

ROUND_OPEN_OR_CLOSED = Condition(
    lambda i: _round_state(i) in (RoundState.OPEN, RoundState.CLOSED),
    lambda i: (
        _("Das Beteiligungsverfahren ist %(state)s.") % {"state": RoundState(_round_state(i)).label}
    ),
)
ROUND_OPEN_OR_CLOSED.__name__ = "round_open_or_closed"


def _in_time(instance: Any) -> bool:
    return timezone.localdate() <= _effective_deadline(instance)


IN_TIME = Condition(
    _in_time,
    lambda i: (
        _(
            "Die Frist zur Stellungnahme ist am %(due)s abgelaufen; eine Stellungnahme ist nur "
            "nach einer gewährten Fristverlängerung möglich."
        )
        % {"due": date_format(_effective_deadline(i), "SHORT_DATE_FORMAT")}
    ),
)
IN_TIME.__name__ = "in_time"

PAST_DEADLINE = Condition(
    lambda i: not _in_time(i),
    lambda i: (
        _("Die Frist läuft noch bis %(due)s.")
        % {"due": date_format(_effective_deadline(i), "SHORT_DATE_FORMAT")}
    ),
)
PAST_DEADLINE.__name__ = "past_deadline"


def _statement_has_text(s: Any) -> bool:
    return s.position == Position.NO_COMMENT or bool(str(s.text or "").strip())


STATEMENT_COMPLETE = Condition(
    lambda s: bool(s.position) and _statement_has_text(s),
    lambda s: (
        _("Bitte wählen Sie eine Haltung.")
        if not s.position
        else _("Bitte begründen Sie Ihre Haltung im Text der Stellungnahme.")
    ),
)
STATEMENT_COMPLETE.__name__ = "statement_complete"

DISPOSITION_COMPLETE = Condition(
    lambda e: bool(e.disposition) and bool(str(e.reason or "").strip()),
    lambda e: (
        _("Bitte wählen Sie ein Abwägungsergebnis.")
        if not e.disposition
        else _("Bitte begründen Sie das Abwägungsergebnis.")
    ),
)
DISPOSITION_COMPLETE.__name__ = "disposition_complete"
