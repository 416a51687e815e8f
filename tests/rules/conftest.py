"""Institution A with its administrator (the superuser) and a plain signed-in user."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.accounts.models import User
from tenants.models import Institution
from tests.conftest import in_schema, make_user


@pytest.fixture
def in_a(inst_a: Institution) -> Iterator[Institution]:
    with in_schema(inst_a):
        yield inst_a


@pytest.fixture
def admin(inst_a: Institution) -> User:
    return make_user(inst_a, username="rules_admin", is_superuser=True, is_staff=True)


@pytest.fixture
def plain(inst_a: Institution) -> User:
    return make_user(inst_a, username="rules_plain")
