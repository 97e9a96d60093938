"""The demo's FD 67 review page shows met, within tolerance and missed (issue 12)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from planning_cycle.models import Indicator, User
from workflows.models import DepartmentReview

pytestmark = pytest.mark.django_db


def test_fd67s_review_page_shows_statuses_in_the_right_direction() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    assert Indicator.objects.filter(key__startswith="fd67-").count() == 4

    review = DepartmentReview.objects.get(
        cycle__body__key="landkreis-peine", cycle__year=2026, department__code="FD 67"
    )
    client = Client()
    client.force_login(User.objects.get(username="fdleitung"))
    text = client.get(f"/zielbilanzierungen/{review.pk}/").content.decode()

    # "Lower is better" above its maximum: missed, not met.
    assert "Ist 1.180 liegt über dem Höchstwert 1.000 (Toleranz 10 %: bis 1.100)." in text
    assert "verfehlt" in text and "erfüllt" in text and "im Toleranzbereich" in text
    assert "Kein Istwert für 2025." in text  # the value FD 67 enters in the demo

    indicator = Indicator.objects.get(key="fd67-umweltbildung-teilnehmende")
    response = client.post(
        f"/zielbilanzierungen/{review.pk}/kennzahlen/{indicator.pk}/",
        {"value": "950", "comment": "Jahresstatistik", "source": "Umweltzentrum"},
    )
    assert response.status_code == 302
    text = client.get(f"/zielbilanzierungen/{review.pk}/").content.decode()
    assert "Kein Istwert für 2025." not in text
