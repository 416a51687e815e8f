"""The outbox: what a send stores (never the code), delivery after the commit, retries with
backoff, permanent failures, idempotency, the per-recipient rate limit."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from services.notifications import kinds, outbox, tasks
from services.notifications.api import RateLimited, notify, send_to_phone
from services.notifications.delivery import outbox_drain
from services.notifications.models import Message
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import UserFactory
from tests.notifications.providers import FakeProviders

CODE = "834271"
Status = Message.Status


def _code_sms(phone: str = "13800138000", key: str = "activation:1", **params: str) -> Message:
    return send_to_phone(
        phone=phone,
        template="activation_code",
        params={"code": CODE, "minutes": "10", **params},
        idempotency_key=key,
    )


def _stored_text(message: Message) -> str:
    row = Message.objects.filter(pk=message.pk).values().get()
    return repr(row)


def test_a_code_is_sent_to_the_provider_after_the_commit_and_never_stored(
    inst_a: Institution, providers: FakeProviders, django_capture_on_commit_callbacks: Any
) -> None:
    with in_schema(inst_a):
        with django_capture_on_commit_callbacks(execute=True):
            message = _code_sms()
            assert providers.of("aliyun") == []  # nothing before the commit
        [got] = providers.of("aliyun")
        assert got.signature_ok and CODE in got.params["TemplateParam"]
        message.refresh_from_db()
        assert message.status == Status.SENT and message.sent_at and message.provider_message_id
        assert CODE not in _stored_text(message)  # the ciphertext of the number aside, nothing holds it
        assert message.params == {"code": "******", "minutes": "10"}
        assert "******" in message.body and message.template == "activation_code"
        assert message.recipient_masked == "138****8000"


def test_the_console_channel_logs_the_full_text_for_development(
    inst_a: Institution, providers: FakeProviders, settings: Any, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_PROVIDER = "console"
    with in_schema(inst_a), caplog.at_level(logging.WARNING, logger="partycloud.sms"):
        with django_capture_on_commit_callbacks(execute=True):
            message = send_to_phone(
                phone="138 0013 8001",
                template="password_reset_code",
                params={"code": CODE, "minutes": "10"},
                idempotency_key="reset:1",
            )
        # The code in full (development reads it there), the number masked (logs are kept).
        assert f"验证码为{CODE}" in caplog.text and "138****8001" in caplog.text and "13800138001" not in caplog.text
        message.refresh_from_db()
        assert message.status == Status.SENT and CODE not in _stored_text(message)


def test_production_without_an_sms_provider_refuses_with_a_clear_message(inst_a: Institution, settings: Any) -> None:
    settings.SMS_PROVIDER = ""
    with in_schema(inst_a), pytest.raises(ValidationError, match="短信服务尚未配置"):
        _code_sms()
    with in_schema(inst_a), pytest.raises(ValidationError, match="手机号格式不正确"):
        settings.SMS_PROVIDER = "console"
        _code_sms(phone="12345")


def test_the_same_idempotency_key_never_sends_twice(
    inst_a: Institution, providers: FakeProviders, django_capture_on_commit_callbacks: Any
) -> None:
    with in_schema(inst_a):
        with django_capture_on_commit_callbacks(execute=True):
            first = _code_sms(key="activation:same")
        with django_capture_on_commit_callbacks(execute=True):
            again = _code_sms(key="activation:same")
        assert again.pk == first.pk
        assert len(providers.of("aliyun")) == 1
        assert Message.objects.filter(idempotency_key="activation:same").count() == 1
        user = UserFactory(email="idem@example.edu.cn")
        with django_capture_on_commit_callbacks(execute=True):
            [mailed] = notify(user=user, kind="general", subject="通知", body="正文", idempotency_key="general:1")
            assert notify(user=user, kind="general", subject="通知", body="正文", idempotency_key="general:1") == [
                mailed
            ]
        assert len([m for m in mail.outbox if "idem@example.edu.cn" in m.to]) == 1


def test_a_concurrent_send_with_the_same_key_returns_the_row_that_won(
    inst_a: Institution, providers: FakeProviders, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.NOTIFY_SMS_INTERVAL_SECONDS = 0
    with in_schema(inst_a):
        first = _code_sms(key="activation:race")
        # The other request read the key before this one's row was committed: its insert meets
        # the constraint, writes nothing and hands back the winner's row, with nothing to seal.
        made_and_recent = outbox._made_and_recent
        monkeypatch.setattr(outbox, "_made_and_recent", lambda **kw: (None, *made_and_recent(**kw)[1:]))
        message, sealed = outbox.write(
            user=None,
            channel="sms",
            kind=kinds.ACCOUNT_SECURITY,
            recipient="13800138000",
            idempotency_key="activation:race",
            template=kinds.template("activation_code"),
            params={"code": "111111", "minutes": "10"},
        )
        assert message.pk == first.pk and sealed == ""
        assert Message.objects.filter(idempotency_key="activation:race").count() == 1


def test_one_sms_a_minute_and_a_few_an_hour_per_phone(inst_a: Institution, providers: FakeProviders) -> None:
    with in_schema(inst_a):
        _code_sms(key="rate:1")
        with pytest.raises(RateLimited, match=r"短信发送过于频繁，请在 \d+ 秒后再试"):
            _code_sms(key="rate:2")
        _code_sms(phone="13800138002", key="rate:other")  # another number is not held up
        for n in range(2, 6):
            Message.objects.filter(recipient_masked="138****8000").update(
                created_at=timezone.now() - timedelta(minutes=2)
            )
            _code_sms(key=f"rate:{n + 1}")
        Message.objects.filter(recipient_masked="138****8000").update(created_at=timezone.now() - timedelta(minutes=2))
        with pytest.raises(RateLimited, match="一小时内已收到 5 条消息"):
            _code_sms(key="rate:7")
        Message.objects.filter(recipient_masked="138****8000").update(created_at=timezone.now() - timedelta(hours=2))
        _code_sms(key="rate:8")


def test_a_retryable_error_is_tried_again_by_the_task_that_holds_the_code(
    inst_a: Institution,
    providers: FakeProviders,
    settings: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr("services.notifications.api.publish", lambda task, args: queued.append(args))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with in_schema(inst_a), django_capture_on_commit_callbacks(execute=True):
        message = _code_sms(key="retry:1")
    [(schema, message_id, sealed)] = queued
    assert CODE not in sealed  # the task's argument is encrypted
    providers.script["aliyun"].append("isp.SYSTEM_ERROR")
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the task's own retry runs at once
    assert tasks.deliver_message(schema, message_id, sealed) == "retry"
    with in_schema(inst_a):
        message.refresh_from_db()
        assert message.status == Status.SENT and message.attempts == 2
        assert [CODE in r.params["TemplateParam"] for r in providers.of("aliyun")] == [True, True]
        assert outbox_drain()["sent"] == 0  # nothing left to do


def test_without_the_task_a_code_is_not_sent_and_fails_visibly_once_expired(
    inst_a: Institution, providers: FakeProviders, settings: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with in_schema(inst_a):
        message = _code_sms(key="lost:1")  # its task never ran (the broker was down)
        assert outbox_drain()["sent"] == 0 and providers.of("aliyun") == []
        message.refresh_from_db()
        assert message.status == Status.PENDING
        Message.objects.filter(pk=message.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        outbox_drain()
        message.refresh_from_db()
        assert message.status == Status.FAILED and "有效期已过" in message.last_error


def test_a_permanent_provider_error_is_not_retried_and_is_recorded(
    inst_a: Institution, providers: FakeProviders, django_capture_on_commit_callbacks: Any
) -> None:
    providers.script["aliyun"].append("isv.MOBILE_NUMBER_ILLEGAL")
    with in_schema(inst_a):
        with django_capture_on_commit_callbacks(execute=True):
            message = _code_sms(key="bad:1")
        message.refresh_from_db()
        assert message.status == Status.FAILED and message.attempts == 1
        assert "isv.MOBILE_NUMBER_ILLEGAL" in message.last_error
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))
        outbox_drain()
        assert len(providers.of("aliyun")) == 1


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise OSError("connection refused")


def test_a_failing_mail_server_is_retried_with_backoff_until_the_limit(
    inst_a: Institution, providers: FakeProviders, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    settings.NOTIFY_MAX_ATTEMPTS = 3
    with in_schema(inst_a):
        user = UserFactory(email="retry@example.edu.cn")
        with django_capture_on_commit_callbacks(execute=True):
            [message] = notify(user=user, kind="general", subject="通知", body="正文", idempotency_key="mail:1")
        message.refresh_from_db()
        first_wait = message.next_attempt_at - timezone.now()
        assert message.status == Status.PENDING and message.attempts == 1 and "connection refused" in message.last_error
        assert timedelta(seconds=20) < first_wait <= timedelta(seconds=30)
        assert outbox_drain()["retry"] == 0  # not due yet
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_drain()
        message.refresh_from_db()
        assert message.attempts == 2 and message.next_attempt_at - timezone.now() > first_wait  # backs off
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_drain()
        message.refresh_from_db()
        assert message.status == Status.FAILED and message.attempts == 3  # given up, visible
