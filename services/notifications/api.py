"""The one interface every capability sends messages through (docs/notifications.md).

- ``notify``: a message to a signed-up user, on the channels they chose for its kind;
- ``send_to_phone``: an SMS template to a phone number that may not belong to an account yet
  (activation and password-reset codes);
- ``deliver_now``: a worker that has just written messages sends them itself at once.

Both writers add rows to the outbox in the caller's transaction (nothing is sent if it rolls
back) and queue their delivery after the commit; both are idempotent by ``idempotency_key`` and
rate-limited per recipient (``RateLimited``, a ``ValidationError`` with a Chinese message).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from tenants.db import connection
from tenants.queueing import publish

from . import kinds
from .channels import sms_configured
from .delivery import deliver
from .models import Message
from .outbox import RateLimited, normalise_phone, write
from .selectors import targets
from .services import phone_verified_set

__all__ = ["Message", "RateLimited", "deliver_now", "notify", "phone_verified_set", "send_to_phone"]

NOTICE_SUBJECT_LENGTH = 20  # providers cap a template variable's length


def _kick(message: Message, sealed: str) -> None:
    """Queue the message's delivery once the caller's transaction commits."""
    if message.status != Message.Status.PENDING:
        return
    schema = connection.schema_name
    message_id = message.pk

    def queue() -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:  # as the search kick: stay in this schema
            with schema_context(schema):
                deliver(message_id=message_id, sealed=sealed)
            return
        from .tasks import deliver_message

        publish(deliver_message, (schema, message_id, sealed))

    transaction.on_commit(queue)


def _text(*, channel: str, subject: str, body: str, link: str) -> str:
    if channel == kinds.Channel.WECOM:
        body = f"{subject}\n{body}" if subject else body
    return f"{body}\n\n{link}" if link else body


def notify(*, user: Any, kind: str, subject: str, body: str, idempotency_key: str, link: str = "") -> list[Message]:
    """Send ``subject``/``body`` to ``user`` on the channels they chose for ``kind`` (a declared
    kind, services/notifications/kinds.py) and can be reached on; returns the messages written
    (none: the user cannot be reached on any chosen channel). The same ``idempotency_key`` returns
    the messages it already made. By SMS the text says where to read the message (providers send
    approved templates only)."""
    declared = kinds.kind(kind)
    with transaction.atomic():
        existing = list(Message.objects.filter(idempotency_key=idempotency_key).order_by("id"))
        if existing:
            return existing
        messages = []
        for channel, address in targets(user=user, kind=declared):
            if channel == kinds.Channel.SMS:
                message, sealed = write(
                    user=user,
                    channel=channel,
                    kind=kind,
                    recipient=address,
                    idempotency_key=idempotency_key,
                    subject=subject,
                    link=link,
                    template=kinds.template(kinds.NOTICE),
                    params={"subject": subject[:NOTICE_SUBJECT_LENGTH]},
                )
            else:
                message, sealed = write(
                    user=user,
                    channel=channel,
                    kind=kind,
                    recipient=address,
                    idempotency_key=idempotency_key,
                    subject=subject,
                    body=_text(channel=channel, subject=subject, body=body, link=link),
                    link=link,
                )
            _kick(message, sealed)
            messages.append(message)
    return messages


def send_to_phone(*, phone: str, template: str, params: dict[str, str], idempotency_key: str) -> Message:
    """Send the SMS ``template`` (declared: "activation_code", "password_reset_code", …) with
    ``params`` to ``phone``. A secret parameter (the code) is sent, never stored. Refused with a
    Chinese ``ValidationError`` for a malformed number, when no SMS provider is configured, or
    when the number has had too many messages (``RateLimited``). In the caller's transaction
    when there is one (no savepoint of its own: a refusal is raised before anything is written),
    else in its own."""
    declared = kinds.template(template)
    missing = [name for name in declared.params if name not in params]
    if missing:
        raise ValueError(f"SMS template {template!r} needs {missing}")
    number = normalise_phone(phone)
    if not sms_configured():
        raise ValidationError(_("短信服务尚未配置，暂时无法发送短信，请联系管理员。"), code="sms_not_configured")
    with nullcontext() if connection.in_atomic_block else transaction.atomic():
        message, sealed = write(
            user=None,
            channel=kinds.Channel.SMS,
            kind=kinds.ACCOUNT_SECURITY,
            recipient=number,
            idempotency_key=idempotency_key,
            template=declared,
            params={name: str(value) for name, value in params.items()},
        )
        _kick(message, sealed)
    return message


def deliver_now(*, messages: list[Message]) -> None:
    """Send ``messages`` (written by this worker, committed) in this process at once; what fails
    stays in the outbox and is retried. Messages carrying a secret are left to their task."""
    for message in messages:
        if message.status == Message.Status.PENDING and not message.has_secret:
            deliver(message_id=message.pk)
