"""Sign-in lockout (issue 9, reproductions 5 and 11): the same answers and the same work for
usernames that exist and usernames that do not; lockout per account and client, plus a higher
per-account threshold for clients the account does not know, so one address cannot lock the
real user out and a guess spread over many addresses is still bounded."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from services.accounts import audit_events as account_events
from services.accounts import lockout
from services.accounts.hashers import Argon2idHasher
from services.accounts.models import SignInCounter
from services.audit.models import AuditEvent
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clear_throttle() -> None:
    cache.clear()


def _page_login(client: Client, username: str, password: str, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _text(response, username: str) -> str:  # type: ignore[no-untyped-def]
    """The page as a user reads it, with the typed username and the per-response CSRF token
    taken out (the only parts that may differ)."""
    page = response.content.decode().replace(username, "<username>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_a_real_and_an_unknown_username_get_the_same_twelve_answers(inst_a: Institution) -> None:
    make_user(inst_a, username="zhanghua")
    real, unknown = client_for(inst_a), client_for(inst_a)
    seen = []
    for attempt in range(12):
        a = _page_login(real, "zhanghua", f"wrong-{attempt}", address="10.0.0.1")
        b = _page_login(unknown, "nobody42", f"wrong-{attempt}", address="10.0.0.2")
        assert a.status_code == b.status_code == 200
        assert _text(a, "zhanghua") == _text(b, "nobody42"), f"attempt {attempt + 1} tells them apart"
        seen.append(_text(a, "zhanghua"))
    assert "用户名或密码错误。" in seen[0]
    assert "账号已被临时锁定" in seen[10] and "账号已被临时锁定" in seen[11]  # after the 10th failure


def test_the_token_api_answers_a_real_and_an_unknown_username_alike(inst_a: Institution) -> None:
    make_user(inst_a, username="zhanghua")
    client = client_for(inst_a)
    for attempt in range(12):
        answers = [
            client.post(
                "/api/auth/token/",
                {"username": name, "password": f"wrong-{attempt}"},
                content_type="application/json",
                REMOTE_ADDR=address,
            )
            for name, address in (("zhanghua", "10.0.0.1"), ("nobody42", "10.0.0.2"))
        ]
        assert answers[0].status_code == answers[1].status_code == 401
        assert answers[0].json() == answers[1].json()
    assert "账号已被临时锁定" in answers[0].json()["detail"]


def _sign_in_queries(queries: CaptureQueriesContext) -> int:
    """The queries of the sign-in itself: the host's route lookup (a cache that expires on its own
    clock, whenever a slow run crosses it) is left out."""
    return sum(1 for q in queries.captured_queries if "search_path" not in q["sql"] and "tenants_" not in q["sql"])


def test_a_real_and_an_unknown_username_cost_the_same_work(inst_a: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    """No timing: the same password hashing and the same queries on every attempt, the locked
    ones included (what a stopwatch could tell apart)."""
    settings.LOCKOUT_THRESHOLD = 3
    make_user(inst_a, username="zhanghua")
    client = client_for(inst_a)
    for attempt in range(5):
        work = []
        for name, address in (("zhanghua", "10.0.0.1"), ("nobody42", "10.0.0.2")):
            with (
                mock.patch.object(Argon2idHasher, "encode", autospec=True, side_effect=Argon2idHasher.encode) as encode,
                mock.patch.object(Argon2idHasher, "verify", autospec=True, side_effect=Argon2idHasher.verify) as verify,
                CaptureQueriesContext(connection) as queries,
            ):
                _page_login(client, name, "wrong-password", address=address)
            work.append((encode.call_count + verify.call_count, _sign_in_queries(queries)))
        assert work[0] == work[1], f"attempt {attempt + 1}: {work}"
        assert work[0][0] == (1 if attempt < 3 else 0)  # hashed until locked, then refused before hashing


def test_an_attacker_from_one_address_cannot_lock_the_real_user_out_from_another(inst_a: Institution) -> None:
    make_user(inst_a, username="liming")
    attacker, owner = client_for(inst_a), client_for(inst_a)
    for attempt in range(15):
        _page_login(attacker, "liming", f"guess-{attempt}", address="203.0.113.9")
    assert "账号已被临时锁定" in _page_login(attacker, "liming", PASSWORD, address="203.0.113.9").content.decode()
    assert _page_login(owner, "liming", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_guess_spread_over_many_addresses_is_still_bounded(inst_a: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOCKOUT_THRESHOLD = 3
    settings.LOCKOUT_ACCOUNT_THRESHOLD = 8
    make_user(inst_a, username="liming")
    owner = client_for(inst_a)
    assert _page_login(owner, "liming", PASSWORD, address="198.51.100.7").status_code == 302  # a known device now
    owner.post("/accounts/logout/")
    attacker = client_for(inst_a)
    answers = [
        _page_login(attacker, "liming", f"guess-{n}", address=f"203.0.113.{n // 2}").content.decode() for n in range(20)
    ]
    # Two guesses per address stay under the per-address threshold; the account's own count
    # stops the guessing after 8, from any address it does not know.
    assert sum("用户名或密码错误。" in page for page in answers) == 8
    fresh_address = _page_login(attacker, "liming", PASSWORD, address="192.0.2.200")
    assert "账号已被临时锁定" in fresh_address.content.decode()
    with in_schema(inst_a):
        assert AuditEvent.objects.filter(event=account_events.LOCKED_OUT, detail__scope="account").count() == 1
    # The real user's browser has signed in to this account before: it is not locked out.
    assert _page_login(owner, "liming", PASSWORD, address="203.0.113.1").status_code == 302


def test_each_further_lock_lasts_twice_as_long(inst_a: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOCKOUT_THRESHOLD = 2
    settings.LOCKOUT_MINUTES = 15
    make_user(inst_a, username="wangfang")
    client = client_for(inst_a)
    lengths = []
    for _ in range(3):
        _page_login(client, "wangfang", "wrong-1")
        _page_login(client, "wangfang", "wrong-2")
        with in_schema(inst_a):
            counter = SignInCounter.objects.get(locked_until__gt=timezone.now(), locks__gt=0, failures=0)
            lengths.append(round((counter.locked_until - counter.last_failure_at) / timedelta(minutes=1)))
            SignInCounter.objects.filter(pk=counter.pk).update(locked_until=timezone.now())  # the lock ran out
    assert lengths == [15, 30, 60]


def test_a_device_cookie_earned_on_another_institution_is_worthless(inst_a: Institution, inst_b: Institution) -> None:
    make_user(inst_a, username="liming")
    a = client_for(inst_a)
    assert _page_login(a, "liming", PASSWORD).status_code == 302
    cookie = a.cookies[lockout.DEVICE_COOKIE].value
    with in_schema(inst_a):
        assert lockout._device(cookie) is not None
    with in_schema(inst_b):
        assert lockout._device(cookie) is None


def test_old_counters_are_purged(inst_a: Institution) -> None:
    now = timezone.now()
    with in_schema(inst_a):
        SignInCounter.objects.create(key="old", failures=3, last_failure_at=now - timedelta(days=2))
        SignInCounter.objects.create(
            key="old-lock", last_failure_at=now - timedelta(days=2), locked_until=now - timedelta(hours=2), locks=3
        )
        SignInCounter.objects.create(key="recent", failures=3, last_failure_at=now - timedelta(hours=1))
        assert lockout.counters_purge() == 1
        assert set(SignInCounter.objects.values_list("key", flat=True)) == {"old-lock", "recent"}


def test_the_hourly_cleanup_purges_the_counters_of_institutions_and_of_the_console(inst_a: Institution) -> None:
    from console.tasks import clear_expired_console_sessions, clear_expired_sessions

    old = timezone.now() - timedelta(days=2)
    for schema, name in ((inst_a, "institution"), ("public", "console")):
        with in_schema(schema):
            SignInCounter.objects.create(key=f"old-{name}", failures=3, last_failure_at=old)
            SignInCounter.objects.create(key=f"recent-{name}", failures=3, last_failure_at=timezone.now())
    clear_expired_sessions.run(inst_a.schema_name)
    with in_schema(inst_a):
        assert _keys("institution") == ["recent-institution"]
    with in_schema("public"):
        assert _keys("console") == ["old-console", "recent-console"]
    clear_expired_console_sessions.run()
    with in_schema("public"):
        assert _keys("console") == ["recent-console"]


def _keys(name: str) -> list[str]:
    """This test's counters (others may have left their own in the console's schema)."""
    keys = [f"old-{name}", f"recent-{name}"]
    return sorted(SignInCounter.objects.filter(key__in=keys).values_list("key", flat=True))


def test_counters_store_no_username(inst_a: Institution) -> None:
    make_user(inst_a, username="liming")
    _page_login(client_for(inst_a), "my-secret-password-typed-here", "x")
    with in_schema(inst_a):
        assert SignInCounter.objects.exists()
        assert not SignInCounter.objects.filter(key__contains="my-secret").exists()
