"""The inbox (mark one or all read by POST) and the user's open tasks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from guardian.core import ObjectPermissionChecker

from planning_cycle.models import User
from planning_cycle.web import member_view, request_checker, safe_next

from ..models import Deadline, Notification
from ..rendering import (
    deadline_subject,
    due_text,
    notification_path,
    notification_text,
    notification_title,
)
from ..selectors import deadlines_for_user, notifications_of_user
from ..services.inbox import InboxError, notification_mark_read, notifications_mark_all_read
from .common import MONITOR_PERMISSION, PAGE_PARAMETER, body_may, page_links

PAGE_SIZE = 20


@dataclass(frozen=True)
class InboxItem:
    """A notification with its words and link, in the reader's language."""

    notification: Notification
    title: str
    text: str
    path: str

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None

    @property
    def anchor(self) -> str:
        return f"benachrichtigung-{self.notification.pk}"


def _item(notification: Notification, checker: ObjectPermissionChecker) -> InboxItem:
    return InboxItem(
        notification=notification,
        title=notification_title(notification, checker=checker),
        text=notification_text(notification),
        path=notification_path(notification),
    )


@member_view
def inbox(request: HttpRequest) -> HttpResponse:
    """Show the user's notifications, newest first, a page at a time."""
    user: User = request.user  # type: ignore[assignment]
    page = Paginator(notifications_of_user(user), PAGE_SIZE).get_page(
        request.GET.get(PAGE_PARAMETER)
    )
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "items": [_item(n, request_checker(request)) for n in page],
            "page_links": page_links(request, page),
            "may_monitor": body_may(request, MONITOR_PERMISSION),
            "next_url": request.get_full_path(),
            "nav_section": "inbox",
        },
    )


@require_POST
@member_view
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; answer htmx with the item and the new counts."""
    user: User = request.user  # type: ignore[assignment]
    notification = get_object_or_404(notifications_of_user(user), pk=pk)
    next_url = safe_next(request, request.POST.get("next"), reverse("notifications:inbox"))
    try:
        notification_mark_read(acting_user=user, notification=notification)
    except InboxError as exc:
        messages.error(request, exc.message)
        return redirect(next_url)
    if request.htmx:  # type: ignore[attr-defined]
        # The inbox badge of the context is counted while rendering, after the change.
        return render(
            request,
            "notifications/_read.html",
            {"item": _item(notification, request_checker(request)), "next_url": next_url},
        )
    messages.success(
        request,
        _("„%(title)s“ ist als gelesen markiert.")
        % {"title": notification_title(notification, checker=request_checker(request))},
    )
    return redirect(f"{next_url}#benachrichtigung-{notification.pk}")


@require_POST
@member_view
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    """Mark all of the user's notifications read."""
    user: User = request.user  # type: ignore[assignment]
    try:
        count = notifications_mark_all_read(acting_user=user)
    except InboxError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:inbox")
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s Benachrichtigung ist als gelesen markiert.",
                "%(count)s Benachrichtigungen sind als gelesen markiert.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Es gab keine ungelesenen Benachrichtigungen."))
    return redirect("notifications:inbox")


@dataclass(frozen=True)
class TaskRow:
    """One of the user's open deadlines, in words, and whether it is overdue."""

    deadline: Deadline
    subject: str
    due: str
    overdue: bool


def _body_user_view(view: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """Require a logged-in user of a body, external contacts included (their own tasks)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if getattr(request.user, "body_id", None) is None:
            return render(request, "notices/no_body.html", status=403)
        return view(request)

    return wrapper


# Invitees outside the administration have tasks too (statements to give): they see theirs.
@_body_user_view
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Show the user's open tasks with their due time, soonest first, overdue marked."""
    user: User = request.user  # type: ignore[assignment]
    now = timezone.now()
    checker = request_checker(request)
    rows = [
        TaskRow(
            deadline=d,
            subject=deadline_subject(d, reader=user, checker=checker),
            due=due_text(d),
            overdue=d.due_at < now,
        )
        for d in deadlines_for_user(user)
    ]
    return render(
        request,
        "notifications/tasks.html",
        {
            "rows": rows,
            "overdue_count": sum(row.overdue for row in rows),
            "nav_section": "tasks",
        },
    )
