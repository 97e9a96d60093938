"""Reads of the invitee's side: an invitation's page, a statement's versions, my invitations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from guardian.core import ObjectPermissionChecker

from planning_cycle.access import user_may
from planning_cycle.models import User
from workflows.access import workflow_visible
from workflows.selectors import WorkflowItem, workflow_item
from workflows.services.transitions import TransitionOption

from ..access import own_invitee
from ..models import Invitation, RoundSection, Statement
from ..services.statements import EDIT, RELEASE, four_eyes_reason, statement_window_reason
from ..states import StatementState

STATEMENT_RELATED = ("round", "invitation", "department", "organisation", "section", "drafted_by")


@dataclass
class StatementChain:
    """A statement and its corrections, oldest first; the last one is the current one."""

    versions: list[Statement]

    @property
    def current(self) -> Statement:
        return self.versions[-1]

    @property
    def first(self) -> Statement:
        return self.versions[0]


def chains_of(statements: list[Statement]) -> list[StatementChain]:
    """Group statements into their version chains (no query: `supersedes_id` links them)."""
    by_pk = {s.pk: s for s in statements}
    successor = {s.supersedes_id: s for s in statements if s.supersedes_id in by_pk}
    chains = []
    for s in statements:
        if s.supersedes_id in by_pk:
            continue  # not the first version the user sees
        versions = [s]
        while versions[-1].pk in successor:
            versions.append(successor[versions[-1].pk])
        chains.append(StatementChain(versions=versions))
    chains.sort(key=lambda c: (c.first.created_at, c.first.pk))
    return chains


def statements_of_invitation(user: User, invitation: Invitation) -> QuerySet[Statement]:
    """Return the invitation's statements the user may see, every version, oldest first."""
    return (
        workflow_visible(Statement, user=user)
        .filter(invitation_id=invitation.pk)
        .select_related(*STATEMENT_RELATED)
        .prefetch_related("co_signers__department", "co_signers__organisation", "attachments")
        .order_by("created_at", "pk")
    )


def co_signed_statements(user: User, invitation: Invitation) -> list[Statement]:
    """Return the released joint statements of others that name this invitation."""
    return list(
        workflow_visible(Statement, user=user)
        .filter(co_signers=invitation, state=StatementState.RELEASED)
        .select_related(*STATEMENT_RELATED)
        .prefetch_related("attachments")
        .order_by("released_at", "pk")
    )


@dataclass
class InvitationPage:
    """What the invitation's page shows to one user."""

    invitation: Invitation
    sections: list[RoundSection]
    chains: list[StatementChain]
    co_signed: list[Statement]
    options: list[TransitionOption]
    item: WorkflowItem
    # Why no new statement can be drafted now ("" when it can); may_draft: the permission.
    may_draft: bool
    window_reason: str
    co_signer_choices: list[Invitation] = field(default_factory=list)

    @property
    def can_draft(self) -> bool:
        return self.may_draft and not self.window_reason

    @property
    def decline(self) -> TransitionOption | None:
        return next((o for o in self.options if o.name == "decline"), None)

    @property
    def extension(self) -> TransitionOption | None:
        return next((o for o in self.options if o.name == "request_extension"), None)


def round_sections(invitation: Invitation) -> list[RoundSection]:
    """Return the numbered sections of the invitation's round in their order."""
    return list(
        RoundSection.objects.filter(round_id=invitation.round_id).order_by("position", "pk")
    )


def co_signer_choices(invitation: Invitation) -> list[Invitation]:
    """Return the other invitees of the round, who may sign a joint statement."""
    return list(
        Invitation.objects.filter(round_id=invitation.round_id)
        .exclude(pk=invitation.pk)
        .select_related("department", "organisation")
        .order_by("department__code", "organisation__name", "pk")
    )


def invitation_page(
    *, user: User, checker: ObjectPermissionChecker, invitation: Invitation
) -> InvitationPage:
    """Collect an invitation's page: the draft, its statements, what the user may do."""
    may_draft = user_may(checker, user, EDIT, invitation)
    item = workflow_item(user=user, checker=checker, obj=invitation)
    return InvitationPage(
        invitation=invitation,
        sections=round_sections(invitation),
        chains=chains_of(list(statements_of_invitation(user, invitation))),
        co_signed=co_signed_statements(user, invitation),
        options=item.options,
        item=item,
        may_draft=may_draft,
        window_reason=statement_window_reason(invitation) if may_draft else "",
        co_signer_choices=co_signer_choices(invitation) if may_draft else [],
    )


@dataclass
class StatementPage:
    """What a statement's page shows to one user."""

    statement: Statement
    versions: list[Statement]
    item: WorkflowItem
    may_edit: bool
    may_release: bool
    # Why the user cannot release it now (four eyes, deadline, missing position), or empty.
    release_blocked: tuple[str, ...]
    window_reason: str
    # A co-signer sees the joint statement but not the author's invitation.
    invitation_visible: bool

    @property
    def is_draft(self) -> bool:
        return self.statement.state == StatementState.DRAFT

    @property
    def is_current(self) -> bool:
        return self.versions[-1].pk == self.statement.pk

    @property
    def successor(self) -> Statement | None:
        """Return the correction of this version, if there is one."""
        pks = [v.pk for v in self.versions]
        index = pks.index(self.statement.pk) if self.statement.pk in pks else len(pks) - 1
        return self.versions[index + 1] if index + 1 < len(pks) else None

    @property
    def editable(self) -> bool:
        return self.is_draft and self.may_edit and not self.window_reason

    @property
    def correctable(self) -> bool:
        return not self.is_draft and self.is_current and self.may_edit and not self.window_reason


def statement_versions(user: User, statement: Statement) -> list[Statement]:
    """Return all versions of the statement's chain the user may see, oldest first."""
    chains = chains_of(list(statements_of_invitation(user, statement.invitation)))
    for chain in chains:
        if any(v.pk == statement.pk for v in chain.versions):
            return chain.versions
    return [statement]


def statement_page(
    *, user: User, checker: ObjectPermissionChecker, statement: Statement
) -> StatementPage:
    """Collect a statement's page: its versions, history and what the user may do."""
    may_edit = user_may(checker, user, EDIT, statement)
    may_release = user_may(checker, user, RELEASE, statement)
    item = workflow_item(user=user, checker=checker, obj=statement)
    blocked: tuple[str, ...] = ()
    if statement.state == StatementState.DRAFT and may_release:
        option = next((o for o in item.options if o.name == "release"), None)
        four_eyes = four_eyes_reason(statement, user)
        blocked = (option.blocked_by if option else ()) + ((four_eyes,) if four_eyes else ())
    return StatementPage(
        statement=statement,
        versions=statement_versions(user, statement),
        item=item,
        may_edit=may_edit,
        may_release=may_release,
        release_blocked=blocked,
        window_reason=statement_window_reason(statement.invitation) if may_edit else "",
        invitation_visible=workflow_visible(Invitation, user=user)
        .filter(pk=statement.invitation_id)
        .exists(),
    )


def my_invitations(user: User) -> QuerySet[Invitation]:
    """Return the invitations of the user's own departments and organisations (opened rounds)."""
    return (
        workflow_visible(Invitation, user=user)
        .filter(own_invitee(user))
        .select_related("round", "department", "organisation")
        .annotate(
            statement_count=Count("statements", distinct=True),
            released_count=Count(
                "statements", filter=Q(statements__state=StatementState.RELEASED), distinct=True
            ),
        )
        .order_by("-round__deadline", "-pk")
    )


def statement_for(user: User, pk: Any) -> Statement | None:
    """Return the statement if the user may see it, loaded for the page, else None."""
    return (
        workflow_visible(Statement, user=user)
        .select_related(*STATEMENT_RELATED, "invitation__round")
        .prefetch_related("co_signers__department", "co_signers__organisation", "attachments")
        .filter(pk=pk)
        .first()
    )
