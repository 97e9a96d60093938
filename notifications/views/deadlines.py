"""The body's open deadlines for those who oversee the cycle, and extending one."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planning_cycle.selectors.cycles import departments_of_body
from planning_cycle.web import body_id, member_view, request_checker

from ..forms import DeadlineExtendForm, DeadlineFilterForm
from ..models import Deadline
from ..rendering import deadline_subject, due_text
from ..selectors import body_deadline, body_deadlines
from ..services.deadlines import (
    DeadlineError,
    DeadlineNotPermitted,
    deadline_extend,
    end_of_day,
)
from .common import (
    EXTEND_PERMISSION,
    MONITOR_PERMISSION,
    PAGE_PARAMETER,
    body_may,
    page_links,
)

PAGE_SIZE = 50


@dataclass
class DeadlineRow:
    """A deadline on the page with its extend form (for those who may extend)."""

    deadline: Deadline
    subject: str
    due: str
    overdue: bool
    form: DeadlineExtendForm | None
    expanded: bool = False

    @property
    def anchor(self) -> str:
        return f"frist-{self.deadline.pk}"


def _extend_form(pk: int, data: object = None) -> DeadlineExtendForm:
    return DeadlineExtendForm(data, auto_id=f"frist-{pk}-%s")  # type: ignore[arg-type]


def _page(
    request: HttpRequest,
    *,
    refused: tuple[int, DeadlineExtendForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the deadlines page; `refused` carries a refused extension back to its row."""
    may_extend = body_may(request, EXTEND_PERMISSION)
    if not (may_extend or body_may(request, MONITOR_PERMISSION)):
        raise PermissionDenied
    body = body_id(request)
    departments = list(departments_of_body(body).order_by("code"))
    filters = DeadlineFilterForm(request.GET, departments=departments)
    filters.is_valid()  # an invalid choice is shown at its field and ignored
    page = Paginator(
        body_deadlines(
            body,
            kind=filters.cleaned_data.get("art") or "",
            department_id=filters.cleaned_data.get("einheit"),
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get(PAGE_PARAMETER))
    now = timezone.now()
    rows = []
    for deadline in page:
        row = DeadlineRow(
            deadline=deadline,
            subject=deadline_subject(deadline),
            due=due_text(deadline),
            overdue=deadline.due_at < now,
            form=_extend_form(deadline.pk) if may_extend else None,
        )
        if refused is not None and refused[0] == deadline.pk:
            row.form, row.expanded = refused[1], True
        rows.append(row)
    page_error = ""
    if refused is not None and not any(row.expanded for row in rows):
        page_error = " ".join(str(e) for errors in refused[1].errors.values() for e in errors)
    return render(
        request,
        "notifications/deadlines.html",
        {
            "page": page,
            "page_links": page_links(request, page),
            "rows": rows,
            "filters": filters,
            "filtered": any(filters.cleaned_data.get(name) for name in ("art", "einheit")),
            "may_extend": may_extend,
            "page_error": page_error,
            "query": request.GET.urlencode(),
            "nav_section": "deadlines",
        },
        status=status,
    )


@member_view
def deadlines(request: HttpRequest) -> HttpResponse:
    """Show the body's open deadlines (management and strategy unit)."""
    return _page(request)


@require_POST
@member_view
def deadline_extend_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Extend an open deadline of the body to a later date, with a reason."""
    if not body_may(request, EXTEND_PERMISSION):
        raise PermissionDenied
    deadline = body_deadline(body_id(request), pk)
    if deadline is None:
        raise Http404
    form = _extend_form(pk, request.POST)
    if not form.is_valid():
        return _page(request, refused=(pk, form), status=400)
    try:
        deadline_extend(
            acting_user=request.user,  # type: ignore[arg-type]
            deadline=deadline,
            new_due_at=end_of_day(form.cleaned_data["new_due_date"]),
            reason=form.cleaned_data["reason"],
            checker=request_checker(request),
        )
    except DeadlineNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except DeadlineError as exc:
        current = body_deadline(body_id(request), pk)
        field = "new_due_date" if current is not None and current.is_open else None
        form.add_error(field, exc.message)
        return _page(request, refused=(pk, form), status=exc.status)
    messages.success(
        request,
        _("Die Frist „%(subject)s“ ist bis zum %(due)s verlängert.")
        % {
            "subject": deadline_subject(deadline),
            "due": due_text(deadline),
        },
    )
    query = request.GET.urlencode()
    return redirect(
        f"{reverse('notifications:deadlines')}{'?' + query if query else ''}#frist-{pk}"
    )
