"""Delivery tasks: one per message after its commit, and the outbox sweep every minute."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.db import connection
from tenants.housekeeping import sweeper
from tenants.tasks import institution_task

from .delivery import RETRY, deliver, outbox_drain
from .models import Message

logger = logging.getLogger(__name__)

# Idempotent (a claimed or sent row is skipped); not tracked: the tracking row would store the
# arguments, and a code's sealed value must not land in a table.
OPTIONS = {"soft_time_limit": 60, "time_limit": 90, "memory_limit_mb": 256, "track_deliveries": False}


@institution_task(verbose_name=_("发送通知消息"), max_retries=0, **OPTIONS)
def deliver_message(message_id: int, sealed: str = "") -> str:
    outcome = deliver(message_id=message_id, sealed=sealed)
    if outcome == RETRY and sealed:  # only this task holds the code: it tries again itself
        due = Message.objects.filter(pk=message_id).values_list("next_attempt_at", flat=True).first()
        countdown = max(1, int((due - timezone.now()).total_seconds())) if due else 30
        try:
            deliver_message.apply_async(args=(connection.schema_name, message_id, sealed), countdown=countdown)
        except Exception:
            logger.warning("notification %s: retry not queued; it fails when it expires", message_id, exc_info=True)
    return outcome


@sweeper("notifications.outbox")
def drain_here() -> dict[str, int]:
    """Send what is due in this institution (lost kicks, retries); fail expired codes."""
    return outbox_drain()
