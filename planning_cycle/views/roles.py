"""Management's pages: the body's roles (assign, revoke)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from planning_cycle.access import user_may
from planning_cycle.models import Body, Department, Role, RoleAssignment, User
from planning_cycle.permissions import ROLE_TABLE, roles_held_on
from planning_cycle.selectors.cycles import departments_of_body
from planning_cycle.selectors.roles import (
    audit_entries,
    body_assignment,
    body_department,
    body_user,
    users_with_roles,
)
from planning_cycle.services.roles import RoleError, RoleNotPermitted, role_assign, role_revoke
from planning_cycle.web import body_id, member_view, request_checker

ROLE_MANAGE = "planning_cycle.role_manage"


def body_may(request: HttpRequest, perm: str) -> bool:
    """Tell whether the request's user holds the permission on their body."""
    user: User = request.user  # type: ignore[assignment]
    return user_may(request_checker(request), user, perm, Body(pk=body_id(request)))


def _require(request: HttpRequest, perm: str) -> None:
    if not body_may(request, perm):
        raise PermissionDenied


# --- roles --------------------------------------------------------------------------------


class RoleAssignForm(forms.Form):
    """Who gets which role where; ids are looked up in the body by the view (else 404)."""

    user = forms.IntegerField(
        label=gettext_lazy("Person"),
        widget=forms.Select,
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie eine Person."),
            "invalid": gettext_lazy("Bitte wählen Sie eine der angebotenen Personen."),
        },
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Rolle"),
        choices=Role.choices,
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie eine Rolle."),
            "invalid_choice": gettext_lazy("Bitte wählen Sie eine der angebotenen Rollen."),
        },
    )
    department = forms.IntegerField(
        label=gettext_lazy("Geltungsbereich"),
        required=False,
        widget=forms.Select,
        error_messages={
            "invalid": gettext_lazy("Bitte wählen Sie einen der angebotenen Geltungsbereiche.")
        },
    )

    def __init__(
        self, *args: Any, users: list[User], departments: list[Department], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].widget.choices = [  # type: ignore[attr-defined]
            ("", _("(bitte wählen)")),
            *((u.pk, f"{u} ({u.username})") for u in users),
        ]
        self.fields["role"].choices = [("", _("(bitte wählen)")), *Role.choices]  # type: ignore[attr-defined]
        self.fields["department"].widget.choices = [  # type: ignore[attr-defined]
            ("", _("die ganze Kommune")),
            *((d.pk, str(d)) for d in departments),
        ]
        self.fields["department"].help_text = _(
            "Die Rollen %(roles)s gelten für eine Organisationseinheit; alle anderen für die "
            "ganze Kommune."
        ) % {"roles": ", ".join(f"„{Role(r).label}“" for r in roles_held_on("department"))}


def _roles_page(
    request: HttpRequest, *, form: RoleAssignForm | None = None, status: int = 200
) -> HttpResponse:
    body = body_id(request)
    users = list(users_with_roles(body))
    departments = list(departments_of_body(body).order_by("code"))
    rows = [
        {
            "user": user,
            "assignments": [
                {"assignment": a, "scope": _scope_label(a)}
                for a in user.roles.all()  # type: ignore[attr-defined]
            ],
        }
        for user in users
    ]
    return render(
        request,
        "roles/roles.html",
        {
            "rows": rows,
            "form": form or RoleAssignForm(users=users, departments=departments),
            "role_table": [
                {"label": Role(role).label, "scope": spec.scope}
                for role, spec in ROLE_TABLE.items()
                if role in Role.values
            ],
            "audit": audit_entries(body),
            "nav_section": "roles",
        },
        status=status,
    )


def _scope_label(assignment: RoleAssignment) -> str:
    if assignment.scope_type_id == ContentType.objects.get_for_model(Body).pk:
        return _("die ganze Kommune")
    # The generic scope: prefetched for the whole list (one query per scope kind).
    return str(assignment.scope)


@require_http_methods(["GET", "POST"])
@member_view
def roles(request: HttpRequest) -> HttpResponse:
    """List the body's people and their roles; POST assigns a role (management only)."""
    _require(request, ROLE_MANAGE)
    if request.method != "POST":
        return _roles_page(request)
    body = body_id(request)
    users = list(users_with_roles(body))
    departments = list(departments_of_body(body).order_by("code"))
    form = RoleAssignForm(request.POST, users=users, departments=departments)
    if not form.is_valid():
        return _roles_page(request, form=form, status=400)
    user = body_user(body, form.cleaned_data["user"])
    if user is None:
        raise Http404
    department = None
    if form.cleaned_data["department"] is not None:
        department = body_department(body, form.cleaned_data["department"])
        if department is None:
            raise Http404
    role = Role(form.cleaned_data["role"])
    already = RoleAssignment.objects.filter(user=user, role=role, department=department)
    known = already.exists()
    try:
        role_assign(acting_user=request.user, user=user, role=role, scope=department)  # type: ignore[arg-type]
    except RoleNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except RoleError as exc:
        form.add_error("department" if exc.field == "scope" else None, exc.message)
        return _roles_page(request, form=form, status=400)
    where = str(department) if department is not None else _("die ganze Kommune")
    if known:
        messages.info(
            request,
            _("%(user)s hat die Rolle „%(role)s“ für %(where)s bereits.")
            % {"user": user, "role": role.label, "where": where},
        )
    else:
        messages.success(
            request,
            _("%(user)s hat jetzt die Rolle „%(role)s“ für %(where)s.")
            % {"user": user, "role": role.label, "where": where},
        )
    return redirect("roles")


@require_http_methods(["GET", "POST"])
@member_view
def role_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET) and take away (POST) a role of the body (management only)."""
    _require(request, ROLE_MANAGE)
    assignment = body_assignment(body_id(request), pk)
    if assignment is None:
        raise Http404
    context = {
        "assignment": assignment,
        "scope": _scope_label(assignment),
        "nav_section": "roles",
    }
    if request.method != "POST":
        return render(request, "roles/revoke.html", context)
    try:
        role_revoke(acting_user=request.user, assignment=assignment)  # type: ignore[arg-type]
    except RoleNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except RoleError as exc:
        return render(request, "roles/revoke.html", {**context, "error": exc.message}, status=409)
    messages.success(
        request,
        _("%(user)s hat die Rolle „%(role)s“ für %(where)s nicht mehr.")
        % {
            "user": assignment.user,
            "role": assignment.get_role_display(),
            "where": context["scope"],
        },
    )
    return redirect("roles")
