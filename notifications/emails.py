"""Build the e-mails of notifications and digests: plain text and HTML, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import ngettext
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import permission_checker
from planning_cycle.models import User
from planning_cycle.services.organisations import invitation_token_generator
from workflows.consultation.models import Invitation
from workflows.consultation.selectors.evaluation import final_notice_context

from .models import (
    CONSULTATION_KINDS,
    Digest,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from .rendering import notification_path, notification_text, notification_title


def outbox_message_id(outbox_id: int) -> str:
    """Return the Message-ID of the e-mail an outbox message sends: the same on every try."""
    # A stable id lets mail servers and the recipient's client recognise a duplicate that
    # an at-least-once delivery may produce (a worker dying between send and commit).
    host = urlsplit(settings.SITE_URL).hostname or "planning-cycle"
    return f"<outbox-{outbox_id}@{host}>"


def site_link(path: str) -> str:
    """Return the absolute address of a site path."""
    return settings.SITE_URL.rstrip("/") + path


def recipient_language(user: User) -> str:
    """Return the language the user reads e-mails in."""
    try:
        return str(user.notification_preference.language)  # type: ignore[attr-defined]
    except NotificationPreference.DoesNotExist:
        return str(settings.LANGUAGE_CODE)


def _one_line(text: str) -> str:
    # A header must not contain line breaks (names come from the admin).
    return " ".join(text.split())


def _item(notification: Notification, checker: ObjectPermissionChecker) -> dict[str, str]:
    return {
        "title": notification_title(notification, checker=checker),
        "text": notification_text(notification),
        "link": site_link(notification_path(notification)),
    }


def _message(
    *, user: User, subject: str, template: str, context: dict[str, Any], message_id: str
) -> EmailMultiAlternatives:
    context = {
        "recipient_name": user.get_full_name() or user.get_username(),
        "settings_link": site_link(reverse("notifications:notification_settings")),
        "language": translation.get_language(),
        **context,
    }
    email = EmailMultiAlternatives(
        subject=_one_line(subject),
        body=render_to_string(f"notifications/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "Message-ID": message_id,
            "Content-Language": translation.get_language(),
            # RFC 3834: no out-of-office replies to a machine.
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return email


def password_set_link(user: User) -> str:
    """Return the one-time link to set a password (invalid once a password is set)."""
    # The token hashes the password and the last login: setting a password ends it.
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return site_link(
        reverse("password_set", args=[uid, invitation_token_generator.make_token(user)])
    )


def _final_notice(invitation_id: object) -> dict[str, Any] | None:
    """Return the final notice's content (round, invitee, statements with disposition)."""
    invitation = (
        Invitation.objects.select_related("round", "department", "organisation")
        .filter(pk=invitation_id)
        .first()
    )
    return None if invitation is None else dict(final_notice_context(invitation))


def _consultation_context(notification: Notification) -> dict[str, Any]:
    user = notification.recipient
    context: dict[str, Any] = {"kind": notification.kind}
    if not user.has_usable_password():
        context["password_link"] = password_set_link(user)
    if notification.kind == NotificationKind.FINAL_NOTICE:
        context["final_notice"] = _final_notice(notification.data.get("invitation_id"))
    return context


def notification_email(notification: Notification, *, message_id: str) -> EmailMultiAlternatives:
    """Build the e-mail of one notification, with a link straight to its task."""
    user = notification.recipient
    with translation.override(recipient_language(user)):
        item = _item(notification, permission_checker(user))
        if notification.kind in CONSULTATION_KINDS:
            return _message(
                user=user,
                subject=item["title"],
                template="consultation",
                context={**item, **_consultation_context(notification)},
                message_id=message_id,
            )
        return _message(
            user=user,
            subject=item["title"],
            template="notification",
            context=item,
            message_id=message_id,
        )


def digest_email(
    digest: Digest, notifications: Sequence[Notification], *, message_id: str
) -> EmailMultiAlternatives:
    """Build the daily summary e-mail of a digest listing its notifications."""
    user = digest.recipient
    with translation.override(recipient_language(user)):
        day = date_format(digest.date, "SHORT_DATE_FORMAT")
        count = len(notifications)
        checker = permission_checker(user)
        subject = ngettext(
            "Tageszusammenfassung vom %(date)s: %(count)s Benachrichtigung",
            "Tageszusammenfassung vom %(date)s: %(count)s Benachrichtigungen",
            count,
        ) % {"date": day, "count": count}
        return _message(
            user=user,
            subject=subject,
            template="digest",
            context={
                "date": day,
                "count": count,
                "items": [_item(n, checker) for n in notifications],
            },
            message_id=message_id,
        )
