"""Write services of a user's inbox, notification settings and calendar feed.

Each acts only on the acting user's own rows: a notification of someone else is refused
like a missing one, so that nobody learns whether it exists.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planning_cycle.models import User

from ..models import CalendarFeed, EmailMode, Notification, NotificationPreference
from ..selectors import token_hash

# 32 random bytes, URL-safe (43 characters).
TOKEN_BYTES = 32


class InboxError(Exception):
    """A change to the inbox or the settings was refused; the message tells the user why."""

    def __init__(self, message: str, *, field: str = "", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def _require_member(user: User) -> int:
    if not user.is_active or user.body_id is None:
        raise InboxError(_("Nur Mitglieder einer Kommune haben einen Posteingang."), status=403)
    return int(user.body_id)


def notification_mark_read(*, acting_user: User, notification: Notification) -> Notification:
    """Mark one of the acting user's notifications read (again: no change)."""
    body_id = _require_member(acting_user)
    if notification.recipient_id != acting_user.pk or notification.body_id != body_id:
        raise InboxError(_("Diese Benachrichtigung gibt es nicht."), status=404)
    now = timezone.now()
    updated = Notification.objects.filter(
        pk=notification.pk, recipient_id=acting_user.pk, read_at__isnull=True
    ).update(read_at=now)
    if updated:
        notification.read_at = now
    elif notification.read_at is None:
        # Marked read meanwhile (another tab): show the stored time.
        notification.read_at = (
            Notification.objects.filter(pk=notification.pk)
            .values_list("read_at", flat=True)
            .first()
        )
    return notification


def notifications_mark_all_read(*, acting_user: User) -> int:
    """Mark all unread notifications of the acting user read; return how many."""
    body_id = _require_member(acting_user)
    return Notification.objects.filter(
        recipient_id=acting_user.pk, body_id=body_id, read_at__isnull=True
    ).update(read_at=timezone.now())


def preference_update(
    *, acting_user: User, email_mode: str, language: str
) -> NotificationPreference:
    """Store how and in which language the acting user wants to be told."""
    _require_member(acting_user)
    if email_mode not in EmailMode.values:
        raise InboxError(
            _("Bitte wählen Sie, ob und wie Sie E-Mails erhalten möchten."), field="email_mode"
        )
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise InboxError(_("Bitte wählen Sie eine Sprache für die E-Mails."), field="language")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=acting_user, defaults={"email_mode": email_mode, "language": language}
    )
    return preference


def calendar_feed_create(*, acting_user: User) -> tuple[CalendarFeed, str]:
    """Create the acting user's calendar feed, replacing an active one; return it and its token.

    Only the token's hash is stored: the plain token is returned here once and never again.
    """
    body_id = _require_member(acting_user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    with transaction.atomic():
        # Serialise two creations by the same user (one active feed per user).
        User.objects.select_for_update().filter(pk=acting_user.pk).values_list("pk").first()
        CalendarFeed.objects.filter(user_id=acting_user.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        feed = CalendarFeed.objects.create(
            body_id=body_id, user=acting_user, token_hash=token_hash(token), created_at=now
        )
    return feed, token


def calendar_feed_revoke(*, acting_user: User) -> bool:
    """Revoke the acting user's active calendar feed; return whether there was one."""
    _require_member(acting_user)
    return bool(
        CalendarFeed.objects.filter(user_id=acting_user.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
