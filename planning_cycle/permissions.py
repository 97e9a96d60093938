"""The workflow permissions and the role table: which role is held where and grants what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
from django.utils.translation import gettext_lazy as _

# Declared on Body and on Department: body-wide roles hold them on the body,
# department roles on their department; a check looks at every scope of the object
# (its department, its body: `planning_cycle.access.user_may`).
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
    ("role_manage", _("Rollen vergeben und entziehen")),
    ("cycle_create", _("Planungszyklus anlegen")),
    ("framework_set", _("Rahmenvorgaben festlegen (Budgetobergrenzen, Sparziele)")),
    # Consultation rounds (Beteiligungsverfahren) and their statements.
    ("consultation_manage", _("Beteiligungsverfahren durchführen")),
    ("consultation_view", _("Alle Beteiligungsverfahren einsehen")),
    ("organisation_manage", _("Beteiligte Organisationen und Ansprechpersonen verwalten")),
    ("statement_edit", _("Stellungnahme entwerfen")),
    ("statement_release", _("Stellungnahme freigeben")),
    ("invitation_respond", _("Beteiligung absagen oder Fristverlängerung beantragen")),
    ("disposition_record", _("Abwägung zu Stellungnahmen erfassen")),
    # Council papers (Vorlagen), committees, their meetings and results.
    ("committee_manage", _("Gremien, Mitglieder und Wahlperioden verwalten")),
    ("paper_manage", _("Vorlagen, Sitzungen und Tagesordnungen verwalten")),
    ("result_record", _("Beratungsergebnis eines Gremiums erfassen")),
    ("paper_view_nonpublic", _("Nichtöffentliche Vorlagen und Sitzungsteile einsehen")),
]


@dataclass(frozen=True)
class RoleSpec:
    """Where a role is held (a scope kind of `planning_cycle.scopes`) and what it grants there."""

    scope: str
    permissions: frozenset[str]


# The role table. Guardian's object-permission rows are derived from it and the role
# assignments by `role_permissions_sync` (after every `migrate` and on every assignment):
# changing a role here needs no data migration.
ROLE_TABLE: dict[str, RoleSpec] = {
    "management": RoleSpec(
        scope="body",
        permissions=frozenset(
            {
                "cycle_create",
                "cycle_advance",
                "framework_set",
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
                "role_manage",
                "consultation_view",
                "paper_view_nonpublic",
            }
        ),
    ),
    "strategy_unit": RoleSpec(
        scope="body",
        permissions=frozenset(
            {
                "agreement_prioritise",
                "agreement_close",
                "view_drafts",
                "view_internal_comments",
                "delivery_monitor",
                "consultation_manage",
                "consultation_view",
                "organisation_manage",
                # Statements assigned to no department are weighed by the strategy unit.
                "disposition_record",
                # It drafts the goals paper from the retreat's results.
                "paper_manage",
                "paper_view_nonpublic",
            }
        ),
    ),
    # The council office (Sitzungsdienst): papers, meetings and agendas of every committee.
    "committee_secretary": RoleSpec(
        scope="body",
        permissions=frozenset(
            {"agreement_resolve", "committee_manage", "paper_manage", "paper_view_nonpublic"}
        ),
    ),
    # A committee's secretary (Schriftführung) records that committee's results only.
    "committee_clerk": RoleSpec(
        scope="committee",
        permissions=frozenset({"result_record", "paper_view_nonpublic"}),
    ),
    "council_member": RoleSpec(scope="body", permissions=frozenset()),
    # Held on their organisation: what they may do there is answer its invitations.
    "external_stakeholder": RoleSpec(
        scope="organisation",
        # The comments in the history of their own invitations and statements are their
        # exchange with the strategy unit (their extension reason, a refusal's reason).
        permissions=frozenset(
            {
                "statement_edit",
                "statement_release",
                "invitation_respond",
                "view_internal_comments",
            }
        ),
    ),
    "department_head": RoleSpec(
        scope="department",
        permissions=frozenset(
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
                "statement_edit",
                "statement_release",
                "invitation_respond",
                "disposition_record",
            }
        ),
    ),
    "department_editor": RoleSpec(
        scope="department",
        permissions=frozenset(
            {
                "review_edit",
                "plan_edit",
                "agreement_edit",
                "view_drafts",
                "view_internal_comments",
                "statement_edit",
                "disposition_record",
            }
        ),
    ),
}


def permissions_of_role(role: str) -> frozenset[str]:
    """Return the permission codenames a role grants."""
    spec = ROLE_TABLE.get(role)
    return spec.permissions if spec is not None else frozenset()


def scope_of_role(role: str) -> str:
    """Return the key of the scope kind a role is held on."""
    return ROLE_TABLE[role].scope


def roles_held_on(scope: str) -> list[str]:
    """Return the roles held on a scope kind, sorted."""
    return sorted(role for role, spec in ROLE_TABLE.items() if spec.scope == scope)


def _by_scope(scope: str) -> dict[str, frozenset[str]]:
    return {role: spec.permissions for role, spec in ROLE_TABLE.items() if spec.scope == scope}


# The same table split by where a role is held, for readers that know only these two kinds.
BODY_ROLE_PERMISSIONS: dict[str, frozenset[str]] = _by_scope("body")
DEPARTMENT_ROLE_PERMISSIONS: dict[str, frozenset[str]] = _by_scope("department")
