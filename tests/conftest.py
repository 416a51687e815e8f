"""Shared test fixtures.

Two institutions, A (alpha) and B (beta), are provisioned once per test session (per xdist
worker database) and committed, so server threads and worker processes see them too. Each
test runs inside a transaction that is rolled back; switch schemas with ``in_schema``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from console.services import institution_create, institution_domain
from services.accounts.models import User
from tenants.models import Institution
from tenants.routing import route_cache
from tests.factories import PASSWORD

ADMIN_PASSWORD = "Admin-pass-2026!"


@contextmanager
def in_schema(institution: Institution | str) -> Iterator[None]:
    name = institution if isinstance(institution, str) else institution.schema_name
    with schema_context(name):
        yield


@dataclass
class Institutions:
    a: Institution
    b: Institution


def ensure_institution(code: str, name: str) -> Institution:
    existing = Institution.objects.filter(code=code).first()
    if existing is not None:
        return existing
    institution, _ = institution_create(code=code, name=name, admin_password=ADMIN_PASSWORD)
    return institution


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's own, except that the test database is always set up: it creates one only
    when a collected test asks for ``db``, and tests that work on committed data (worker
    processes, pg_dump) do not — they would otherwise reach the development database."""
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={"default"},
            serialized_aliases=set(),
            keepdb=keepdb,
        )
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(scope="session")
def institutions(django_db_setup: None, django_db_blocker: Any) -> Institutions:
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_"), "refusing to write outside a test database"
        return Institutions(a=ensure_institution("alpha", "甲大学"), b=ensure_institution("beta", "乙学院"))


@pytest.fixture(autouse=True)
def _fresh_routes_and_public_schema() -> Iterator[None]:
    """Each test starts with no cached routes, and a route it caches stays cached until it ends:
    with the deployment's few seconds, a slow moment between a warm-up request and a counted one
    (a busy machine) let the entry expire and added the domain lookup to the count. Changes made
    in-process forget their routes at once (forget_institution); expiry is tested on its own
    cache with a fake clock (tests/tenants/test_routing.py)."""
    route_cache.forget()
    ttl, route_cache.ttl = route_cache.ttl, 3600
    yield
    route_cache.ttl = ttl
    route_cache.forget()
    connection.set_schema_to_public()


@pytest.fixture
def inst_a(institutions: Institutions, db: None) -> Institution:
    return institutions.a


@pytest.fixture
def inst_b(institutions: Institutions, db: None) -> Institution:
    return institutions.b


def host_of(institution: Institution | None) -> str:
    from django.conf import settings

    return institution_domain(institution.code) if institution else settings.BASE_DOMAIN


def client_for(institution: Institution | None, user: User | None = None) -> Client:
    """A test client whose requests go to the institution's host (the console for None),
    logged in as ``user`` (a session stored in that institution's schema)."""
    client = Client(HTTP_HOST=host_of(institution))
    if user is not None:
        with schema_context(institution.schema_name if institution else "public"):
            client.force_login(user)
    return client


def make_user(institution: Institution | None, **fields: object) -> User:
    from tests.factories import UserFactory

    with schema_context(institution.schema_name if institution else "public"):
        return UserFactory(**fields)


@pytest.fixture
def operator(db: None) -> User:
    return make_user(None, username="op", platform_role="operator", is_staff=True)


@pytest.fixture
def committee_user(db: None) -> User:
    return make_user(None, username="committee1", platform_role="committee")


__all__ = ["ADMIN_PASSWORD", "PASSWORD", "client_for", "host_of", "in_schema", "make_user"]
