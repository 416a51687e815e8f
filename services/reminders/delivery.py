"""E-mail delivery of reminders: immediately after a scan, or as a daily / weekly digest.

One e-mail per user lists all of their reminders not yet e-mailed (open, unread). For each
user, in one transaction: claim the rows with ``SELECT … FOR UPDATE SKIP LOCKED``, send, set
``emailed_at``, commit. Two workers never claim the same rows, so nothing is sent twice in
normal operation.

The choice when a worker dies: **at least once**. If the process dies after the mail server
accepted the message but before the commit, the rows are still unsent and the next run sends
them again (a duplicate reminder is a nuisance). The other order (mark, commit, then send)
would be at most once, and a crash there would lose a reminder of a party deadline silently.
A send that fails (SMTP down) rolls back the claim: the rows wait for the next run.

Who gets what, and when (``ReminderPreference``, default daily):
- immediate: right after the scan that created the reminders commits (``reminder_scan``);
  the daily digest run also sends whatever an immediate send left behind;
- daily: the daily digest run (beat: 07:03, after the 06:03 scan);
- weekly: the digest run on Mondays only;
- off: never by e-mail (the portal shows them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from services.accounts.models import User

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


def _send(*, user: User, reminders: list[Reminder], today: date, site: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        overdue = sum(1 for reminder in reminders if reminder.due_on < today)
        subject = ngettext("【党建云】您有 %(n)s 条提醒", "【党建云】您有 %(n)s 条提醒", len(reminders)) % {
            "n": len(reminders)
        }
        body = render_to_string(
            "reminders/email/digest.txt",
            {"user": user, "reminders": reminders, "today": today, "overdue": overdue, "site": site},
        )
    send_mail(subject, body, None, [user.email])


def reminder_emails_send(*, today: date, modes: Iterable[str]) -> int:
    """Send one e-mail to each user whose preference is in ``modes`` and who has reminders not
    yet e-mailed; returns the number of e-mails sent. At least once (see the module docstring)."""
    wanted = set(modes)
    user_ids = set(_unsent().values_list("recipient_id", flat=True).distinct())
    if not user_ids:
        return 0
    chosen = dict(ReminderPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "email"))
    user_ids = {pk for pk in user_ids if chosen.get(pk, ReminderPreference.DEFAULT) in wanted}
    users = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("pk")
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
                _send(user=user, reminders=claimed, today=today, site=site)
                Reminder.objects.filter(pk__in=[r.pk for r in claimed]).update(emailed_at=timezone.now())
            sent += 1
        except Exception:
            # SMTP refused or the connection dropped: the claim rolled back, the next run retries.
            logger.exception("reminder e-mail to user %s failed", user.pk)
    return sent


def reminder_digests_send(*, today: date) -> int:
    """The digest run: daily digests every day, weekly digests on Mondays, and what immediate
    sends left behind."""
    return reminder_emails_send(today=today, modes=digest_modes(today=today))
