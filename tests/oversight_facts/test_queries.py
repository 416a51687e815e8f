"""The facts job reads an institution in a fixed number of statements: one or a few per metric,
never one per branch (bench/facts_publish.py measures the time at 400 branches)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.orglife.models import Meeting
from services.oversight.facts import unit_facts_publish
from services.oversight.models import FactRules
from tenants.models import Institution
from tests.conftest import in_schema
from tests.dues.ledger_helpers import bill, months, pay
from tests.factories import MemberFactory, OrgUnitFactory

from .helpers import at

pytestmark = pytest.mark.django_db


def _branches(parent: object, count: int, year: int) -> None:
    month = months(year, 1, 1)[1]
    for _ in range(count):
        branch = OrgUnitFactory(parent=parent)
        starts = at(year, 1, 10)
        Meeting.objects.create(
            unit=branch,
            kind=Meeting.Kind.THEME_DAY,
            topic="主题党日",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
        for i in range(3):
            member = MemberFactory(branch=branch)
            bill(member, month)
            if i:
                pay(member, month)


def _statements(institution: Institution, year: int) -> int:
    # The rules the metrics read are the same in both runs: written by the first run only, unless
    # forgotten before each (a changed row is written, an unchanged one costs no statement).
    FactRules.objects.filter(institution=institution).delete()
    with CaptureQueriesContext(connection) as queries:
        unit_facts_publish(institution=institution, year=year)
    return len(queries)


def test_the_statements_do_not_grow_with_the_branches(inst_a: Institution) -> None:
    year = timezone.localdate().year
    with in_schema(inst_a):
        root = OrgUnitFactory(kind="committee")
        _branches(root, 2, year)
        few = _statements(inst_a, year)
        _branches(root, 6, year)
        many = _statements(inst_a, year)
    assert many == few
