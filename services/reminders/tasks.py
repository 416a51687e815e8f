"""Reminder jobs, queued by beat's dispatcher once per institution (platform/partycloud/celery.py):
the scan every morning, the digests an hour later. Thin: they run a service in the schema."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.tasks import institution_task

from .delivery import reminder_digests_send
from .services import reminder_scan


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


@institution_task(verbose_name=_("提醒扫描"), soft_time_limit=300, time_limit=360, memory_limit_mb=768)
def scan_reminders(today: str | None = None) -> int:
    """Run the reminder scan for this institution; returns the number of new reminders."""
    return reminder_scan(today=_day(today)).created


@institution_task(verbose_name=_("发送提醒摘要邮件"), soft_time_limit=600, time_limit=660, memory_limit_mb=256)
def send_digests(today: str | None = None) -> int:
    """Send the daily digests (and the weekly ones on Mondays); returns the e-mails sent."""
    return reminder_digests_send(today=_day(today))
