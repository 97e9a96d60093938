"""The demo's FD 67 review page shows its 2025 agreements, answered, to be reported (issue 12)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from planning_cycle.management.commands._demo_review import DEMO_AGREEMENTS
from planning_cycle.models import User
from workflows.models import AgreementState, DepartmentReview, GoalAgreement

pytestmark = pytest.mark.django_db


def test_fd67s_review_page_shows_its_agreements_with_the_five_answers() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent

    agreements = GoalAgreement.objects.filter(
        cycle__body__key="landkreis-peine", cycle__year=2025, department__code="FD 67"
    )
    assert sorted(agreements.values_list("operative_goal__number", "state")) == [
        ("4.1", AgreementState.IN_IMPLEMENTATION),
        ("4.4", AgreementState.IN_IMPLEMENTATION),
        ("4.5", AgreementState.IN_IMPLEMENTATION),
    ]
    review = DepartmentReview.objects.get(
        cycle__body__key="landkreis-peine", cycle__year=2026, department__code="FD 67"
    )
    client = Client()
    client.force_login(User.objects.get(username="fdleitung"))
    text = client.get(f"/zielbilanzierungen/{review.pk}/").content.decode()

    assert "Zielvereinbarungen 2025" in text
    for spec in DEMO_AGREEMENTS:
        for answer in (spec.balance, spec.effects, spec.programmes, spec.processes, spec.resources):
            assert answer in text, answer
    assert text.count('class="outcome-form') == 3  # FD 67 sets the achievement there
    assert "CO₂-Ausstoß der Kreisgebäude" in text  # the agreements' indicators
