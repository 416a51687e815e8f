"""Payment providers for party dues (docs/dues.md "Paying online"): one adapter each with the same
interface (``base.Provider``), chosen by name from the settings."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .alipay import Alipay, AlipayConfig
from .base import PaymentError, Provider
from .sandbox import SandboxPay
from .wechat import WechatConfig, WechatPay

__all__ = ["PaymentError", "Provider", "enabled_providers", "provider_for"]


def enabled_providers() -> list[str]:
    """The providers offered to members, in the settings' order."""
    return [name for name in settings.DUES_PAY_PROVIDERS if name in ("wechat", "alipay", "sandbox")]


def _read(path: str) -> str:
    if not path:
        raise PaymentError("a key file is not configured", code="config")
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise PaymentError(f"key file {path} cannot be read: {exc}", code="config") from exc


def provider_for(name: str) -> Provider:
    """The adapter of ``name`` under the current settings; PaymentError("config") when it is not offered."""
    if name not in enabled_providers():
        raise PaymentError(f"provider {name} is not enabled", code="config")
    if name == "sandbox":
        return SandboxPay(url=settings.DUES_SANDBOX_URL, key=settings.DUES_SANDBOX_KEY)
    if name == "wechat":
        return WechatPay(
            WechatConfig(
                mchid=settings.DUES_WECHAT_MCHID,
                appid=settings.DUES_WECHAT_APPID,
                serial_no=settings.DUES_WECHAT_SERIAL_NO,
                private_key_pem=_read(settings.DUES_WECHAT_PRIVATE_KEY_FILE),
                platform_serial=settings.DUES_WECHAT_PLATFORM_SERIAL,
                platform_public_key_pem=_read(settings.DUES_WECHAT_PLATFORM_KEY_FILE),
                apiv3_key=_read(settings.DUES_WECHAT_APIV3_KEY_FILE),
                endpoint=settings.DUES_WECHAT_ENDPOINT,
                trade_type=settings.DUES_WECHAT_TRADE_TYPE,
            )
        )
    return Alipay(
        AlipayConfig(
            app_id=settings.DUES_ALIPAY_APP_ID,
            private_key_pem=_read(settings.DUES_ALIPAY_PRIVATE_KEY_FILE),
            alipay_public_key_pem=_read(settings.DUES_ALIPAY_PUBLIC_KEY_FILE),
            gateway=settings.DUES_ALIPAY_GATEWAY,
        )
    )
