"""Fixtures of the 党务公开 tests: institution A's branch (the organization-life fixture's: its
secretary manages it, members[1] is the organization commissioner) and a second branch elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.organization.models import OrgUnit
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import OrgUnitFactory
from tests.orglife.conftest import Branch, make_branch


@pytest.fixture
def branch(inst_a: Institution) -> Iterator[Branch]:
    made = make_branch(inst_a, username="openness_secretary")
    with in_schema(inst_a):
        yield made


@pytest.fixture
def other_branch(branch: Branch) -> OrgUnit:
    return OrgUnitFactory(name="第二党支部")
