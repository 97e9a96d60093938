"""Query parameters of the consultation lists and of the weighing table."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from planning_cycle.api.filters import ApiFilterSet, IdFilter, SortFilter
from workflows.api.filters import state_filter

from ..models import ConsultationRound, Evaluation, Invitation, Statement
from ..states import Disposition, Position


def _round() -> IdFilter:
    return IdFilter(field_name="round_id", label=_("Beteiligungsverfahren (ID)"))


def _department(label: Any = "") -> IdFilter:
    return IdFilter(field_name="department_id", label=label or _("Organisationseinheit (ID)"))


def _organisation() -> IdFilter:
    return IdFilter(field_name="organisation_id", label=_("Beteiligte Organisation (ID)"))


class RoundFilter(ApiFilterSet):
    state = state_filter(ConsultationRound)
    cycle = IdFilter(field_name="cycle_id", label=_("Planungszyklus (ID)"))
    ordering = SortFilter(
        model=ConsultationRound,
        fields=(("deadline", "deadline"), ("updated_at", "updated_at"), ("state", "state")),
    )

    class Meta:
        model = ConsultationRound
        fields = ["state", "cycle"]


class InvitationFilter(ApiFilterSet):
    state = state_filter(Invitation)
    round = _round()
    department = _department()
    organisation = _organisation()
    ordering = SortFilter(
        model=Invitation, fields=(("updated_at", "updated_at"), ("state", "state"))
    )

    class Meta:
        model = Invitation
        fields = ["state", "round", "department", "organisation"]


class StatementFilter(ApiFilterSet):
    state = state_filter(Statement)
    round = _round()
    invitation = IdFilter(field_name="invitation_id", label=_("Einladung (ID)"))
    department = _department()
    organisation = _organisation()
    section = IdFilter(field_name="section_id", label=_("Abschnitt (ID)"))
    position = django_filters.ChoiceFilter(choices=Position.choices)
    ordering = SortFilter(
        model=Statement,
        fields=(("updated_at", "updated_at"), ("released_at", "released_at"), ("state", "state")),
    )

    class Meta:
        model = Statement
        fields = ["state", "round", "invitation", "department", "organisation", "section"]


class DispositionFilter(ApiFilterSet):
    state = state_filter(Evaluation)
    round = _round()
    statement = IdFilter(field_name="statement_id", label=_("Stellungnahme (ID)"))
    department = _department(_("abwägende Organisationseinheit (ID)"))
    section = IdFilter(field_name="statement__section_id", label=_("Abschnitt (ID)"))
    position = django_filters.ChoiceFilter(
        field_name="statement__position", choices=Position.choices
    )
    disposition = django_filters.ChoiceFilter(choices=Disposition.choices)
    ordering = SortFilter(
        model=Evaluation, fields=(("updated_at", "updated_at"), ("state", "state"))
    )

    class Meta:
        model = Evaluation
        fields = ["state", "round", "statement", "department", "disposition"]


class WeighingTableFilter(ApiFilterSet):
    """The weighing table's filters (an action of the round): read by the selector."""

    position = django_filters.ChoiceFilter(choices=Position.choices, method="keep")
    disposition = django_filters.ChoiceFilter(choices=Disposition.choices, method="keep")
    evaluator = IdFilter(label=_("abwägende Organisationseinheit (ID)"), method="keep")
    section = IdFilter(label=_("Abschnitt (ID)"), method="keep")

    class Meta:
        model = ConsultationRound
        fields: list[str] = []

    def keep(self, queryset: object, name: str, value: object) -> object:
        return queryset
