"""The import job: upload -> validate (on the worker) -> confirm -> commit (on the worker), the
files it keeps in storage, and the expiry of jobs stuck in a worker step."""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.audit.models import Event
from services.audit.services import audit_record
from services.organization.scope import scope_for
from services.storage.backends import get_storage
from tenants.db import connection

from ..models import ImportJob
from .checking import Plan, import_check
from .columns import EXTENSIONS, MAX_UPLOAD_BYTES
from .reading import ImportFileError, Progress, Sheet, sheet_read
from .row_checks import _error
from .sheets import error_report_write
from .writing import _queue_search, _stage, _write_history, _write_members, _write_retained_since

logger = logging.getLogger(__name__)


def _safe_filename(name: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f]", "", base).strip()
    stem, suffix = base[: -len(PurePosixPath(base).suffix) or None], PurePosixPath(base).suffix.lower()
    return (stem[:120] or "roster") + suffix


def _job_dir(job: ImportJob) -> str:
    return job.file_key.rsplit("/", 1)[0]


def _rows_key(job: ImportJob) -> str:
    # A sub-folder: no uploaded file name can collide with it.
    return f"{_job_dir(job)}/derived/rows.json"


def _report_key(job: ImportJob) -> str:
    return f"{_job_dir(job)}/derived/errors.xlsx"


def import_start(*, acting_user: Any, upload: IO[bytes], filename: str, schema_name: str, language: str) -> ImportJob:
    """Store the upload under ``<schema>/imports/<job id>/<filename>``, create the job and queue
    its validation once the job is committed. Only people who manage some unit may import."""
    if not scope_for(acting_user).is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能导入党员名册。"))
    name = _safe_filename(filename)
    if PurePosixPath(name).suffix not in EXTENSIONS:
        raise ValidationError(_("只能导入 .xlsx 或 .csv 文件。"))
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件超过 %(size)s MB。") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    job = ImportJob(created_by=acting_user, filename=name[:200])
    job.file_key = f"{schema_name}/imports/{job.pk}/{name}"
    with transaction.atomic():
        job.save()
        get_storage().save(job.file_key, io.BytesIO(data))

        def queue() -> None:
            from ..tasks import validate_import

            validate_import.delay(schema_name, str(job.pk), language)

        transaction.on_commit(queue)
    return job


def _recorder(job: ImportJob) -> Progress:
    def record(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    return record


def _finish(job: ImportJob, plan: Plan, *, sheet: Sheet, ok_status: str) -> None:
    job.total_rows = job.processed_rows = len(sheet.rows)
    job.errors = plan.errors
    job.created_count, job.updated_count, job.unchanged_count = len(plan.creates), len(plan.updates), plan.unchanged
    if plan.errors:
        job.status = ImportJob.Status.INVALID
        job.finished_at = timezone.now()
        if any(error["row"] for error in plan.errors):
            buffer = io.BytesIO()
            error_report_write(sheet=sheet, errors=plan.errors, out=buffer)
            buffer.seek(0)
            get_storage().save(_report_key(job), buffer)
            job.error_report_key = _report_key(job)
    else:
        job.status = ok_status
        if ok_status == ImportJob.Status.DONE:
            job.finished_at = timezone.now()
    job.save()


def _fail(job: ImportJob, message: str) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, failure=message, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def import_validate(*, job: ImportJob) -> ImportJob:
    """The worker's first step: read the file, check every row, keep the rows for the commit,
    write the error report. Ends in PREVIEW (nothing wrong) or INVALID."""
    if job.status != ImportJob.Status.VALIDATING:
        return job  # a redelivered task: this step already ran
    storage = get_storage()
    try:
        with storage.open(job.file_key) as content:
            sheet = sheet_read(content=content, filename=job.filename, progress=_recorder(job))
        plan = import_check(sheet=sheet, acting_user=job.created_by)
        if not plan.errors:
            storage.save(_rows_key(job), io.BytesIO(sheet.dumps()))
        _finish(job, plan, sheet=sheet, ok_status=ImportJob.Status.PREVIEW)
    except ImportFileError as exc:
        job.errors = [_error(None, "", str(exc))]
        job.status = ImportJob.Status.INVALID
        job.finished_at = timezone.now()
        job.save()
    except Exception:
        logger.exception("import %s: validation failed", job.pk)
        return _fail(job, _("校验时出错，请重新上传；问题持续请联系管理员。"))
    return job


def import_confirm(*, job: ImportJob, acting_user: Any, schema_name: str, language: str) -> bool:
    """The uploader confirms a clean preview: the job moves to COMMITTING (once, whoever clicks
    twice) and the commit is queued."""
    moved = ImportJob.objects.filter(pk=job.pk, created_by=acting_user, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.COMMITTING, processed_rows=0
    )
    if moved:

        def queue() -> None:
            from ..tasks import commit_import

            commit_import.delay(schema_name, str(job.pk), language)

        transaction.on_commit(queue)
    return bool(moved)


def import_commit(*, job: ImportJob) -> ImportJob:
    """Write the confirmed rows in one transaction: members, their "imported" history rows, one
    audit row and the job's outcome commit together or not at all."""
    if job.status != ImportJob.Status.COMMITTING:
        return job  # a redelivered task after the commit, or a job nobody confirmed
    storage = get_storage()
    try:
        with storage.open(_rows_key(job)) as content:
            sheet = Sheet.loads(content.read())
        actor = job.created_by
        with transaction.atomic():
            plan = import_check(sheet=sheet, acting_user=actor, lock=True)
            if not plan.errors and (plan.creates or plan.updates):
                with connection.cursor() as cursor:
                    _stage(cursor, plan)
                    _write_members(cursor, plan)
                    reason = f"导入：{job.filename}"[:200]
                    _write_history(cursor, actor=actor, reason=reason)
                    _write_retained_since(cursor, actor=actor, reason=reason)
                    _queue_search(cursor)
            if not plan.errors:
                audit_record(
                    event=Event.MEMBERS_IMPORTED,
                    actor=actor,
                    target=job,
                    detail={
                        "filename": job.filename,
                        "rows": plan.rows,
                        "created": len(plan.creates),
                        "updated": len(plan.updates),
                        "unchanged": plan.unchanged,
                    },
                )
            # Records changed since the preview: the new errors are shown, nothing is written.
            _finish(job, plan, sheet=sheet, ok_status=ImportJob.Status.DONE)
    except Exception:
        logger.exception("import %s: commit failed", job.pk)
        return _fail(job, _("导入失败，数据未作任何修改。请稍后重试；问题持续请联系管理员。"))
    if job.status == ImportJob.Status.DONE:
        storage.delete(_rows_key(job))  # the upload itself stays, as the record of what was imported
    return job


def import_job_get(*, acting_user: Any, pk: str) -> ImportJob:
    """The uploader's own job (ImportJob.DoesNotExist otherwise, a 404: the preview lists
    errors about people)."""
    return ImportJob.objects.get(pk=pk, created_by=acting_user)


def import_job_list(*, acting_user: Any, limit: int = 10) -> list[ImportJob]:
    return list(ImportJob.objects.filter(created_by=acting_user).order_by("-created_at")[:limit])


STALE_AFTER = timedelta(hours=2)


def import_jobs_expire(*, now: datetime | None = None) -> int:
    """Fail jobs stuck in a worker step (a lost task or a dead worker) so that their page stops
    waiting and says what to do. Returns how many were failed."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return ImportJob.objects.filter(
        status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING], created_at__lt=cutoff
    ).update(
        status=ImportJob.Status.FAILED,
        failure=_("导入任务超时未完成，数据未作任何改动，请重新上传。"),
        finished_at=timezone.now(),
    )
