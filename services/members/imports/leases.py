"""Leases of the worker steps of an import: a job orphaned by a dead worker is picked up again
within minutes (not after the broker's one-hour visibility timeout), and never twice at once.

- Validating: the worker claims the job (``lease_claim``: only if no live worker's heartbeat is
  younger than ``LEASE``) and refreshes ``heartbeat_at`` while it reads the rows.
- Committing: the commit runs in one transaction that holds the job's row ``FOR UPDATE``; that
  lock is the lease. ``commit_claim`` takes the row with ``SKIP LOCKED`` (a live worker holds
  it: nothing to do) and counts the attempt; a worker that dies drops its connection, and
  PostgreSQL rolls its transaction back and releases the row.
- ``jobs_sweep`` (housekeeping, every minute) re-queues a validating job whose heartbeat lapsed
  and a committing job whose row nobody holds (``FOR UPDATE SKIP LOCKED`` never touches a job a
  live worker holds), both only once their step has waited ``LEASE`` since it was queued or
  started. After ``MAX_ATTEMPTS`` starts the job fails with a Chinese reason. A re-run is
  idempotent: the commit checks the status under the row lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import ImportJob

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 3
RUNNING = (ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING)


def interrupted_reason() -> str:
    return _("处理进程多次中断，导入已停止，数据未作任何改动。请检查文件后重新上传；问题持续请联系管理员。")


def job_give_up(*, job_id: str, reason: str) -> bool:
    """Fail a job still in a worker step (its runs kept being interrupted)."""
    return bool(
        ImportJob.objects.filter(pk=job_id, status__in=RUNNING).update(
            status=ImportJob.Status.FAILED, failure=reason, finished_at=timezone.now(), heartbeat_at=None
        )
    )


def job_revive(*, job_id: str, status: str) -> bool:
    """Put a failed job back in a worker step for an operator's retry, as if just queued."""
    return bool(
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.FAILED).update(
            status=status,
            failure="",
            finished_at=None,
            queued_at=timezone.now(),
            attempts=0,
            heartbeat_at=None,
            restarted_at=None,
            processed_rows=0,
        )
    )


def heartbeat(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())


def lease_claim(job: ImportJob) -> bool:
    """Claim a validating job for this worker (False: another live worker has it, or it is no
    longer validating). Past ``MAX_ATTEMPTS`` starts the job fails instead."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - LEASE), pk=job.pk, status=ImportJob.Status.VALIDATING
    ).update(attempts=F("attempts") + 1, heartbeat_at=now)
    return bool(claimed) and _within_bound(job)


def commit_claim(job: ImportJob) -> bool:
    """Count a start of the commit unless a live worker holds the job's row (or it is no longer
    committing). Past ``MAX_ATTEMPTS`` starts the job fails instead."""
    with transaction.atomic():
        row = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job.pk, status=ImportJob.Status.COMMITTING)
            .first()
        )
        if row is None:
            return False
        ImportJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1, heartbeat_at=timezone.now())
    return _within_bound(job)


def _within_bound(job: ImportJob) -> bool:
    job.refresh_from_db()
    if job.attempts > MAX_ATTEMPTS:
        job_give_up(job_id=str(job.pk), reason=interrupted_reason())
        job.refresh_from_db()
        return False
    return True


def jobs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Re-queue jobs whose step lost its worker or its message (see the module docstring);
    returns how many were re-queued and how many failed."""
    from tenants.db import connection
    from tenants.queueing import publish_after_commit

    from ..tasks import commit_import, validate_import

    now = now or timezone.now()
    report = {"requeued": 0, "failed": 0}
    last_sign = Coalesce("heartbeat_at", "queued_at", "created_at")
    with transaction.atomic():
        orphans = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .annotate(last_sign=last_sign)
            .filter(status__in=RUNNING, last_sign__lt=now - LEASE)
            .order_by("created_at")[:100]
        )
        for job in orphans:
            if job.attempts >= MAX_ATTEMPTS:
                report["failed"] += job_give_up(job_id=str(job.pk), reason=interrupted_reason())
                continue
            # The new run counts its rows from the start: the page never shows the dead run's count.
            ImportJob.objects.filter(pk=job.pk).update(
                queued_at=now, restarted_at=now, heartbeat_at=None, processed_rows=0
            )
            task = validate_import if job.status == ImportJob.Status.VALIDATING else commit_import
            language = job.language or settings.LANGUAGE_CODE
            publish_after_commit(task, connection.schema_name, str(job.pk), language)
            report["requeued"] += 1
    return report


def job_note(job: ImportJob) -> str:
    """What the page says about a running job, in the reader's language ("" when nothing to say)."""
    if job.status not in RUNNING:
        return ""
    started = job.heartbeat_at is not None and (job.restarted_at is None or job.heartbeat_at >= job.restarted_at)
    if job.restarted_at is not None and not job.attempts:
        return _("等待处理超时，系统已于 %(time)s 重新排队。") % {
            "time": formats.time_format(timezone.localtime(job.restarted_at), "H:i")
        }
    if job.restarted_at is not None:
        return _("处理进程中断，系统已于 %(time)s 自动重新开始（第 %(n)s 次）。") % {
            "time": formats.time_format(timezone.localtime(job.restarted_at), "H:i"),
            "n": job.attempts + (0 if started else 1),
        }
    if not started:
        return _("排队等待处理…")
    if job.status == ImportJob.Status.COMMITTING:
        return _("正在一次性写入 %(rows)s 行：全部写入后一起生效，写入过程中不显示逐行进度。") % {
            "rows": job.total_rows
        }
    return ""
