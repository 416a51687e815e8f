"""The demo's standardization data (services/standards/demo_data.py): a valid published system
for universities, and the demo secretary's branch with its self-assessment begun. Idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from services.organization.models import Position
from services.standards import demo_data
from services.standards.models import Assessment, IndicatorSystem
from tenants.models import Institution
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_system_and_begins_the_secretarys_assessment(inst_a: Institution) -> None:
    import random

    demo_data.seed_public()
    demo_data.seed_public()
    system = IndicatorSystem.objects.get(name=demo_data.NAME)
    assert system.is_published and system.institution_kind == "university" and system.nodes.count() == 20
    Institution.objects.filter(pk=inst_a.pk).update(kind="university")
    inst_a.refresh_from_db()
    with in_schema(inst_a):
        branch = OrgUnitFactory(name="演示支部")
        user = make_user(inst_a, username="secretary")
        member = MemberFactory(branch=branch, user=user)
        Position.objects.create(member=member, unit=branch, kind=Position.Kind.SECRETARY, started_on="2025-01-01")
        demo_data.seed_institution(institution=inst_a, rng=random.Random(0))
        demo_data.seed_institution(institution=inst_a, rng=random.Random(0))
        assessment = Assessment.objects.get()
        assert (assessment.unit_id, assessment.year, assessment.system_id, assessment.status) == (
            branch.pk, date.today().year, system.pk, "self",
        )  # fmt: skip
