"""What kinds of message the platform sends, which SMS templates it uses, and the channels.

A kind is declared once, with its Chinese label and the channels used when the user chose none
(``declare_kind``); a capability that sends its own kind declares it in its
``notification_kinds.py`` (discovered for every installed app, as ``audit_events.py`` is). An
SMS template is declared with its text and which of its parameters are secret: a secret is sent
to the provider and never stored (services/notifications/outbox.py keeps it masked).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    defaults: tuple[str, ...]  # the channels when the user chose none
    # True: only the first of ``defaults`` the user can be reached on (SMS where a verified
    # phone exists, else e-mail); False: every one of them.
    first_reachable: bool = False


@dataclass(frozen=True)
class SmsTemplate:
    code: str
    text: str | Promise  # Chinese, with {name} placeholders; the provider holds its own copy
    params: tuple[str, ...]  # in the order positional providers (Tencent) expect them
    secret: tuple[str, ...] = ()  # sent, never stored


_KINDS: dict[str, Kind] = {}
_TEMPLATES: dict[str, SmsTemplate] = {}
_discovered = False


def declare_kind(code: str, *, label: str | Promise, defaults: tuple[str, ...], first_reachable: bool = False) -> str:
    if code in _KINDS and (str(_KINDS[code].label), _KINDS[code].defaults) != (str(label), defaults):
        raise ValueError(f"notification kind {code!r} declared twice")
    unknown = set(defaults) - set(Channel.values)
    if unknown:
        raise ValueError(f"unknown channels {sorted(unknown)} for {code!r}")
    _KINDS[code] = Kind(code=code, label=label, defaults=defaults, first_reachable=first_reachable)
    return code


def declare_template(code: str, *, text: str | Promise, params: tuple[str, ...], secret: tuple[str, ...] = ()) -> str:
    _TEMPLATES[code] = SmsTemplate(code=code, text=text, params=params, secret=secret)
    return code


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("notification_kinds")


def kinds() -> dict[str, Kind]:
    _discover()
    return dict(_KINDS)


def kind(code: str) -> Kind:
    _discover()
    if code not in _KINDS:
        raise ValueError(f"notification kind {code!r} is not declared")
    return _KINDS[code]


def template(code: str) -> SmsTemplate:
    _discover()
    if code not in _TEMPLATES:
        raise ValueError(f"SMS template {code!r} is not declared")
    return _TEMPLATES[code]


REMINDER_DIGEST = declare_kind("reminder_digest", label=_("待办提醒摘要"), defaults=(Channel.EMAIL,))
ACCOUNT_SECURITY = declare_kind(
    "account_security",
    label=_("账号与安全（登录、密码、激活）"),
    defaults=(Channel.SMS, Channel.EMAIL),
    first_reachable=True,
)
GENERAL = declare_kind("general", label=_("一般通知"), defaults=(Channel.EMAIL,))

ACTIVATION_CODE = declare_template(
    "activation_code",
    text=_("您的党建云账号激活验证码为{code}，{minutes}分钟内有效，请勿告诉他人。"),
    params=("code", "minutes"),
    secret=("code",),
)
PASSWORD_RESET_CODE = declare_template(
    "password_reset_code",
    text=_("您正在重置党建云密码，验证码为{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。"),
    params=("code", "minutes"),
    secret=("code",),
)
# A message sent to a user by SMS: providers only send approved templates, so the text says
# where to read it rather than carrying it.
NOTICE = declare_template("notice", text=_("您有一条新消息：{subject}。请登录党建云查看。"), params=("subject",))
