"""The idle timeout renews a signed-in session without writing it on every request: at most once a
minute (partycloud/sessions.py), and the renewal moves the expiry on."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partycloud import sessions
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user

pytestmark = pytest.mark.django_db


def _session_writes(queries: CaptureQueriesContext) -> int:
    return sum('UPDATE "django_session"' in q["sql"] or 'INSERT INTO "django_session"' in q["sql"] for q in queries)


def test_a_signed_in_session_is_renewed_once_a_minute_not_on_every_request(
    inst_a: Institution, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1_800_000_000]
    monkeypatch.setattr(sessions, "_now", lambda: clock[0])
    client = client_for(inst_a, make_user(inst_a, username="renewal_user"))
    client.get("/reminders/")  # the first request after sign-in renews (writes) once
    with in_schema(inst_a):
        key = client.cookies["sessionid"].value
        first_expiry = Session.objects.get(session_key=key).expire_date
        with CaptureQueriesContext(connection) as quiet:
            for _ in range(3):
                assert client.get("/reminders/").status_code == 200
        assert _session_writes(quiet) == 0
        clock[0] += sessions.RENEW_EVERY
        with CaptureQueriesContext(connection) as renewing:
            assert client.get("/reminders/").status_code == 200
        assert _session_writes(renewing) == 1
        assert Session.objects.get(session_key=key).expire_date > first_expiry
        assert client.cookies["sessionid"]["max-age"]  # the cookie's expiry moves on with it


def test_an_anonymous_request_writes_no_session(inst_a: Institution) -> None:
    with in_schema(inst_a), CaptureQueriesContext(connection) as queries:
        client_for(inst_a).get("/accounts/login/")
    assert _session_writes(queries) == 0
