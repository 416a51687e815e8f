"""Every write of reminders: the scan, read marks and preferences. E-mail delivery is in
``delivery.py``.

The scan (``reminder_scan``) is idempotent by construction: a reminder is one row per
(recipient, ``Due.key``) under a unique constraint, inserted with ``ON CONFLICT DO NOTHING``.
Running the scan twice, or two scans racing on two connections, never creates a reminder twice;
the second insert of a key waits for the first transaction and then does nothing.

Reminders, read marks and preferences are not audited: reminders are derived data recomputed
every morning from records whose changes are audited, and read marks and the e-mail preference
are a user's own settings, not changes to party records.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from services.accounts.models import User

from .models import Reminder, ReminderPreference
from .recipients import scan_cache
from .registry import Due, sources
from .runs import failure_message, source_runs_record

logger = logging.getLogger(__name__)


@dataclass
class ScanResult:
    produced: int = 0  # (recipient, key) pairs the sources produced
    created: int = 0  # of which new rows
    resolved: int = 0  # open rows no source produced any more
    reopened: int = 0  # resolved rows produced again
    failed_sources: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per source, and "write"


def _collect(today: date, seconds: dict[str, float]) -> tuple[list[tuple[str, Due]], list[str], dict[str, str]]:
    """Run every source. A source that fails is logged and skipped (the others still deliver);
    its reminders are then neither created nor resolved by this scan, and the reason is kept
    for the administrators (runs.py)."""
    found: list[tuple[str, Due]] = []
    ran: list[str] = []
    failed: dict[str, str] = {}
    # Titles are stored: write them in the institution's language, whatever the caller's.
    with translation.override(settings.LANGUAGE_CODE), scan_cache():
        for name, source in sorted(sources().items()):
            started = time.perf_counter()
            try:
                items = [(name, due) for due in source(today)]
            except Exception as exc:
                logger.exception("reminder source %s failed", name)
                failed[name] = failure_message(source=name, exc=exc)
                continue
            finally:
                seconds[name] = round(time.perf_counter() - started, 3)
            found.extend(items)
            ran.append(name)
    return found, ran, failed


_INSERT = f"""
INSERT INTO {Reminder._meta.db_table}
    (recipient_id, key, source, kind, title, detail, due_on, url, rule_key, citation, member_id, created_at)
SELECT r, k, s, kd, t, dt, d, u, rk, c, m, %s
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::date[],
            %s::text[], %s::text[], %s::text[], %s::bigint[])
     AS p(r, k, s, kd, t, dt, d, u, rk, c, m)
ON CONFLICT (recipient_id, key) DO NOTHING
RETURNING recipient_id, key
"""

_REOPEN = f"""
UPDATE {Reminder._meta.db_table} AS x SET resolved_at = NULL
FROM unnest(%s::bigint[], %s::text[]) AS p(r, k)
WHERE x.resolved_at IS NOT NULL AND x.recipient_id = p.r AND x.key = p.k
"""


def _produced_for_active_users(found: list[tuple[str, Due]]) -> dict[tuple[int, str], tuple[str, Due]]:
    """(recipient, key) → (source, due) for every active recipient; the first source to produce a
    pair wins. A key too long for the column is logged and dropped."""
    active = set(User.objects.filter(is_active=True).values_list("pk", flat=True))
    produced: dict[tuple[int, str], tuple[str, Due]] = {}
    key_length = Reminder._meta.get_field("key").max_length or 0
    for name, due in found:
        if len(due.key) > key_length:
            logger.error("reminder source %s: key longer than %s characters: %r", name, key_length, due.key)
            continue
        for recipient in due.recipient_ids:
            if recipient in active:
                produced.setdefault((recipient, due.key), (name, due))
    return produced


def _open_reminders() -> dict[tuple[int, str], tuple[int, str]]:
    """(recipient, key) → (pk, source) of every reminder not resolved."""
    return {
        (recipient, key): (pk, source)
        for pk, recipient, key, source in Reminder.objects.filter(resolved_at__isnull=True).values_list(
            "pk", "recipient_id", "key", "source"
        )
    }


def _insert_or_reopen(new: list[tuple[tuple[int, str], tuple[str, Due]]], *, now: datetime) -> tuple[int, int]:
    """Insert the pairs not open (``ON CONFLICT DO NOTHING``), then reopen those that were not
    inserted because they exist, resolved. Returns (created, reopened)."""
    reopened = 0
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT,
            [
                now,
                [recipient for (recipient, _key), _ in new],
                [key for (_recipient, key), _ in new],
                [name for _, (name, _due) in new],
                [due.kind for _, (_name, due) in new],
                [due.title[:200] for _, (_name, due) in new],
                [due.detail[:300] for _, (_name, due) in new],
                [due.due_on for _, (_name, due) in new],
                [due.url[:300] for _, (_name, due) in new],
                [due.rule_key[:80] for _, (_name, due) in new],
                [due.citation for _, (_name, due) in new],
                [due.member_id for _, (_name, due) in new],
            ],
        )
        inserted = {(recipient, key) for recipient, key in cursor.fetchall()}
        # Not inserted: it exists, resolved (or a racing scan just created it).
        again = [pair for pair, _ in new if pair not in inserted]
        if again:
            cursor.execute(_REOPEN, [[r for r, _ in again], [k for _, k in again]])
            reopened = cursor.rowcount
    return len(inserted), reopened


def reminder_scan(*, today: date) -> ScanResult:
    """Produce the reminders due on ``today`` (within each source's lead time, or overdue).
    A source that raises does not stop the others; it is recorded as failing (``SourceRun``,
    shown to the institution's administrators) until a later scan runs it again.

    New (recipient, key) pairs become reminders; open reminders whose key no source produces
    any more are marked resolved (kept, not deleted); a resolved key produced again is reopened
    (it keeps its ``emailed_at``: it is never mailed twice). Recipients that are not active
    users are dropped. After the commit, reminders of users who chose immediate e-mail are sent.

    The open reminders are read first, so only pairs not already open travel to the database
    (the daily rescan sends next to nothing); those are inserted with ``ON CONFLICT DO
    NOTHING``, which is what keeps a racing scan from duplicating them.
    """
    seconds: dict[str, float] = {}
    found, ran, failed = _collect(today, seconds)
    started = time.perf_counter()
    produced = _produced_for_active_users(found)
    now = timezone.now()
    result = ScanResult(produced=len(produced), failed_sources=sorted(failed), seconds=seconds)
    with transaction.atomic():
        source_runs_record(scanned_on=today, at=now, ran=ran, failed=failed)
        open_rows = _open_reminders()
        # A fixed order: two racing scans lock the same keys in the same order (no deadlock).
        new = sorted((pair, item) for pair, item in produced.items() if pair not in open_rows)
        if new:
            result.created, result.reopened = _insert_or_reopen(new, now=now)
        gone = [pk for pair, (pk, source) in open_rows.items() if source in ran and pair not in produced]
        if gone:
            result.resolved = Reminder.objects.filter(pk__in=gone, resolved_at__isnull=True).update(resolved_at=now)
        if result.created:
            from .delivery import reminder_emails_send

            transaction.on_commit(lambda: reminder_emails_send(today=today, modes=[ReminderPreference.Email.IMMEDIATE]))
    seconds["write"] = round(time.perf_counter() - started, 3)
    logger.info("reminder scan %s: %s", today, result)
    return result


def reminder_mark_read(*, user: Any, reminder_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own reminders read (all of their unread ones when ``reminder_ids`` is
    None); another user's ids change nothing. Returns how many were marked."""
    rows = Reminder.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if reminder_ids is not None:
        rows = rows.filter(pk__in=list(reminder_ids))
    with transaction.atomic():
        return rows.update(read_at=timezone.now())


def reminder_preference_set(*, user: Any, email: str) -> ReminderPreference:
    """Choose how reminders arrive by e-mail: immediately, a daily or weekly (Monday) digest, or
    not at all. The portal inbox always shows them."""
    if email not in ReminderPreference.Email.values:
        raise ValueError(email)
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.update_or_create(user_id=user.pk, defaults={"email": email})
    return preference
