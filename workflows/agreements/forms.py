"""Forms of goal agreements: the five answers, and proposing one on an operative goal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from planning_cycle.models import Department
from workflows.forms import ContentForm, content_text_field
from workflows.models import GoalAgreement


def _question(name: str) -> forms.CharField:
    return content_text_field(GoalAgreement._meta.get_field(name).verbose_name)


class AgreementEditForm(ContentForm):
    balance = _question("balance")
    effects = _question("effects")
    programmes = _question("programmes")
    processes = _question("processes")
    resources = _question("resources")


class AgreementProposeForm(forms.Form):
    """The department proposing a goal agreement; the service judges the choice."""

    department = forms.TypedChoiceField(label=_("Organisationseinheit"), coerce=int)

    def __init__(self, *args: Any, departments: Iterable[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.pk, str(d)) for d in departments]  # type: ignore[attr-defined]
