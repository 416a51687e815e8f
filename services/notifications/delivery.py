"""Delivering the outbox: after the commit that wrote a message, a task sends it; beat's
housekeeping (services/notifications/tasks.py) sends whatever is due and was not sent.

One delivery: claim the row (``SELECT … FOR UPDATE SKIP LOCKED``, still pending), call the
channel's adapter, record the outcome, commit. Two workers never send the same row; a worker that
dies after the provider accepted and before the commit leaves the row pending, and it is sent
again (**at least once**: a duplicate notice is a nuisance, a lost one is not acceptable).

- sent: ``status=sent``, ``sent_at``, the provider's message id;
- a retryable error (network, throttling, the provider's own trouble): ``attempts`` + 1,
  ``next_attempt_at`` pushed back exponentially (30 s, 1 min, 2 min… at most an hour), until
  ``NOTIFY_MAX_ATTEMPTS``, then failed;
- a permanent error (a bad number, a refused template, a channel not configured): failed at
  once, the provider's code and message in ``last_error`` — never retried.

A message with a secret (a verification code) is delivered only by the task that carries the
sealed values; it retries by queueing itself again, and once past ``expires_at`` it is failed
as expired (the person asks for a new code).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .channels import DeliveryError, Outgoing, adapter_for
from .kinds import template as sms_template
from .models import Message
from .outbox import sms_text, unseal

logger = logging.getLogger(__name__)

Status = Message.Status
SENT, RETRY, FAILED, SKIPPED = "sent", "retry", "failed", "skipped"


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _outgoing(message: Message, secrets: dict[str, str]) -> Outgoing:
    params = {**message.params, **secrets}
    body = message.body
    if message.template:
        body = sms_text(sms_template(message.template), params)
    return Outgoing(
        recipient=message.recipient,
        subject=message.subject,
        body=body,
        template=message.template,
        params=params,
        reference=str(message.pk),
    )


def _fail(message: Message, error: str) -> str:
    message.status = Status.FAILED
    message.last_error = error[:2000]
    message.save(update_fields=["status", "last_error", "attempts"])
    return FAILED


def _attempt(message: Message, secrets: dict[str, str]) -> str:
    now = timezone.now()
    if message.expires_at and now >= message.expires_at:
        return _fail(message, _("有效期已过，未能发出。"))
    if message.has_secret and not secrets:
        return SKIPPED  # only the task that carries the code can send it
    message.attempts += 1
    try:
        receipt = adapter_for(message.channel).send(_outgoing(message, secrets))
    except Exception as exc:
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
        logger.warning("notification %s (%s) not delivered: %s", message.pk, message.channel, error)
        if permanent or message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            return _fail(message, error)
        message.last_error = error[:2000]
        message.next_attempt_at = now + backoff(message.attempts)
        message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        return RETRY
    message.status = Status.SENT
    message.sent_at = timezone.now()
    message.provider_message_id = receipt.provider_message_id[:100]
    message.last_error = ""
    message.save(update_fields=["status", "sent_at", "provider_message_id", "attempts", "last_error"])
    return SENT


def deliver(*, message_id: int, sealed: str = "") -> str:
    """Try to send one message now (see the module docstring); returns what happened."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True).filter(pk=message_id, status=Status.PENDING).first()
        )
        if message is None:
            return SKIPPED  # sent, failed, or another worker holds it
        return _attempt(message, unseal(sealed))


def outbox_drain(*, limit: int = 500) -> dict[str, int]:
    """Send the messages that are due (new ones whose task was lost, retries), and fail the coded
    ones that expired unsent. Returns counts by outcome."""
    now = timezone.now()
    report = {SENT: 0, RETRY: 0, FAILED: 0, SKIPPED: 0}
    expired = list(
        Message.objects.filter(status=Status.PENDING, expires_at__lte=now).values_list("pk", flat=True)[:limit]
    )
    due = list(
        Message.objects.filter(status=Status.PENDING, has_secret=False, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in [*expired, *due]:
        report[deliver(message_id=pk)] += 1
    return report
