"""Helpers of the activation tests: a member on the roll with a phone, the client on their
institution's host, and the SMS read from the log as a person reads it on their phone."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from services.members.models import Member
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory

NEW_PASSWORD = "Lotus-river-2026"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sms(caplog: pytest.LogCaptureFixture, settings: Any) -> pytest.LogCaptureFixture:
    """The SMS the person receives: the development console channel writes it to the log, and
    delivery runs in this process as the sender's transaction commits (no worker in these tests)."""
    settings.SMS_PROVIDER = "console"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # These tests move the codes' clock back to play "a minute later", not the outbox's: the
    # channel's own per-number interval is tested in tests/notifications.
    settings.NOTIFY_SMS_INTERVAL_SECONDS = 0
    caplog.set_level(logging.INFO, logger="partycloud.sms")
    return caplog


def last_code(caplog: pytest.LogCaptureFixture) -> str:
    """The code in the latest SMS, as the person reads it."""
    texts = [r.getMessage() for r in caplog.records if r.name == "partycloud.sms"]
    assert texts, "no SMS was sent"
    found = re.search(r"验证码为\s*(\d{6})", texts[-1])
    assert found, texts[-1]
    return found.group(1)


def sms_count(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for r in caplog.records if r.name == "partycloud.sms")


def member_on_roll(institution: Institution, **fields: Any) -> Member:
    defaults: dict[str, Any] = {"number": "2024100", "name": "林晓", "phone": "13812341234"}
    with in_schema(institution):
        return MemberFactory(**{**defaults, **fields})


def start(client: Client, member: Member, *, tail: str | None = None, **override: str) -> Any:
    data = {"number": member.number, "name": member.name, "id_tail": tail or member.national_id[-6:], **override}
    return client.post("/accounts/activate/", data)


def activate(institution: Institution, member: Member, caplog: pytest.LogCaptureFixture, **callbacks: Any) -> Client:
    """The whole self-activation of ``member`` (needs ``django_capture_on_commit_callbacks`` to
    deliver the SMS): returns the client, now at the sign-in page."""
    client = client_for(institution)
    capture = callbacks["capture"]
    with capture(execute=True):
        assert start(client, member).url == "/accounts/activate/verify/"
    assert client.post("/accounts/activate/verify/", {"code": last_code(caplog)}).url == "/accounts/activate/password/"
    done = client.post("/accounts/activate/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == "/accounts/login/", done.content.decode()[:2000]
    return client
