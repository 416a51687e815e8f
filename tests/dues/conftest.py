"""Fixtures of the dues tests: institution A's first branch (the organization-life fixture's
branch: members[0] is the secretary, members[1] the organization commissioner) and an open month."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.dues.models import Month
from tenants.models import Institution
from tests.conftest import in_schema
from tests.orglife.conftest import Branch, make_branch


@pytest.fixture
def branch(inst_a: Institution) -> Iterator[Branch]:
    made = make_branch(inst_a, username="dues_secretary")
    with in_schema(inst_a):
        yield made


@pytest.fixture
def open_month(branch: Branch) -> Month:
    return Month.objects.create(year=2026, month=11)
