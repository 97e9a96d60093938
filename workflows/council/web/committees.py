"""Pages: the body's committees and their members (the council office keeps them).

Everyone of the body reads; holders of committee_manage create and rename committees
and add or remove members. A refused form shows again with the message at its field
and the input kept; a second submission of the same change writes nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from planning_cycle.access import user_may
from planning_cycle.models import Committee, CommitteeKind
from planning_cycle.web import member_view, request_checker
from workflows.access import workflow_visible

from ..models import Meeting, Membership, Person
from ..services.base import COMMITTEES, CouncilError
from ..services.committees import (
    committee_create,
    committee_update,
    membership_add,
    membership_remove,
)
from ..services.people import person_create
from .common import NAV_MEETINGS, form_error, refusal, request_user

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MEETINGS_SHOWN = 20
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
MEMBER_PREFIX = "mitglied"


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )


class CommitteeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    short_name = forms.CharField(
        label=gettext_lazy("Kurzbezeichnung"), max_length=40, required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Art"), choices=CommitteeKind.choices, initial=CommitteeKind.COMMITTEE
    )
    start_date = _date_field(gettext_lazy("Beginn"))
    end_date = _date_field(gettext_lazy("Ende"))
    position = forms.IntegerField(
        label=gettext_lazy("Reihenfolge"),
        required=False,
        min_value=0,
        initial=0,
        help_text=gettext_lazy("Kleinere Zahlen stehen weiter oben."),
    )
    website = forms.CharField(label=gettext_lazy("Internetseite"), max_length=200, required=False)


class MemberForm(forms.Form):
    """A seat for a person of the list, or for a new person named here."""

    person = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=gettext_lazy("neue Person (unten angeben)"),
    )
    title = forms.CharField(label=gettext_lazy("Titel"), max_length=40, required=False)
    given_name = forms.CharField(label=gettext_lazy("Vorname"), max_length=100, required=False)
    family_name = forms.CharField(label=gettext_lazy("Nachname"), max_length=100, required=False)
    public_consent = forms.BooleanField(
        label=gettext_lazy("Veröffentlichung erlaubt"), required=False
    )
    role = forms.CharField(
        label=gettext_lazy("Funktion"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Ohne Angabe: Mitglied."),
    )
    voting_right = forms.BooleanField(
        label=gettext_lazy("stimmberechtigt"), required=False, initial=True
    )
    start_date = _date_field(gettext_lazy("Beginn"))
    end_date = _date_field(gettext_lazy("Ende"))

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        kwargs["prefix"] = MEMBER_PREFIX
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Person.objects.filter(body_id=body_id, deleted=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("person") is None and not data.get("family_name"):
            self.add_error(
                "person",
                _("Bitte wählen Sie eine Person oder geben Sie den Namen einer neuen an."),
            )
        return data


def _manages(request: HttpRequest) -> bool:
    user = request_user(request)
    body = user.body
    return body is not None and user_may(request_checker(request), user, COMMITTEES, body)


def _require_manage(request: HttpRequest) -> None:
    if not _manages(request):
        raise PermissionDenied


def _body_id(request: HttpRequest) -> int:
    return int(request_user(request).body_id or 0)


def _committee_of_body(request: HttpRequest, pk: int) -> Committee:
    return get_object_or_404(Committee, body_id=_body_id(request), pk=pk)


def _current(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}deleted": False}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def _current_seated(today: dt.date) -> Q:
    started = Q(memberships__start_date__isnull=True) | Q(memberships__start_date__lte=today)
    return _current(today, "memberships__") & started


def _list_page(request: HttpRequest, form: CommitteeForm, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    committees = (
        Committee.objects.filter(body_id=_body_id(request))
        .annotate(member_count=Count("memberships", filter=_current_seated(today)))
        .order_by("position", "name")
    )
    context = {
        "committees": list(committees),
        "form": form,
        "may_manage": _manages(request),
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/committee_list.html", context, status=status)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "short_name": data["short_name"],
        "kind": data["kind"],
        "start_date": data["start_date"],
        "end_date": data["end_date"],
        "position": data["position"] or 0,
        "website": data["website"],
    }


@member_view
def committee_list(request: HttpRequest) -> HttpResponse:
    """List the body's committees; the council office creates one here."""
    if request.method != "POST":
        return _list_page(request, CommitteeForm())
    _require_manage(request)
    form = CommitteeForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        committee = committee_create(
            acting_user=request_user(request),
            checker=request_checker(request),
            **_values(form.cleaned_data),
        )
    except CouncilError as exc:
        return _list_page(request, form, status=form_error(form, exc))
    messages.success(request, _("Das Gremium „%(name)s“ ist angelegt.") % {"name": committee.name})
    return redirect("workflows:committee_detail", pk=committee.pk)


def _detail_page(
    request: HttpRequest,
    committee: Committee,
    *,
    form: CommitteeForm | None = None,
    member_form: MemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    members = (
        Membership.objects.filter(committee=committee)
        .filter(_current(today))
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "id")
    )
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    meetings = (
        workflow_visible(Meeting, user=request_user(request))
        .filter(committee=committee, start__gte=start_of_today)
        .select_related("location")
        .order_by("start", "id")
    )
    if form is None:
        form = CommitteeForm(
            initial={field: getattr(committee, field) for field in CommitteeForm.base_fields}
        )
    context = {
        "committee": committee,
        "members": list(members),
        "meetings": list(meetings[:MEETINGS_SHOWN]),
        "form": form,
        "member_form": member_form or MemberForm(body_id=committee.body_id),
        "may_manage": _manages(request),
        "nav_section": NAV_MEETINGS,
    }
    return render(request, "council/committee_detail.html", context, status=status)


@member_view
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a committee with its members and coming meetings; the office edits it here."""
    committee = _committee_of_body(request, pk)
    if request.method != "POST":
        return _detail_page(request, committee)
    _require_manage(request)
    form = CommitteeForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, committee, form=form, status=400)
    try:
        committee = committee_update(
            acting_user=request_user(request),
            committee=committee,
            checker=request_checker(request),
            **_values(form.cleaned_data),
        )
    except CouncilError as exc:
        return _detail_page(request, committee, form=form, status=form_error(form, exc))
    messages.success(
        request, _("Das Gremium „%(name)s“ ist gespeichert.") % {"name": committee.name}
    )
    return redirect("workflows:committee_detail", pk=committee.pk)


@require_POST
@member_view
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a person (chosen, or new) a seat in the committee."""
    committee = _committee_of_body(request, pk)
    _require_manage(request)
    form = MemberForm(request.POST, body_id=committee.body_id)
    if not form.is_valid():
        return _detail_page(request, committee, member_form=form, status=400)
    data = form.cleaned_data
    user = request_user(request)
    checker = request_checker(request)
    try:
        with transaction.atomic():
            person = data["person"] or person_create(
                acting_user=user,
                given_name=data["given_name"],
                family_name=data["family_name"],
                title=data["title"],
                public_consent=data["public_consent"],
                checker=checker,
            )
            membership_add(
                acting_user=user,
                committee=committee,
                person=person,
                role=data["role"],
                voting_right=data["voting_right"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                checker=checker,
            )
    except CouncilError as exc:
        status = form_error(form, exc)
        return _detail_page(request, committee, member_form=form, status=status)
    messages.success(request, _("%(person)s ist als Mitglied eingetragen.") % {"person": person})
    return redirect(reverse("workflows:committee_detail", args=[committee.pk]) + "#mitglieder")


@require_POST
@member_view
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Take a membership out of the committee (a second submission only says so)."""
    committee = _committee_of_body(request, pk)
    _require_manage(request)
    membership = get_object_or_404(
        Membership.objects.select_related("person"), committee=committee, pk=membership_pk
    )
    target = reverse("workflows:committee_detail", args=[committee.pk]) + "#mitglieder"
    if membership.deleted:
        messages.info(
            request,
            _("Die Mitgliedschaft von %(person)s war schon entfernt.")
            % {"person": membership.person},
        )
        return redirect(target)
    try:
        membership_remove(
            acting_user=request_user(request),
            membership=membership,
            checker=request_checker(request),
        )
    except CouncilError as exc:
        messages.error(request, refusal(exc)[0])
        return redirect(target)
    messages.success(
        request,
        _("Die Mitgliedschaft von %(person)s ist entfernt.") % {"person": membership.person},
    )
    return redirect(target)


urls: list[URLPattern] = [
    path("gremien/", committee_list, name="committee_list"),
    path("gremien/<int:pk>/", committee_detail, name="committee_detail"),
    path("gremien/<int:pk>/mitglieder/", member_add, name="committee_member_add"),
    path(
        "gremien/<int:pk>/mitglieder/<int:membership_pk>/entfernen/",
        member_remove,
        name="committee_member_remove",
    ),
]
