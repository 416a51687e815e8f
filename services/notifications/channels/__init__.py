"""The channel adapters, one small class each with the same ``send(outgoing) -> Receipt``."""

from __future__ import annotations

from django.conf import settings

from .aliyun import AliyunSms
from .base import Adapter, DeliveryError, Outgoing, Receipt
from .console import ConsoleSms
from .email import EmailChannel
from .tencent import TencentSms
from .wecom import WeComChannel

SMS_PROVIDERS: dict[str, type[Adapter]] = {"aliyun": AliyunSms, "tencent": TencentSms, "console": ConsoleSms}

__all__ = ["Adapter", "DeliveryError", "Outgoing", "Receipt", "adapter_for", "sms_configured", "wecom_configured"]


def sms_configured() -> bool:
    return settings.SMS_PROVIDER in SMS_PROVIDERS


def wecom_configured() -> bool:
    return bool(settings.WECOM_CORP_ID and settings.WECOM_CORP_SECRET and settings.WECOM_AGENT_ID)


def adapter_for(channel: str) -> Adapter:
    """The adapter that delivers ``channel`` under the current settings. A channel that is not
    configured is a permanent failure: nothing would change by trying again."""
    if channel == "email":
        return EmailChannel()
    if channel == "sms" and sms_configured():
        return SMS_PROVIDERS[settings.SMS_PROVIDER]()
    if channel == "wecom" and wecom_configured():
        return WeComChannel()
    raise DeliveryError(f"channel {channel} is not configured", permanent=True, code="not_configured")
