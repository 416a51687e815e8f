"""Two-step verification (issue 9, reproduction 5): the code step has an attempt limit, wrong
codes count toward the account's lockout, a locked client cannot finish it, and turning it off
asks for the current password and code again."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client

from services.accounts import audit_events as account_events
from services.accounts.models import User
from services.audit.models import AuditEvent
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clear_throttle() -> None:
    cache.clear()


def _wrong(secret: str) -> str:
    """A code the verifier refuses now (it accepts the previous, current and next 30 s step)."""
    totp = pyotp.TOTP(secret)
    now = datetime.now()
    valid = {totp.at(now + timedelta(seconds=30 * step)) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _admin(institution: Institution, username: str = "admin2") -> tuple[User, str]:
    secret = pyotp.random_base32()
    user = make_user(institution, username=username, is_staff=True, totp_secret=secret, totp_enabled=True)
    return user, secret


def _password_step(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_thirty_wrong_codes_then_the_right_one_does_not_sign_in(inst_a: Institution) -> None:
    """The reproduction: each password sign-in opened a 300 s window for unlimited guesses."""
    _, secret = _admin(inst_a)
    client = client_for(inst_a)
    assert _password_step(client, "admin2").url == "/accounts/login/verify/"
    answers = [client.post("/accounts/login/verify/", {"code": _wrong(secret)}) for _ in range(30)]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert answers[2].status_code == 302 and answers[2].url == "/accounts/login/"  # third wrong code: start over
    final = client.post("/accounts/login/verify/", {"code": pyotp.TOTP(secret).now()}, follow=True)
    assert "验证已超时，请重新登录" in final.content.decode()
    assert client.get("/").status_code == 302  # not signed in


def test_wrong_codes_count_toward_the_lockout_and_a_locked_client_cannot_finish(inst_a: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOCKOUT_THRESHOLD = 4
    _, secret = _admin(inst_a)
    client = client_for(inst_a)
    _password_step(client, "admin2")
    for _ in range(2):
        client.post("/accounts/login/verify/", {"code": _wrong(secret)})
    _password_step(client, "admin2")  # a right password does not clear the count
    client.post("/accounts/login/verify/", {"code": _wrong(secret)})
    client.post("/accounts/login/verify/", {"code": _wrong(secret)})  # the 4th wrong code locks this client
    refused = client.post("/accounts/login/verify/", {"code": pyotp.TOTP(secret).now()}, follow=True)
    assert "账号已被临时锁定" in refused.content.decode()
    assert client.get("/").status_code == 302
    assert "账号已被临时锁定" in _password_step(client, "admin2").content.decode()
    with in_schema(inst_a):
        reasons = list(
            AuditEvent.objects.filter(event=account_events.LOGIN_FAILED, actor_username="admin2").values_list(
                "detail__reason", flat=True
            )
        )
    assert reasons.count("bad_totp") == 4 and "locked" in reasons


def test_a_client_locked_after_the_password_step_cannot_finish_with_the_right_code(
    inst_a: Institution, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.LOCKOUT_THRESHOLD = 3
    _, secret = _admin(inst_a)
    client = client_for(inst_a)
    _password_step(client, "admin2")  # pending: the code is asked
    for _ in range(3):  # meanwhile the same address fails the password
        _password_step(client_for(inst_a), "admin2", "wrong-password")
    answer = client.post("/accounts/login/verify/", {"code": pyotp.TOTP(secret).now()}, follow=True)
    assert "账号已被临时锁定" in answer.content.decode()
    assert client.get("/").status_code == 302


def test_turning_two_factor_off_asks_for_the_password_and_the_code(inst_a: Institution) -> None:
    user, secret = _admin(inst_a)
    client = client_for(inst_a, user)
    no_proof = client.post("/accounts/two-factor/", {"action": "disable"})
    assert no_proof.status_code == 200 and "该字段是必填项" in no_proof.content.decode()
    wrong_password = client.post(
        "/accounts/two-factor/",
        {"action": "disable", "old_password": "not-it", "code": pyotp.TOTP(secret).now()},
    )
    assert "当前密码不正确" in wrong_password.content.decode()
    wrong_code = client.post(
        "/accounts/two-factor/", {"action": "disable", "old_password": PASSWORD, "code": _wrong(secret)}
    )
    assert "验证码不正确" in wrong_code.content.decode()
    with in_schema(inst_a):
        assert User.objects.get(pk=user.pk).totp_enabled
        assert (
            AuditEvent.objects.filter(event=account_events.LOGIN_FAILED, detail__reason="bad_reauthentication").count()
            == 2
        )
    done = client.post(
        "/accounts/two-factor/", {"action": "disable", "old_password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    )
    assert done.status_code == 302
    with in_schema(inst_a):
        assert not User.objects.get(pk=user.pk).totp_enabled
        assert AuditEvent.objects.filter(event=account_events.TOTP_DISABLED, actor_username="admin2").exists()


def test_guessing_the_password_in_a_left_open_session_is_locked_out_too(inst_a: Institution, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOCKOUT_THRESHOLD = 3
    user = make_user(inst_a, username="open")
    client = client_for(inst_a, user)
    for attempt in range(3):
        client.post(
            "/accounts/password/",
            {
                "old_password": f"guess-{attempt}",
                "new_password1": "Nian-2026-dangjian",
                "new_password2": "Nian-2026-dangjian",
            },
        )
    right = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Nian-2026-dangjian", "new_password2": "Nian-2026-dangjian"},
    )
    assert "账号已被临时锁定" in right.content.decode()
    with in_schema(inst_a):
        assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_changing_the_password_asks_for_the_code_when_two_factor_is_on(inst_a: Institution) -> None:
    user, secret = _admin(inst_a)
    client = client_for(inst_a, user)
    new = {"old_password": PASSWORD, "new_password1": "Nian-2026-dangjian", "new_password2": "Nian-2026-dangjian"}
    assert "验证码" in client.get("/accounts/password/").content.decode()
    assert client.post("/accounts/password/", {**new, "code": _wrong(secret)}).status_code == 200
    with in_schema(inst_a):
        assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert client.post("/accounts/password/", {**new, "code": pyotp.TOTP(secret).now()}).status_code == 302
    with in_schema(inst_a):
        assert User.objects.get(pk=user.pk).check_password("Nian-2026-dangjian")
