"""Deliveries given up after their last try, for management and the strategy unit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planning_cycle.web import body_id, member_view
from workflows.models import OutboxMessage

from ..selectors import failed_messages
from ..services.outbox import OutboxError, OutboxNotPermitted, outbox_retry
from .common import MONITOR_PERMISSION, PAGE_PARAMETER, body_may, page_links

PAGE_SIZE = 25


@member_view
def delivery_problems(request: HttpRequest) -> HttpResponse:
    """Show the body's failed deliveries with topic, attempts, last error and time."""
    if not body_may(request, MONITOR_PERMISSION):
        raise PermissionDenied
    page = Paginator(failed_messages(body_id(request)), PAGE_SIZE).get_page(
        request.GET.get(PAGE_PARAMETER)
    )
    return render(
        request,
        "notifications/delivery_problems.html",
        {
            "page": page,
            "page_links": page_links(request, page),
            "query": request.GET.urlencode(),
            "nav_section": "inbox",
        },
    )


@require_POST
@member_view
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed message again (a new series of attempts)."""
    if not body_may(request, MONITOR_PERMISSION):
        raise PermissionDenied
    message: OutboxMessage | None = failed_messages(body_id(request)).filter(pk=pk).first()
    if message is None:
        # Not the body's, or no longer failed (retried meanwhile, by someone else).
        if OutboxMessage.objects.filter(body_id=body_id(request), pk=pk).exists():
            messages.info(request, _("Die Nachricht %(id)s wird bereits zugestellt.") % {"id": pk})
            return _back(request)
        raise Http404
    try:
        outbox_retry(acting_user=request.user, message=message)  # type: ignore[arg-type]
    except OutboxNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except OutboxError as exc:
        messages.error(request, exc.message)
        return _back(request)
    messages.success(
        request,
        _("Die Nachricht %(id)s wird erneut gesendet.") % {"id": message.pk},
    )
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    query = request.GET.urlencode()
    return redirect(f"{reverse('notifications:delivery_problems')}{'?' + query if query else ''}")
