"""Delivery of reminders: immediately after a scan, or as a daily / weekly digest, through the
notification interface (services/notifications: kind "reminder_digest", e-mail by default, or
the channels the user chose for that kind).

One digest per user lists all of their reminders not yet sent (open, unread; ``emailed_at``
keeps its name). For each user, in one transaction: claim the rows with ``SELECT … FOR UPDATE
SKIP LOCKED``, write the digest to the notification outbox (``notify``, keyed by the claimed
rows), set ``emailed_at``, commit; then this worker delivers it at once (``deliver_now``). Two
workers never claim the same rows, so nothing is written twice in normal operation.

The choice when a worker dies: **at least once**. The claim and the outbox row commit together:
before the commit nothing happened and the next run claims the rows again; after it, the outbox
delivers the digest, retrying a mail server that is down with backoff, and a worker that dies
after the server accepted it but before recording that sends it again (a duplicate reminder is a
nuisance; losing a reminder of a party deadline silently is not). A user who cannot be reached on
any chosen channel (no address) keeps their rows unsent for a later run.

Who gets what, and when (``ReminderPreference``, default daily):
- immediate: right after the scan that created the reminders commits (``reminder_scan``);
  the daily digest run also sends whatever an immediate send left behind;
- daily: the daily digest run (beat: 07:03, after the 06:03 scan);
- weekly: the digest run on Mondays only;
- off: never sent (the portal shows them).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from services.accounts.models import User
from services.notifications.api import Message, deliver_now, notify
from services.notifications.kinds import REMINDER_DIGEST

from .models import Reminder, ReminderPreference

logger = logging.getLogger(__name__)

Email = ReminderPreference.Email
MONDAY = 0


def digest_modes(*, today: date) -> list[str]:
    """The preferences a digest run on ``today`` serves: weekly ones on Mondays only."""
    modes: list[str] = [Email.DAILY, Email.IMMEDIATE]
    if today.weekday() == MONDAY:
        modes.append(Email.WEEKLY)
    return modes


def _unsent() -> QuerySet[Reminder]:
    return Reminder.objects.filter(emailed_at__isnull=True, resolved_at__isnull=True, read_at__isnull=True)


def _site() -> str:
    """The institution's address for links: <scheme>://<code>.<BASE_DOMAIN>[:port]."""
    from tenants.models import Institution, institution_domain

    schema = getattr(connection, "schema_name", "")
    code = Institution.objects.filter(schema_name=schema).values_list("code", flat=True).first()
    if not code:
        return ""
    scheme = "https" if settings.HTTPS else "http"
    port = f":{settings.EMAIL_LINK_PORT}" if settings.EMAIL_LINK_PORT else ""
    return f"{scheme}://{institution_domain(code)}{port}"


def _send(*, user: User, reminders: list[Reminder], today: date, site: str) -> list[Message]:
    with translation.override(settings.LANGUAGE_CODE):
        overdue = sum(1 for reminder in reminders if reminder.due_on < today)
        subject = ngettext("【党建云】您有 %(n)s 条提醒", "【党建云】您有 %(n)s 条提醒", len(reminders)) % {
            "n": len(reminders)
        }
        body = render_to_string(
            "reminders/email/digest.txt",
            {"user": user, "reminders": reminders, "today": today, "overdue": overdue, "site": site},
        )
    # The claimed rows name the digest: a rolled-back claim writes nothing, a committed one is
    # never claimed again, so the key is never reused for another digest.
    claimed = hashlib.sha256(",".join(str(r.pk) for r in reminders).encode()).hexdigest()[:32]
    return notify(
        user=user, kind=REMINDER_DIGEST, subject=subject, body=body, idempotency_key=f"reminders:{user.pk}:{claimed}"
    )


def reminder_emails_send(*, today: date, modes: Iterable[str]) -> int:
    """Send one digest to each user whose preference is in ``modes`` and who has reminders not
    yet sent; returns the number of digests written. At least once (see the module docstring)."""
    wanted = set(modes)
    user_ids = set(_unsent().values_list("recipient_id", flat=True).distinct())
    if not user_ids:
        return 0
    chosen = dict(ReminderPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "email"))
    user_ids = {pk for pk in user_ids if chosen.get(pk, ReminderPreference.DEFAULT) in wanted}
    users = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    site = _site()
    sent = 0
    for user in users:
        try:
            with transaction.atomic():
                claimed = list(
                    _unsent().filter(recipient_id=user.pk).select_for_update(skip_locked=True).order_by("due_on", "id")
                )
                if not claimed:
                    continue  # another worker holds them, or they were sent meanwhile
                messages = _send(user=user, reminders=claimed, today=today, site=site)
                if not messages:
                    continue  # no address on any chosen channel: the rows wait
                Reminder.objects.filter(pk__in=[r.pk for r in claimed]).update(emailed_at=timezone.now())
        except Exception:
            # The outbox refused (rate limit) or the database failed: the claim rolled back.
            logger.exception("reminder digest to user %s failed", user.pk)
            continue
        deliver_now(messages=messages)  # committed: send it now; a failure stays in the outbox
        sent += 1
    return sent


def reminder_digests_send(*, today: date) -> int:
    """The digest run: daily digests every day, weekly digests on Mondays, and what immediate
    sends left behind."""
    return reminder_emails_send(today=today, modes=digest_modes(today=today))
