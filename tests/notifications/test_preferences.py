"""Who gets what, where: the kinds' defaults, the user's choice per kind, only channels the user
can be reached on, and the settings page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from services.accounts.models import User
from services.audit.models import AuditEvent
from services.notifications.api import notify, phone_verified_set
from services.notifications.kinds import Channel, kinds
from services.notifications.models import ChannelPreference, Message
from services.notifications.services import notification_settings_set
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import UserFactory
from tests.notifications.providers import FakeProviders


def _channels(messages: list[Message]) -> list[str]:
    return sorted(message.channel for message in messages)


def _notify(user: User, kind: str, key: str) -> list[Message]:
    return notify(user=user, kind=kind, subject="账号提醒", body="您的密码已修改。", idempotency_key=key)


def test_security_messages_go_by_sms_where_a_verified_phone_exists_else_by_email(
    inst_a: Institution, providers: FakeProviders
) -> None:
    with in_schema(inst_a):
        user = UserFactory(email="sec@example.edu.cn")
        assert _channels(_notify(user, "account_security", "s:1")) == [Channel.EMAIL]
        phone_verified_set(acting_user=user, user=user, phone="13900139000")
        [sms] = _notify(user, "account_security", "s:2")
        assert sms.channel == Channel.SMS and sms.template == "notice" and "账号提醒" in sms.body
        assert AuditEvent.objects.filter(event="notifications.phone_verified", object_id=str(user.pk)).exists()


def test_reminder_digests_default_to_email(inst_a: Institution, providers: FakeProviders) -> None:
    with in_schema(inst_a):
        user = UserFactory(email="d@example.edu.cn")
        phone_verified_set(acting_user=user, user=user, phone="13900139001")
        assert _channels(_notify(user, "reminder_digest", "d:1")) == [Channel.EMAIL]


def test_the_users_choice_per_kind_is_followed_on_the_channels_they_can_be_reached_on(
    inst_a: Institution, providers: FakeProviders, settings: Any
) -> None:
    with in_schema(inst_a):
        user = UserFactory(email="c@example.edu.cn")
        notification_settings_set(
            acting_user=user,
            channels={"general": [Channel.EMAIL, Channel.WECOM, Channel.SMS], "reminder_digest": []},
            wecom_user_id="zhangsan",
        )
        # No verified phone: SMS is skipped; WeChat Work is configured (the fake) and set.
        assert _channels(_notify(user, "general", "c:1")) == [Channel.EMAIL, Channel.WECOM]
        assert _notify(user, "reminder_digest", "c:2") == []  # chose none
        settings.WECOM_CORP_ID = ""  # the institution has no WeChat Work application
        assert _channels(_notify(user, "general", "c:3")) == [Channel.EMAIL]
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.refresh_from_db()
        assert _notify(user, "general", "c:4") == []


def test_the_settings_page_saves_the_channels_and_the_wecom_id(inst_a: Institution, providers: FakeProviders) -> None:
    with in_schema(inst_a):
        user = UserFactory(email="page@example.edu.cn")
    client = client_for(inst_a, user)
    url = reverse("notifications:preferences")
    assert url == "/accounts/notifications/"
    page = client.get(url)
    assert page.status_code == 200
    for declared in kinds().values():
        assert str(declared.label) in page.content.decode()
    form = {"wecom_userid": "li.si", "kind_general": [Channel.WECOM], "kind_account_security": [Channel.EMAIL]}
    assert client.post(url, form).status_code == 302
    with in_schema(inst_a):
        chosen = dict(ChannelPreference.objects.filter(user=user).values_list("kind", "channels"))
        assert chosen["general"] == [Channel.WECOM] and chosen["reminder_digest"] == []
        assert AuditEvent.objects.filter(event="notifications.settings_changed", object_id=str(user.pk)).exists()
    refused = client.post(url, {"wecom_userid": "有 空格"})
    assert refused.status_code == 200 and "企业微信账号只能包含" in refused.content.decode()


def test_the_api_reads_and_saves_my_settings(inst_a: Institution, providers: FakeProviders) -> None:
    with in_schema(inst_a):
        user = UserFactory(email="api@example.edu.cn")
    client = client_for(inst_a, user)
    url = "/api/notifications/settings/"
    body = client.get(url).json()
    assert {"code": "reminder_digest", "label": "待办提醒摘要", "channels": ["email"]} in body["kinds"]
    assert body["reachable"] == ["email"] and body["wecom_userid"] == "" and body["username"] == user.username
    saved = client.put(
        url, {"channels": {"general": ["wecom"]}, "wecom_userid": "wang.wu"}, content_type="application/json"
    ).json()
    assert {"code": "general", "label": "一般通知", "channels": ["wecom"]} in saved["kinds"]
    assert saved["wecom_userid"] == "wang.wu" and sorted(saved["reachable"]) == ["email", "wecom"]
    unknown = client.put(url, {"channels": {"nonsense": ["email"]}}, content_type="application/json")
    assert unknown.status_code == 400 and "nonsense" in unknown.json()["detail"]
    bad_channel = client.put(url, {"channels": {"general": ["fax"]}}, content_type="application/json")
    assert bad_channel.status_code == 400
