"""The user-to-session index: written at every sign-in, moved by a password change, deleted at
sign-out, backfilled for older sessions; ending a user's sessions is an indexed delete."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.accounts.models import UserSession
from services.accounts.revocation import sessions_end
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clear_throttle() -> None:
    cache.clear()


def test_a_sign_in_through_the_page_is_indexed_and_a_sign_out_forgets_it(inst_a: Institution) -> None:
    user = make_user(inst_a, username="indexed")
    client = client_for(inst_a)
    response = client.post(
        "/accounts/login/", {"username": "indexed", "password": PASSWORD}, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)"
    )
    assert response.status_code == 302
    key = client.cookies["sessionid"].value
    with in_schema(inst_a):
        row = UserSession.objects.get(session_key=key)
        assert row.user_id == user.pk and row.address == "127.0.0.1" and "iPhone" in row.agent
    client.post("/accounts/logout/")
    with in_schema(inst_a):
        assert not UserSession.objects.filter(user=user).exists()


def test_a_password_change_moves_the_index_to_the_new_session_key(inst_a: Institution) -> None:
    user = make_user(inst_a, username="rekeyed")
    client = client_for(inst_a)
    client.post("/accounts/login/", {"username": "rekeyed", "password": PASSWORD})
    new_password = "Another-long-passphrase-42"
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    key = client.cookies["sessionid"].value
    with in_schema(inst_a):
        assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [key]


def test_ending_one_users_sessions_costs_the_same_for_many_sessions(inst_a: Institution) -> None:
    user = make_user(inst_a, username="busy")
    other = make_user(inst_a, username="bystander")
    for _ in range(3):
        client_for(inst_a, user)
    bystander = client_for(inst_a, other)

    def ended() -> tuple[int, int]:
        with in_schema(inst_a):
            with CaptureQueriesContext(connection) as queries:
                count = sessions_end(user=user)
            return count, len(queries)

    few, cost = ended()
    assert few == 3 and cost <= 3  # the search path, then two deletes
    for _ in range(12):
        client_for(inst_a, user)
    assert ended() == (12, cost)
    with in_schema(inst_a):
        assert Session.objects.filter(session_key=bystander.cookies["sessionid"].value).exists()


def test_the_migration_indexes_sessions_signed_in_before_the_index(inst_a: Institution) -> None:
    user = make_user(inst_a, username="older")
    client = client_for(inst_a, user)
    key = client.cookies["sessionid"].value
    migration = importlib.import_module("services.accounts.migrations.0004_session_index_backfill")
    with in_schema(inst_a):
        UserSession.objects.all().delete()  # as before the index existed
        migration._index_existing_sessions(django_apps, None)
        assert UserSession.objects.get(session_key=key).user_id == user.pk
        migration._index_existing_sessions(django_apps, None)  # again: nothing twice
        assert UserSession.objects.filter(session_key=key).count() == 1
