"""The workflow models."""

from .agreements import GoalAgreement
from .history import AppendOnlyError, OutboxMessage, TransitionLog
from .states import (
    OPEN_AGREEMENT_STATES,
    REPORTED_AGREEMENT_STATES,
    AgreementState,
    Outcome,
    PlanState,
    ReviewState,
)
from .submissions import DepartmentPlan, DepartmentReview

__all__ = [
    "OPEN_AGREEMENT_STATES",
    "REPORTED_AGREEMENT_STATES",
    "AgreementState",
    "AppendOnlyError",
    "DepartmentPlan",
    "DepartmentReview",
    "GoalAgreement",
    "OutboxMessage",
    "Outcome",
    "PlanState",
    "ReviewState",
    "TransitionLog",
]
