"""The demo's submitted goal agreements hold the answers submitting requires (issue 9)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from workflows.models import AgreementState, GoalAgreement
from workflows.models.agreements import ANSWERS_REQUIRED_FOR_SUBMISSION

pytestmark = pytest.mark.django_db


def test_the_demos_submitted_agreements_are_answered() -> None:
    call_command("seed_demo", stdout=StringIO())

    submitted = list(GoalAgreement.objects.filter(state=AgreementState.SUBMITTED))
    assert submitted
    for item in submitted:
        assert ANSWERS_REQUIRED_FOR_SUBMISSION.missing(item) == [], item
