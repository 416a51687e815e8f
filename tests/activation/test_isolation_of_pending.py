"""An activation started on one institution's host means nothing on another's: the pending
account is in that host's session, a code of A's member is no code on B."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tenants.models import Institution
from tests.activation.conftest import last_code, member_on_roll, start
from tests.conftest import host_of


def test_a_pending_activation_of_a_does_not_continue_on_b(
    inst_a: Institution, inst_b: Institution, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_on_roll(inst_a)
    client = Client(HTTP_HOST=host_of(inst_a))
    with django_capture_on_commit_callbacks(execute=True):
        start(client, member)
    code = last_code(sms)
    on_b = client.post("/accounts/activate/verify/", {"code": code}, HTTP_HOST=host_of(inst_b))
    assert on_b.status_code == 302 and on_b.url == "/accounts/activate/"
    slip_on_b = client.post(
        "/accounts/activate/slip/", {"username": member.number, "code": code}, HTTP_HOST=host_of(inst_b)
    )
    assert "验证码不正确。" in slip_on_b.content.decode()
