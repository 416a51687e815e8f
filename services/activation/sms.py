"""The one way activation sends a text message: ``send_to_phone``, with the signature the
notification channels will offer (one function, so swapping it for the real SMS channel is a
one-line change here).

Until then it renders the message as the SMS provider's template would and logs it at INFO on the
``partycloud.sms`` logger, the phone number masked and the text in full: in development the code
appears in the console log (``make run``), which is where a newcomer reads it.
"""

from __future__ import annotations

import logging

from django.utils import translation
from django.utils.translation import gettext as _

from services.accounts.phones import mask

logger = logging.getLogger("partycloud.sms")


def _templates() -> dict[str, str]:
    return {
        "activation_code": _("【党建云】您的激活验证码为 %(code)s，%(minutes)s 分钟内有效。如非本人操作请忽略。"),
        "password_reset_code": _(
            "【党建云】您正在重设密码，验证码为 %(code)s，%(minutes)s 分钟内有效。如非本人操作请忽略。"
        ),
    }


def render(*, template: str, params: dict[str, str]) -> str:
    """The text of ``template`` with ``params``, in Chinese (an SMS goes out in the language of
    the approved template, whatever the page's language)."""
    with translation.override("zh-hans"):
        return _templates()[template] % params


def send_to_phone(*, phone: str, template: str, params: dict[str, str], idempotency_key: str) -> None:
    """Send ``template`` with ``params`` to ``phone``; ``idempotency_key`` names this message
    (a second send with the same key is the same message)."""
    logger.info("SMS to %s [%s]: %s", mask(phone), idempotency_key, render(template=template, params=params))
