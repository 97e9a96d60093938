"""Management's page to create a planning cycle with its calendar (form or calendar file)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from planning_cycle.models import (
    PHASE_ORDER,
    REQUIRED_PHASES,
    Body,
    MilestoneAudience,
    MilestoneKind,
    Phase,
)
from planning_cycle.selectors.cycles import cycles_of_body
from planning_cycle.services.calendar import (
    CalendarError,
    CalendarSpec,
    MilestoneSpec,
    body_phase_calendar,
)
from planning_cycle.services.calendar_files import calendar_file_parse
from planning_cycle.services.cycles import CycleError, CycleNotPermitted, cycle_create
from planning_cycle.web import body_id, member_view

from .roles import _require

CYCLE_CREATE = "planning_cycle.cycle_create"
MIN_YEAR, MAX_YEAR = 2000, 2100
PHASES = [p for p in PHASE_ORDER if p != Phase.CLOSED]


def _choice_lookup(choices: Any) -> dict[str, str]:
    """Map codes and German labels (any case) to the code."""
    found: dict[str, str] = {}
    for value, label in choices:
        found[str(value).lower()] = str(value)
        found[str(label).lower()] = str(value)
    return found


class CycleCreateForm(forms.Form):
    """Year, title, per phase a date (blank: the body's) or switched off, milestones, file."""

    year = forms.IntegerField(
        label=gettext_lazy("Jahr"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=gettext_lazy(
            "Leere Phasentermine kommen aus dem Phasenkalender der Kommune (sonst dem "
            "Standardkalender); jede teilnehmende Organisationseinheit erhält ihre "
            "Zielbilanzierung und Planung."
        ),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie ein Jahr ein."),
            "invalid": gettext_lazy("Bitte geben Sie ein Jahr als Zahl ein, z. B. 2027."),
            "min_value": gettext_lazy("Das Jahr muss %(limit_value)s oder später sein."),
            "max_value": gettext_lazy("Das Jahr muss %(limit_value)s oder früher sein."),
        },
    )
    title = forms.CharField(label=gettext_lazy("Titel (optional)"), max_length=200, required=False)
    milestones = forms.CharField(
        label=gettext_lazy("Termine im Jahr (optional)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Ein Termin je Zeile: Datum; Art; zuständig; Titel; Phase (optional), z. B. "
            "„15.09.2027; interim_report; council_office; Zwischenbericht I“. Arten: "
            "preparation, interim_report, other. Zuständig: departments, management, "
            "strategy_unit, council_office."
        ),
    )
    calendar_file = forms.FileField(
        label=gettext_lazy("oder Kalenderdatei (YAML oder CSV, optional)"),
        required=False,
        help_text=gettext_lazy(
            "Eine Datei ersetzt die Phasentermine, Abschaltungen und Termine dieses Formulars."
        ),
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults, off = body_phase_calendar(body)
        self.phase_fields: list[tuple[str, str | None]] = []
        for phase in PHASES:
            month, day, offset = defaults[phase]
            usual = _("üblich: %(day)02d.%(month)02d.%(next)s") % {
                "day": day,
                "month": month,
                "next": _(" des Folgejahres") if offset else "",
            }
            self.fields[f"date_{phase}"] = forms.DateField(
                label=Phase(phase).label,
                required=False,
                help_text=usual,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={
                    "invalid": _("„%(phase)s“: Bitte ein Datum eingeben, z. B. 31.03.2027.")
                    % {"phase": Phase(phase).label}
                },
            )
            off_name = None
            if phase not in REQUIRED_PHASES:
                off_name = f"off_{phase}"
                self.fields[off_name] = forms.BooleanField(
                    label=_("„%(phase)s“ abschalten") % {"phase": Phase(phase).label},
                    required=False,
                    initial=phase in off,
                )
            self.phase_fields.append((f"date_{phase}", off_name))

    def phase_rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """Return each phase's date field with its switch (None where it cannot be off)."""
        return [(self[date], self[off] if off else None) for date, off in self.phase_fields]

    def clean_milestones(self) -> tuple[MilestoneSpec, ...]:
        kinds = _choice_lookup(MilestoneKind.choices)
        audiences = _choice_lookup(MilestoneAudience.choices)
        phases = _choice_lookup([c for c in Phase.choices if c[0] != Phase.CLOSED])
        result = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) not in (4, 5):
                raise forms.ValidationError(
                    _("Zeile %(n)d: Bitte „Datum; Art; zuständig; Titel“ angeben.") % {"n": number}
                )
            try:
                due = dt.datetime.strptime(parts[0], "%d.%m.%Y").date()
            except ValueError:
                raise forms.ValidationError(
                    _("Zeile %(n)d: „%(value)s“ ist kein Datum (TT.MM.JJJJ).")
                    % {"n": number, "value": parts[0]}
                ) from None
            phase = parts[4] if len(parts) == 5 else ""
            result.append(
                MilestoneSpec(
                    due_date=due,
                    kind=kinds.get(parts[1].lower(), parts[1]),
                    audience=audiences.get(parts[2].lower(), parts[2]),
                    title=parts[3],
                    phase=phases.get(phase.lower(), phase) if phase else "",
                )
            )
        return tuple(result)

    def calendar(self) -> CalendarSpec:
        """Return the calendar the form gives (call after is_valid)."""
        data = self.cleaned_data
        return CalendarSpec(
            dates={p: data[f"date_{p}"] for p in PHASES if data.get(f"date_{p}")},
            switched_off=frozenset(p for p in PHASES if data.get(f"off_{p}")),
            milestones=data["milestones"],
        )


def _next_year(body: int) -> int:
    newest = cycles_of_body(body).values_list("year", flat=True).first()
    return newest + 1 if newest is not None else timezone.localdate().year


def _error_field(form: CycleCreateForm, exc: CalendarError) -> str | None:
    if exc.field == "file":
        return "calendar_file"
    if exc.field == "milestones":
        return "milestones"
    if exc.phase and exc.field == "switched_off" and f"off_{exc.phase}" in form.fields:
        return f"off_{exc.phase}"
    if exc.phase and f"date_{exc.phase}" in form.fields:
        return f"date_{exc.phase}"
    return None


@require_http_methods(["GET", "POST"])
@member_view
def cycle_new(request: HttpRequest) -> HttpResponse:
    """Create the body's planning cycle of a year with its calendar (management only)."""
    _require(request, CYCLE_CREATE)
    body = Body.objects.get(pk=body_id(request))
    if request.method != "POST":
        form = CycleCreateForm(initial={"year": _next_year(body.pk)}, body=body)
        return _cycle_page(request, form)
    form = CycleCreateForm(request.POST, request.FILES, body=body)
    if not form.is_valid():
        return _cycle_page(request, form, status=400)
    calendar = form.calendar()
    title = form.cleaned_data["title"]
    upload = form.cleaned_data.get("calendar_file")
    try:
        if upload is not None:
            parsed = calendar_file_parse(upload.read(), name=upload.name or "")
            calendar, title = parsed.calendar, title or parsed.title
        cycle = cycle_create(
            acting_user=request.user,  # type: ignore[arg-type]
            body=body,
            year=form.cleaned_data["year"],
            title=title,
            calendar=calendar,
        )
    except CycleNotPermitted as exc:
        raise PermissionDenied(str(exc)) from exc
    except CalendarError as exc:
        form.add_error(_error_field(form, exc), exc.message)
        return _cycle_page(request, form, status=400)
    except CycleError as exc:
        form.add_error("year", str(exc))
        return _cycle_page(request, form, status=409)
    messages.success(request, _("%(cycle)s ist angelegt.") % {"cycle": cycle.title})
    return redirect("cycle_overview", pk=cycle.pk)


def _cycle_page(request: HttpRequest, form: CycleCreateForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "cycles/new.html",
        {
            "form": form,
            "cycles": list(cycles_of_body(body_id(request))),
            "nav_section": "cycle_new",
        },
        status=status,
    )
