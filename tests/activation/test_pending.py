"""The pending account between the steps rides in a cookie the server encrypted for the
institution (services/activation/pending.py): unreadable and unchangeable by the person, refused
after PENDING_SECONDS, and no server-side session is made for an anonymous activation."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from django.contrib.sessions.models import Session

from services.activation import pending
from tenants.models import Institution
from tests.activation.conftest import last_code, member_on_roll, start
from tests.conftest import client_for, in_schema


def test_steps_one_and_two_make_no_session_and_the_cookie_reads_as_nothing(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert start(client, member).url == "/accounts/activate/verify/"
    cookie = client.cookies[pending.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/accounts/"
    raw = base64.urlsafe_b64decode(cookie.value)
    assert b"user:" not in raw and b'"u"' not in raw and member.number.encode() not in raw
    assert client.post("/accounts/activate/verify/", {"code": last_code(sms)}).url == "/accounts/activate/password/"
    with in_schema(inst_a):
        assert not Session.objects.exists()


def test_an_altered_or_stale_pending_value_starts_over(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
    code = last_code(sms)
    token = client.cookies[pending.COOKIE].value
    client.cookies[pending.COOKIE] = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.post("/accounts/activate/verify/", {"code": code}).url == "/accounts/activate/"
    with in_schema(inst_a):  # a value made PENDING_SECONDS and more ago, as the server would have made it
        value = json.dumps({"step": "code", "u": member.pk, "s": "", "r": False, "c": None, "how": "phone"})
        old = pending._fernet().encrypt_at_time(value.encode(), int(time.time()) - pending.PENDING_SECONDS - 5)
    client.cookies[pending.COOKIE] = old.decode()
    answer = client.post("/accounts/activate/verify/", {"code": code}, follow=True)
    assert "操作已超时，请重新开始。" in answer.content.decode()
    client.cookies[pending.COOKIE] = token  # the genuine value still works within its time
    assert client.post("/accounts/activate/verify/", {"code": code}).url == "/accounts/activate/password/"


def test_the_cookie_is_the_same_size_for_an_account_and_for_a_name_nobody_has(
    inst_a: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """忘记密码 answers the same whether the account exists: the pending value's size too."""
    sizes = set()
    for identifier in ("2024100", "someone-nobody-is-" * 8, "13900000000"):
        client = client_for(inst_a)
        client.post("/accounts/password/forgot/", {"identifier": identifier})
        sizes.add(len(client.cookies[pending.COOKIE].value))
    member = member_on_roll(inst_a)
    client = client_for(inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
    sizes.add(len(client.cookies[pending.COOKIE].value))
    assert len(sizes) == 1, sizes
