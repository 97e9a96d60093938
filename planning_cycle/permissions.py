"""The workflow permissions and which role holds which, on the body or its department."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
from django.utils.translation import gettext_lazy as _

# Declared on Body and on Department: body-wide roles hold them on the body,
# department roles on their department; a check looks at the department, then the body.
WORKFLOW_PERMISSIONS: list[tuple[str, str | StrPromise]] = [
    ("cycle_advance", _("Planungszyklus in die nächste Phase bringen")),
    ("cycle_override", _("Phase trotz offener Punkte mit Begründung abschließen")),
    ("review_edit", _("Zielbilanzierung bearbeiten")),
    ("review_submit", _("Zielbilanzierung einreichen")),
    ("review_decide", _("Zielbilanzierung annehmen oder zurückgeben")),
    ("plan_edit", _("Ziel- und Haushaltsplanung bearbeiten")),
    ("plan_submit", _("Ziel- und Haushaltsplanung einreichen")),
    ("plan_decide", _("Ziel- und Haushaltsplanung genehmigen oder zurückgeben")),
    ("agreement_edit", _("Zielvereinbarung bearbeiten")),
    ("agreement_submit", _("Zielvereinbarung einreichen")),
    ("agreement_decide", _("Zielvereinbarung genehmigen oder zurückgeben")),
    ("agreement_prioritise", _("Ergebnis der Strategieklausur erfassen")),
    ("agreement_resolve", _("Beschluss des Kreistags/Rats erfassen")),
    ("agreement_implement", _("Umsetzung und Zielerreichung melden")),
    ("agreement_close", _("Zielvereinbarung abschließen")),
    ("agreement_withdraw", _("Zielvereinbarung zurückziehen")),
    ("view_drafts", _("Entwürfe einsehen")),
    # The comments and reasons in the history of reviews, plans, agreements and the cycle
    # are the administration's internal exchange (e.g. why management returned a review):
    # council members, committee secretaries and external stakeholders do not read them.
    ("view_internal_comments", _("Interne Kommentare im Verlauf einsehen")),
    ("deadline_extend", _("Fristen verlängern")),
    ("delivery_monitor", _("Zustellprobleme einsehen und erneut senden")),
]

BODY_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "management": frozenset(
        {
            "cycle_advance",
            "cycle_override",
            "review_decide",
            "plan_decide",
            "agreement_decide",
            "agreement_prioritise",
            "agreement_close",
            "agreement_withdraw",
            "view_drafts",
            "view_internal_comments",
            "deadline_extend",
            "delivery_monitor",
        }
    ),
    "strategy_unit": frozenset(
        {
            "agreement_prioritise",
            "agreement_close",
            "view_drafts",
            "view_internal_comments",
            "delivery_monitor",
        }
    ),
    "committee_secretary": frozenset({"agreement_resolve"}),
    "council_member": frozenset(),
    "external_stakeholder": frozenset(),
}

DEPARTMENT_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "department_head": frozenset(
        {
            "review_edit",
            "review_submit",
            "plan_edit",
            "plan_submit",
            "agreement_edit",
            "agreement_submit",
            "agreement_implement",
            "agreement_withdraw",
            "view_drafts",
            "view_internal_comments",
        }
    ),
    "department_editor": frozenset(
        {"review_edit", "plan_edit", "agreement_edit", "view_drafts", "view_internal_comments"}
    ),
}


def permissions_of_role(role: str) -> frozenset[str]:
    """Return the permission codenames a role grants."""
    return BODY_ROLE_PERMISSIONS.get(role) or DEPARTMENT_ROLE_PERMISSIONS.get(role, frozenset())
