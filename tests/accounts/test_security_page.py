"""账号与安全: the user's own sessions from the index, and signing out the others."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from services.accounts import audit_events as account_events
from services.accounts.models import UserSession
from services.audit.models import AuditEvent
from tenants.models import Institution
from tests.conftest import client_for, in_schema, make_user
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _clear_throttle() -> None:
    cache.clear()


def test_the_page_lists_my_sessions_and_signs_out_the_others(inst_a: Institution) -> None:
    me = make_user(inst_a, username="careful")
    someone = make_user(inst_a, username="someone_else")
    laptop = client_for(inst_a)
    laptop.post(reverse("accounts:login"), {"username": "careful", "password": PASSWORD}, HTTP_USER_AGENT="Laptop/1")
    phone = client_for(inst_a)
    phone.post(reverse("accounts:login"), {"username": "careful", "password": PASSWORD}, HTTP_USER_AGENT="Phone/2")
    client_for(inst_a, someone)
    page = laptop.get(reverse("accounts:security")).content.decode()
    assert "Laptop/1" in page and "Phone/2" in page and "当前设备" in page
    with in_schema(inst_a):
        assert UserSession.objects.filter(user=me).count() == 2
    done = laptop.post(reverse("accounts:sessions_end_others"), follow=True)
    assert "已退出其他 1 处登录" in done.content.decode()
    assert phone.get(reverse("accounts:security")).status_code == 302  # signed out
    assert laptop.get(reverse("accounts:security")).status_code == 200  # still signed in
    with in_schema(inst_a):
        assert UserSession.objects.filter(user=someone).count() == 1  # nobody else's
        assert AuditEvent.objects.filter(
            event=account_events.OTHER_SESSIONS_ENDED.code, actor_username="careful"
        ).exists()


def test_the_page_needs_a_signed_in_user(inst_a: Institution) -> None:
    response = client_for(inst_a).get(reverse("accounts:security"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_page_leads_to_the_notification_channels_where_there_are_some(inst_a: Institution, operator) -> None:  # type: ignore[no-untyped-def]
    member = make_user(inst_a, username="channels")
    institution_page = client_for(inst_a, member).get("/accounts/security/").content.decode()
    assert 'href="/accounts/notifications/"' in institution_page
    # The console's people get no messages through the channels: no link there.
    console_page = client_for(None, operator).get("/accounts/security/").content.decode()
    assert "通知渠道" not in console_page and "账号与安全" in console_page
