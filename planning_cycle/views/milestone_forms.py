"""The form of a new milestone on the cycle's page, and who may change milestones."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planning_cycle.models import CycleMilestone, MilestoneAudience, MilestoneKind, PlanningCycle
from planning_cycle.services.calendar import MAX_TITLE

MILESTONE_MANAGE = "planning_cycle.cycle_advance"


class MilestoneForm(forms.Form):
    """A new milestone: title, kind, date, who answers for it, optionally its phase."""

    title = forms.CharField(label=gettext_lazy("Titel"), max_length=MAX_TITLE)
    kind = forms.ChoiceField(label=gettext_lazy("Art"), choices=MilestoneKind.choices)
    due_date = forms.DateField(
        label=gettext_lazy("fällig am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    audience = forms.ChoiceField(label=gettext_lazy("zuständig"), choices=MilestoneAudience.choices)
    phase = forms.ChoiceField(label=gettext_lazy("Phase (optional)"), required=False)

    def __init__(self, *args: Any, cycle: PlanningCycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["phase"]
        assert isinstance(field, forms.ChoiceField)
        off = {d.phase for d in cycle.deadlines.all() if d.switched_off}
        choices = CycleMilestone._meta.get_field("phase").choices or []
        field.choices = [("", _("keine")), *((v, lbl) for v, lbl in choices if v not in off)]
