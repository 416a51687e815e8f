"""Writing the outbox: one ``Message`` row per send, in the caller's transaction.

- **Idempotent**: ``(idempotency_key, channel)`` is unique; a key already used returns the rows it
  made and creates nothing (a concurrent insert loses on the constraint and reads the winner).
- **Rate-limited per recipient** (settings/notifications.py): an SMS number gets at most
  ``NOTIFY_SMS_PER_HOUR`` messages an hour and one per ``NOTIFY_SMS_INTERVAL_SECONDS``; an e-mail
  address or WeChat Work user ``NOTIFY_OTHER_PER_HOUR``. The count runs under an advisory lock on
  the recipient, so two requests at once cannot both pass. A refusal is ``RateLimited``, a
  ``ValidationError`` with a Chinese message the caller shows.
- **No secrets stored**: a template's secret parameters (a verification code) are masked in
  ``params`` and ``body``; the real values are sealed (encrypted) into the delivery task's
  arguments only, and the task is queued after the commit.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from services.crypto import blind_index, decrypt, encrypt
from services.kernel.bulk import insert_many

from .kinds import Channel, SmsTemplate
from .models import Message

MASK = "******"
_PHONE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")


class RateLimited(ValidationError):
    """Too many messages to one recipient: the message says when to try again."""


def normalise_phone(raw: str) -> str:
    """A mainland mobile number as its 11 digits (full-width digits, spaces, dashes and +86 accepted)."""
    text = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", raw or ""))
    match = _PHONE.fullmatch(text)
    if not match:
        raise ValidationError(_("手机号格式不正确，请填写11位手机号。"), code="phone_invalid")
    return match.group(1)


def mask_address(channel: str, address: str) -> str:
    if channel == Channel.SMS:
        return f"{address[:3]}****{address[-4:]}"
    if channel == Channel.EMAIL and "@" in address:
        local, _sep, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{address[:2]}***"


def sms_text(template: SmsTemplate, params: dict[str, str]) -> str:
    """The SMS as the phone shows it: the signature, then the template filled in (in Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(template.text).format(**{name: params.get(name, "") for name in template.params})
    return f"【{settings.SMS_SIGN_NAME}】{text}"


def seal(values: dict[str, str]) -> str:
    return encrypt(json.dumps(values)) if values else ""


def unseal(sealed: str) -> dict[str, str]:
    return dict(json.loads(decrypt(sealed))) if sealed else {}


def _lock_recipient(channel: str, index: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"notify:{channel}:{index}"])


def _made_and_recent(*, key: str, channel: str, index: str, since: datetime) -> tuple[int | None, datetime | None, int]:
    """One query: the id of the message ``key`` already made on ``channel`` (None), and the
    recipient's last message on it since ``since`` with their count."""
    table = connection.ops.quote_name(Message._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {table} WHERE idempotency_key = %s AND channel = %s),"
            f" max(created_at), count(*) FROM {table}"
            " WHERE recipient_index = %s AND channel = %s AND created_at >= %s",
            [key, channel, index, channel, since],
        )
        made, last, count = cursor.fetchone()
    return made, last, int(count)


def check_rate(*, channel: str, last: datetime | None, count: int, now: datetime) -> None:
    """Refuse a send to a recipient who has had too many (see the module docstring): ``last``
    and ``count`` are their last message's time and how many they had in the hour before ``now``."""
    if channel == Channel.SMS:
        interval = settings.NOTIFY_SMS_INTERVAL_SECONDS
        if last is not None and last > now - timedelta(seconds=interval):
            wait = interval - int((now - last).total_seconds())
            raise RateLimited(
                _("短信发送过于频繁，请在 %(seconds)s 秒后再试。") % {"seconds": max(wait, 1)}, code="rate_limited"
            )
        limit = settings.NOTIFY_SMS_PER_HOUR
    else:
        limit = settings.NOTIFY_OTHER_PER_HOUR
    if count >= limit:
        raise RateLimited(
            _("该收件人一小时内已收到 %(count)s 条消息，请稍后再试。") % {"count": limit}, code="rate_limited"
        )


def write(
    *,
    user: Any,
    channel: str,
    kind: str,
    recipient: str,
    idempotency_key: str,
    subject: str = "",
    body: str = "",
    link: str = "",
    template: SmsTemplate | None = None,
    params: dict[str, str] | None = None,
) -> tuple[Message, str]:
    """Write one message (or return the one this key already made); returns it and the sealed
    secret values for its delivery task ("" when it has none or already existed). Three
    statements, no savepoint: the recipient's lock, the key and the rate in one query, the row
    (``ON CONFLICT DO NOTHING``: a concurrent call with the same key wins, its row is returned)."""
    key = idempotency_key[:200]
    now = timezone.now()
    index = blind_index(f"{channel}:{recipient.lower()}")
    _lock_recipient(channel, index)
    made, last, count = _made_and_recent(key=key, channel=channel, index=index, since=now - timedelta(hours=1))
    if made is not None:
        return Message.objects.get(pk=made), ""
    check_rate(channel=channel, last=last, count=count, now=now)
    params = dict(params or {})
    secret = {name: params[name] for name in (template.secret if template else ()) if name in params}
    stored = {**params, **dict.fromkeys(secret, MASK)}
    expires_at = None
    if secret:  # a code is worth sending only while it is valid
        expires_at = now + timedelta(minutes=int(params.get("minutes", "10") or 10))
    fields = {
        "user": user,
        "channel": channel,
        "kind": kind,
        "recipient": recipient,
        "recipient_index": index,
        "recipient_masked": mask_address(channel, recipient),
        "template": template.code if template else "",
        "params": stored,
        "subject": subject[:200],
        "body": sms_text(template, stored) if template else body,
        "link": link[:500],
        "has_secret": bool(secret),
        "expires_at": expires_at,
        "created_at": now,
        "next_attempt_at": now,
    }
    constants = {**fields, "user": getattr(user, "pk", None)}
    rows = insert_many(
        Message,
        constants=constants,
        columns={"idempotency_key": [key]},
        returning=("id",),
        conflict_ignore=("idempotency_key", "channel"),
    )
    if not rows:  # the same key, written by a concurrent call: theirs stands
        return Message.objects.get(idempotency_key=key, channel=channel), ""
    message = Message(pk=rows[0][0], idempotency_key=key, **fields)
    message._state.adding, message._state.db = False, connection.alias
    return message, seal(secret)
