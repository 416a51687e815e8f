"""The demo data of 党内统计年报: on the demo roster (console/demo.py) the institution's tables of
last year are not empty and pass every check, and they are published for the console's sum; a
second run changes nothing."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from console.demo import INSTITUTIONS, _build_tree, _members
from services.members.models import Member
from services.organization.models import OrgUnit
from services.statistics.demo_data import seed_institution
from services.statistics.filling import tables_fill
from services.statistics.models import PublishedTables
from services.statistics.template import edition_for
from tenants.models import Institution
from tests.conftest import in_schema

pytestmark = pytest.mark.django_db


def test_the_demo_roster_fills_the_tables_and_passes_the_checks(inst_a: Institution) -> None:
    year = timezone.localdate().year - 1
    with in_schema(inst_a):
        branches = [unit for unit in _build_tree(INSTITUTIONS[0]) if unit.kind == OrgUnit.Kind.BRANCH][:6]
        Member.objects.bulk_create(_members(random.Random(0), branches, 60))
        seed_institution(institution=inst_a, rng=random.Random(0))
        educations = dict(Member.objects.values_list("pk", "education"))
        seed_institution(institution=inst_a, rng=random.Random(1))
        assert dict(Member.objects.values_list("pk", "education")) == educations
        filled = tables_fill(edition=edition_for(year), year=year)
    assert filled.passed, [f.message for f in filled.failures]
    assert filled.cells["t1"]["total"]["total"] > 0
    assert filled.cells["t2"]["total"]["unknown"] < filled.cells["t2"]["total"]["total"]
    published = PublishedTables.objects.get(institution=inst_a, year=year)
    assert published.cells == filled.cells
