from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from django.core.cache import cache
from django.utils import timezone

from services.accounts import audit_events as account_events
from services.accounts.models import SignInCounter, User
from services.audit.models import AuditEvent
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clear_throttle() -> None:
    cache.clear()


def _login(institution: Institution | None, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    return client_for(institution).post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_member_logs_in_and_the_login_is_audited_in_their_institution(inst_a: Institution) -> None:
    make_user(inst_a, username="li")
    response = _login(inst_a, "li", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    with in_schema(inst_a):
        assert AuditEvent.objects.filter(event=account_events.LOGIN, actor_username="li").exists()
    with in_schema("public"):
        assert not AuditEvent.objects.filter(event=account_events.LOGIN, actor_username="li").exists()


def test_wrong_password_shows_the_generic_chinese_error(inst_a: Institution) -> None:
    make_user(inst_a, username="li")
    response = _login(inst_a, "li", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误。" in response.content.decode()


def test_a_user_of_one_institution_cannot_log_in_on_another(inst_a: Institution, inst_b: Institution) -> None:
    make_user(inst_a, username="wang")
    assert _login(inst_b, "wang", PASSWORD).status_code == 200  # the form again, with the error
    assert _login(inst_a, "wang", PASSWORD).status_code == 302


def test_open_redirects_are_refused(inst_a: Institution) -> None:
    make_user(inst_a, username="li")
    response = client_for(inst_a).post(
        "/accounts/login/?next=https://evil.example/", {"username": "li", "password": PASSWORD}
    )
    assert response.url == "/"


def test_lockout_after_the_threshold_is_per_institution(inst_a: Institution, inst_b: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOCKOUT_THRESHOLD = 3
    make_user(inst_a, username="zhao")
    make_user(inst_b, username="zhao")
    for _ in range(3):
        _login(inst_a, "zhao", "bad-password")
    locked = _login(inst_a, "zhao", PASSWORD)
    assert "账号已被临时锁定" in locked.content.decode()
    with in_schema(inst_a):
        assert SignInCounter.objects.filter(locked_until__gt=timezone.now()).exists()
        assert AuditEvent.objects.filter(event=account_events.LOCKED_OUT, actor_username="zhao").exists()
    # The namesake in the other institution is untouched.
    assert _login(inst_b, "zhao", PASSWORD).status_code == 302


def test_lock_expires_and_a_success_resets_the_counter(inst_a: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOCKOUT_THRESHOLD = 2
    make_user(inst_a, username="sun")
    _login(inst_a, "sun", "bad-password")
    assert _login(inst_a, "sun", PASSWORD).status_code == 302
    _login(inst_a, "sun", "bad-password")  # one failure after the success: not two in a row
    assert _login(inst_a, "sun", PASSWORD).status_code == 302
    _login(inst_a, "sun", "bad-password")
    _login(inst_a, "sun", "bad-password")
    assert "账号已被临时锁定" in _login(inst_a, "sun", PASSWORD).content.decode()
    with in_schema(inst_a):
        SignInCounter.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert _login(inst_a, "sun", PASSWORD).status_code == 302


def test_address_throttle_stops_guessing_across_accounts(inst_a: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_THROTTLE_PER_MINUTE = 3
    settings.LOCKOUT_THRESHOLD = 100
    make_user(inst_a, username="qian")
    for name in ("a1", "a2", "a3"):
        _login(inst_a, name, "guess")
    response = _login(inst_a, "qian", PASSWORD)
    assert "登录尝试过于频繁" in response.content.decode()


def test_totp_enabled_account_needs_the_code(inst_a: Institution) -> None:
    secret = pyotp.random_base32()
    make_user(inst_a, username="admin2", is_staff=True, totp_secret=secret, totp_enabled=True)
    client = client_for(inst_a)
    first = client.post("/accounts/login/", {"username": "admin2", "password": PASSWORD})
    assert first.url == "/accounts/login/verify/"
    assert client.get("/").status_code == 302  # not logged in yet
    wrong = client.post("/accounts/login/verify/", {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    right = client.post("/accounts/login/verify/", {"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302
    assert client.get("/").status_code == 200


def test_totp_setup_enables_only_with_a_valid_code(inst_a: Institution) -> None:
    user = make_user(inst_a, username="admin3", is_staff=True)
    client = client_for(inst_a, user)
    page = client.get("/accounts/two-factor/")
    assert "<svg" in page.content.decode()
    with in_schema(inst_a):  # the session lives in the institution's schema
        secret = client.session["totp_setup_secret"]
    client.post("/accounts/two-factor/", {"code": "123456" if pyotp.TOTP(secret).now() != "123456" else "654321"})
    with in_schema(inst_a):
        assert not User.objects.get(pk=user.pk).totp_enabled
    client.post("/accounts/two-factor/", {"code": pyotp.TOTP(secret).now()})
    with in_schema(inst_a):
        stored = User.objects.get(pk=user.pk)
        assert stored.totp_enabled and stored.totp_secret == secret


def test_totp_secret_is_encrypted_at_rest(inst_a: Institution) -> None:
    from django.db import connection

    make_user(inst_a, username="admin4", totp_secret="JBSWY3DPEHPK3PXP", totp_enabled=True)
    with in_schema(inst_a), connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE username = 'admin4'")
        (raw,) = cursor.fetchone()
    assert "JBSWY3DPEHPK3PXP" not in raw


def test_logout_needs_post(inst_a: Institution) -> None:
    user = make_user(inst_a, username="zhou")
    client = client_for(inst_a, user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
