"""The project's URLs plus stand-ins for consultation pages other parts provide.

The deadlines of invitations and statements store their pages' addresses; where this
branch does not have those pages yet, a stand-in answering 404 keeps the names reversible.
Once the pages exist, nothing is stood in for.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from planning_cycle import urls as project
from workflows import urls as engine
from workflows.consultation import urls as consultation


def _missing(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


_have = {p.name for p in consultation.urlpatterns if isinstance(p, URLPattern)}
_stand_ins = [
    path(f"beteiligung/stand-in/{name}/<int:pk>/", _missing, name=name)
    for name in ("round_detail", "invitation_detail", "statement_detail")
    if name not in _have
]
_workflows = ([*engine.urlpatterns, *_stand_ins], "workflows")


def _replace(p: URLPattern | URLResolver) -> URLPattern | URLResolver:
    if isinstance(p, URLResolver) and getattr(p, "namespace", None) == "workflows":
        return path("", include(_workflows))
    return p


urlpatterns = [_replace(p) for p in project.urlpatterns]
