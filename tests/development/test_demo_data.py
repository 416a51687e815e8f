"""The demo: ~30 dossiers in the demo secretary's branch, once."""

from __future__ import annotations

import random
from datetime import date, timedelta

from services.development.demo_data import DEMO_PER_INSTITUTION, seed_institution
from services.development.models import Dossier
from services.organization.models import Position
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory, UserFactory
from tests.members.helpers import build_tree


def test_seed_institution_fills_the_secretary_branch_once(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary = MemberFactory(branch=tree.branch_x, user=UserFactory(username="secretary"))
        Position.objects.create(
            member=secretary,
            unit=tree.branch_x,
            kind=Position.Kind.SECRETARY,
            started_on=date.today() - timedelta(days=400),
        )
        for _ in range(3):
            MemberFactory(branch=tree.branch_x)
        seed_institution(institution=inst_a, rng=random.Random(0))
        seed_institution(institution=inst_a, rng=random.Random(0))
        dossiers = Dossier.objects.filter(branch=tree.branch_x)
        assert dossiers.count() == DEMO_PER_INSTITUTION
        assert set(dossiers.values_list("stage", flat=True)) == {
            "applicant",
            "activist",
            "target",
            "probationary",
            "full",
        }
