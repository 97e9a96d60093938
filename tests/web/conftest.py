"""Fixtures of the web tests: logged-in clients and a small goal catalog with agreements."""

# ROLES and review_of live in tests.support.web; imported here for the fixtures.

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from planning_cycle.models import (
    Indicator,
    IndicatorValue,
    Measure,
    OperativeGoal,
    PolicyField,
    Product,
    ProductBudget,
    StrategicGoal,
    User,
    ValueKind,
)
from tests.support.world import World
from workflows.models import GoalAgreement


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """Return a test client logged in as the given user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def catalog(world: World) -> dict[str, object]:
    """A policy field with a strategic goal and an operative goal; agreements for FD 31 and 32."""
    body = world.body
    field = PolicyField.objects.create(body=body, key="pf1", name="Bildung und Teilhabe")
    sgoal = StrategicGoal.objects.create(
        body=body, policy_field=field, number="1", title="Gute Bildung für alle"
    )
    ogoal = OperativeGoal.objects.create(
        body=body,
        strategic_goal=sgoal,
        key="1.1",
        number="1.1",
        title="Ganztagsangebote an Grundschulen ausbauen",
    )
    ogoal.departments.add(world.departments[0])
    product = Product.objects.create(
        body=body, code="2.1.1", name="Schulträgeraufgaben", department=world.departments[0]
    )
    ProductBudget.objects.create(body=body, product=product, year=2026, amount=Decimal("125000"))
    ogoal.products.add(product)
    Measure.objects.create(
        body=body,
        operative_goal=ogoal,
        key="m1",
        title="Raumkonzept für Ganztag erstellen",
        owner=world.departments[0],
        due_date=dt.date(2026, 9, 30),
        cost=Decimal("40000"),
    )
    indicator = Indicator.objects.create(
        body=body, key="k1", name="Ganztagsquote", unit="%", operative_goal=ogoal
    )
    IndicatorValue.objects.create(
        body=body, indicator=indicator, year=2025, kind=ValueKind.BASELINE, value=Decimal("48.5")
    )
    IndicatorValue.objects.create(
        body=body, indicator=indicator, year=2026, kind=ValueKind.TARGET, value=Decimal("60")
    )
    own = GoalAgreement.objects.create(
        body=body,
        cycle=world.cycle,
        operative_goal=ogoal,
        department=world.departments[0],
        effects="GEHEIM-EIGEN: mehr Ganztagsplätze",
    )
    other = GoalAgreement.objects.create(
        body=body,
        cycle=world.cycle,
        operative_goal=ogoal,
        department=world.departments[1],
        effects="GEHEIM-FREMD: Entwurf der anderen Einheit",
    )
    return {"field": field, "sgoal": sgoal, "ogoal": ogoal, "own": own, "other": other}


@pytest.fixture(scope="session")
def english_messages() -> None:
    """Compile locale/en when its .mo is missing or older than the .po (needs GNU gettext)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.translation import trans_real

    po = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    call_command(
        "compilemessages",
        locale=["en"],
        ignore_patterns=[".venv", "var", "node_modules", "static", "staticfiles"],
        verbosity=0,
    )
    # Forget catalogs loaded before the compilation.
    trans_real._translations = {}
    trans_real._default = None
