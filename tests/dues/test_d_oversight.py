"""The committee's dues figure: each branch's collection per month reaches the public schema as
counts and a rate under the unit's path of ids — no name of a person or a unit — and a branch with
few members billed is suppressed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import models

from services.oversight.dues_figures import dues_figures_publish
from services.oversight.models import DuesCollectionFigures
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory, OrgUnitFactory

from .conftest import Branch
from .ledger_helpers import bill, months, pay

pytestmark = pytest.mark.django_db


def test_the_rate_per_branch_and_month_is_published_without_names(inst_a: Institution, branch: Branch) -> None:
    got = months(2026, 11, 11)
    for i, member in enumerate(branch.members):
        bill(member, got[11])
        if i < 6:
            pay(member, got[11])
    small = OrgUnitFactory(name="小支部")
    bill(MemberFactory(branch=small, name="独一人"), got[11])
    dues_figures_publish(institution=inst_a)
    dues_figures_publish(institution=inst_a)  # upserted: one row per branch and month
    with in_schema("public"):
        rows = {row.unit_path: row for row in DuesCollectionFigures.objects.filter(institution=inst_a)}
        assert len(rows) == 2
        mine = rows[branch.unit.path]
        assert (mine.billed_count, mine.settled_count, mine.rate) == (8, 6, Decimal("75.0"))
        assert mine.unit_kind == "branch" and not mine.suppressed
        few = rows[small.path]
        assert few.suppressed and few.billed_count is None and few.rate is None
        # Nothing a person could be found by: no column holds text beyond the path and the kind.
        text = [f.name for f in DuesCollectionFigures._meta.get_fields() if isinstance(f, models.CharField)]
        assert sorted(text) == ["unit_kind", "unit_path"]
        for row in rows.values():
            assert set(row.unit_path) <= set("0123456789.")
            assert "党员" not in str(row.__dict__) and "独一人" not in str(row.__dict__)
