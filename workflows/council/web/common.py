"""What every council page shares: the gate, the lookups of visible objects, refusals."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from planning_cycle.access import user_may
from planning_cycle.models import User
from planning_cycle.web import request_checker
from workflows.access import workflow_visible
from workflows.services.transitions import TransitionError

from ..access import in_own_committees, papers_visible, sees_nonpublic
from ..models import ConsultationStep, Meeting, Paper
from ..services.base import CouncilError

NAV_PAPERS = "council_papers"
NAV_MEETINGS = "council_meetings"
MANAGE = "planning_cycle.paper_manage"
RECORD = "planning_cycle.result_record"


def request_user(request: HttpRequest) -> User:
    """Return the logged-in user (member_view made sure there is one)."""
    return request.user  # type: ignore[return-value]


def papers_for(user: User) -> Any:
    """Return the papers of the user's body that the user may see."""
    return papers_visible(Paper.objects.filter(body_id=user.body_id or 0), user)


def visible_paper(request: HttpRequest, pk: int) -> Paper:
    """Return a paper the user may see, else 404."""
    queryset = papers_for(request_user(request)).select_related("lead_department", "cycle")
    return get_object_or_404(queryset, pk=pk)  # type: ignore[no-any-return]


def visible_meeting(request: HttpRequest, pk: int) -> Meeting:
    """Return a meeting of the user's body (the access gate), else 404."""
    queryset = workflow_visible(Meeting, user=request_user(request))
    return get_object_or_404(queryset, pk=pk)  # type: ignore[no-any-return]


def visible_step(request: HttpRequest, pk: int) -> ConsultationStep:
    """Return a consultation step the user may see (the access gate), else 404."""
    queryset = workflow_visible(ConsultationStep, user=request_user(request))
    return get_object_or_404(queryset.select_related("paper"), pk=pk)  # type: ignore[no-any-return]


def manages(request: HttpRequest, obj: Any = None) -> bool:
    """Tell whether the user runs papers and meetings (the council office)."""
    user = request_user(request)
    return user_may(request_checker(request), user, MANAGE, obj or Paper(body_id=user.body_id or 0))


def require_manage(request: HttpRequest, obj: Any = None) -> None:
    """Refuse (403) unless the user runs papers and meetings."""
    if not manages(request, obj):
        raise PermissionDenied


def sees_nonpublic_of(user: User, paper: Paper) -> bool:
    """Tell whether the user may read the non-public parts (files, items) of a paper."""
    deliberated = ConsultationStep.objects.filter(
        in_own_committees(user), paper_id=OuterRef("pk"), deleted=False
    )
    allowed = sees_nonpublic(user) | Q(Exists(deliberated))
    return Paper.objects.filter(pk=paper.pk).filter(allowed).exists()


def refusal(exc: CouncilError | TransitionError) -> tuple[str, str | None, int]:
    """Return message, field and status of a service's refusal (403 raises)."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    if exc.status == 404:
        raise Http404
    return exc.message, getattr(exc, "field", None), exc.status


def form_error(form: Any, exc: CouncilError | TransitionError) -> int:
    """Put a service's refusal on its field (or on the whole form); return its status."""
    message, field, status = refusal(exc)
    form.add_error(field if field in form.fields else None, message)
    return status
