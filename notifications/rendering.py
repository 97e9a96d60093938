"""The words of a notification, in the active language (inbox, e-mail and digest)."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import permission_checker, user_may
from planning_cycle.models import User
from workflows.registry import task_of_kind

from .models import CONSULTATION_KINDS, Deadline, Notification, NotificationKind


def task_label(
    deadline: Deadline,
    *,
    reader: User | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> str:
    """Name the task as the reader may do it: a clerk prepares what the head submits.

    Without a reader (an overview of everyone's tasks) it is the task's own name. In a
    loop, pass the reader's checker (prefetched): then no permission check queries.
    """
    task = task_of_kind(deadline.kind)
    label = str(task.label) if task is not None and task.label else deadline.get_kind_display()
    if reader is None or task is None or not task.prepare_permission:
        return str(label)
    checker = checker or permission_checker(reader)
    if user_may(checker, reader, task.permission, deadline):
        return str(label)
    if user_may(checker, reader, task.prepare_permission, deadline):
        return str(task.prepare_label)
    return str(label)


def deadline_subject(
    deadline: Deadline,
    *,
    reader: User | None = None,
    checker: ObjectPermissionChecker | None = None,
) -> str:
    """Return what the task is about, e.g. "Zielbilanzierung einreichen, FD 67 (2026)"."""
    parts = [task_label(deadline, reader=reader, checker=checker)]
    department = deadline.department
    if department is not None:
        parts.append(f"{department.code} {department.name}")
    elif deadline.organisation_id is not None:
        parts.append(str(deadline.organisation))
    elif deadline.committee_id is not None:
        parts.append(str(deadline.committee))
    text = ", ".join(parts)
    cycle = deadline.cycle
    if cycle is not None:
        text += f" ({cycle.year})"
    return text


def due_text(deadline: Deadline) -> str:
    """Return the due time as a German/English date, e.g. "30.04.2026"."""
    return date_format(timezone.localtime(deadline.due_at), "SHORT_DATE_FORMAT")


def days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Return the number of local calendar days from start to end."""
    return (timezone.localdate(end) - timezone.localdate(start)).days


# The transitions whose task notification names them in the past tense; any other says
# only who acted when.
_RETURN = "return_"
_CAUSES = {
    _RETURN: lambda: _("Zurückgegeben von %(actor)s am %(date)s."),
    "submit": lambda: _("Eingereicht von %(actor)s am %(date)s."),
}


def _returned(notification: Notification) -> bool:
    return notification.data.get("transition") == _RETURN


def transition_text(notification: Notification) -> str:
    """Return which transition opened the task, by whom, when and why (empty when unknown)."""
    data = notification.data
    actor, at = data.get("actor"), data.get("at")
    if not actor or not at:
        return ""
    try:
        when = dt.datetime.fromisoformat(str(at))
    except ValueError:
        return ""
    cause = _CAUSES.get(str(data.get("transition")))
    template = cause() if cause else _("Ausgelöst von %(actor)s am %(date)s.")
    text = template % {
        "actor": actor,
        "date": date_format(timezone.localtime(when), "SHORT_DATE_FORMAT"),
    }
    comment = " ".join(str(data.get("comment") or "").split())
    if comment:
        text += " " + _("Kommentar: „%(comment)s“") % {"comment": comment}
    return text


def notification_title(
    notification: Notification, *, checker: ObjectPermissionChecker | None = None
) -> str:
    """Return the one-line title (inbox line, e-mail subject) for its recipient.

    Pass the recipient's checker when rendering several notifications.
    """
    deadline = notification.deadline
    if notification.kind in CONSULTATION_KINDS:
        return consultation_title(notification)
    if notification.kind == NotificationKind.DELIVERY_FAILED:
        return _("Zustellung fehlgeschlagen: Nachricht %(id)s") % {
            "id": notification.data.get("message_id", "?")
        }
    assert deadline is not None, notification.kind
    subject = deadline_subject(deadline, reader=notification.recipient, checker=checker)
    if notification.kind == NotificationKind.TASK:
        if _returned(notification):
            return _("Neue Aufgabe (zurückgegeben): %(subject)s") % {"subject": subject}
        return _("Neue Aufgabe: %(subject)s") % {"subject": subject}
    if notification.kind == NotificationKind.REMINDER:
        return _("Erinnerung: %(subject)s, fällig am %(due)s") % {
            "subject": subject,
            "due": due_text(deadline),
        }
    return _("Frist überschritten: %(subject)s, fällig seit %(due)s") % {
        "subject": subject,
        "due": due_text(deadline),
    }


def notification_text(notification: Notification) -> str:
    """Return the explaining sentence below the title."""
    deadline = notification.deadline
    data = notification.data
    if notification.kind in CONSULTATION_KINDS:
        return consultation_text(notification)
    if notification.kind == NotificationKind.DELIVERY_FAILED:
        return _(
            "Die Nachricht %(id)s (%(topic)s) konnte nach %(attempts)s Versuchen nicht "
            "zugestellt werden. Letzter Fehler: %(error)s"
        ) % {
            "id": data.get("message_id", "?"),
            "topic": data.get("topic", "?"),
            "attempts": data.get("attempts", "?"),
            "error": data.get("error", "?"),
        }
    assert deadline is not None, notification.kind
    if notification.kind == NotificationKind.TASK:
        due = _("Bitte erledigen Sie die Aufgabe bis zum %(due)s.") % {"due": due_text(deadline)}
        cause = transition_text(notification)
        return f"{cause} {due}" if cause else due
    if notification.kind == NotificationKind.REMINDER:
        # Counted from when the reminder went out: a caught-up reminder tells the truth.
        days = days_between(notification.created_at, deadline.due_at)
        if days <= 0:
            return _("Die Frist endet heute (%(due)s).") % {"due": due_text(deadline)}
        if days == 1:
            return _("Die Frist endet morgen (%(due)s).") % {"due": due_text(deadline)}
        return _("Die Frist endet in %(days)s Tagen (%(due)s).") % {
            "days": days,
            "due": due_text(deadline),
        }
    return _(
        "Die Aufgabe ist seit %(days)s Tagen überfällig (Frist: %(due)s). Die "
        "Verwaltungsleitung und die Strategische Steuerung sind informiert."
    ) % {"days": days_between(deadline.due_at, notification.created_at), "due": due_text(deadline)}


def notification_path(notification: Notification) -> str:
    """Return the site path the notification links to (the task, or the delivery list)."""
    if notification.deadline is not None:
        return notification.deadline.url_path
    if notification.data.get("path"):
        return str(notification.data["path"])
    return reverse("notifications:delivery_problems")


def _consultation_values(notification: Notification) -> dict[str, str]:
    data = notification.data
    due = ""
    with contextlib.suppress(ValueError):
        due = date_format(dt.date.fromisoformat(str(data.get("due"))), "SHORT_DATE_FORMAT")
    return {
        "round": str(data.get("round_title", "")),
        "invitee": str(data.get("invitee", "")),
        "due": due,
        "comment": " ".join(str(data.get("comment") or "").split()),
    }


def consultation_title(notification: Notification) -> str:
    """Return the title of a consultation notification (invitation, reminder, answer …)."""
    v = _consultation_values(notification)
    kind = notification.kind
    if kind == NotificationKind.INVITATION:
        return _("Einladung zur Stellungnahme: %(round)s (Frist: %(due)s)") % v
    if kind == NotificationKind.CONSULTATION_REMINDER:
        return _("Erinnerung: Stellungnahme zu „%(round)s“ bis zum %(due)s") % v
    if kind == NotificationKind.EXTENSION_ANSWER:
        if notification.data.get("transition") == "grant_extension":
            return _("Fristverlängerung gewährt: %(round)s, neue Frist %(due)s") % v
        return _("Fristverlängerung abgelehnt: %(round)s, Frist bleibt der %(due)s") % v
    if kind == NotificationKind.OVERDUE:
        return _("Frist versäumt: Stellungnahme zu „%(round)s“ (Frist: %(due)s)") % v
    return _("Schlussmitteilung: %(round)s") % v


def consultation_text(notification: Notification) -> str:
    """Return the explaining sentence of a consultation notification."""
    v = _consultation_values(notification)
    kind = notification.kind
    if kind == NotificationKind.INVITATION:
        return (
            _(
                "%(invitee)s ist eingeladen, zum Entwurf „%(round)s“ bis zum %(due)s Stellung "
                "zu nehmen."
            )
            % v
        )
    if kind == NotificationKind.CONSULTATION_REMINDER:
        return (
            _(
                "Die Stellungnahme von %(invitee)s zu „%(round)s“ steht noch aus; die Frist "
                "endet am %(due)s."
            )
            % v
        )
    if kind == NotificationKind.EXTENSION_ANSWER:
        if notification.data.get("transition") == "grant_extension":
            text = _("Die Frist für %(invitee)s wurde bis zum %(due)s verlängert.") % v
        else:
            text = (
                _(
                    "Die beantragte Fristverlängerung für %(invitee)s wurde abgelehnt; es "
                    "gilt weiter die Frist bis zum %(due)s."
                )
                % v
            )
        if v["comment"]:
            text += " " + _("Begründung: „%(comment)s“") % v
        return text
    if kind == NotificationKind.OVERDUE:
        return (
            _(
                "Die Frist für die Stellungnahme von %(invitee)s zu „%(round)s“ ist am "
                "%(due)s abgelaufen, ohne dass eine Stellungnahme abgegeben wurde. Sie "
                "können eine Fristverlängerung beantragen oder absagen."
            )
            % v
        )
    return (
        _(
            "Das Beteiligungsverfahren „%(round)s“ ist abgeschlossen. Wie Ihre Stellungnahmen "
            "abgewogen wurden, steht in dieser Mitteilung."
        )
        % v
    )
