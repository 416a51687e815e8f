"""The import job: upload -> validate (on the worker) -> confirm -> commit (on the worker) and
the files it keeps in storage. Each worker step runs under a lease (leases.py): a job whose
worker died is picked up again by the housekeeping sweep, never by two workers at once.

The steps are the same for every kind of import (kinds.py): the job's kind reads, checks and
writes its rows. The member roster is the kind registered here."""

from __future__ import annotations

import io
import logging
import re
from pathlib import PurePosixPath
from typing import IO, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.audit.services import audit_record
from services.members import audit_events
from services.organization.scope import scope_for
from services.storage.backends import get_storage
from tenants.db import connection
from tenants.pauses import pause_if_asked
from tenants.queueing import publish_after_commit

from ..accounts import member_accounts_ensure
from ..models import ImportJob, Member
from ..status import OFF_ROLL_STATUSES
from .aliases import FIELD_OF_HEADER, template_header
from .checking import Plan, import_check
from .columns import EXTENSIONS, MAX_UPLOAD_BYTES, TEMPLATE_SHEET
from .kinds import ROSTER, ImportKind, kind_of, kind_register
from .leases import commit_claim, heartbeat, lease_claim
from .reading import ImportFileError, Progress, Sheet, sheet_read
from .row_checks import _error
from .sheets import error_report_write
from .writing import _queue_search, _stage, _write_history, _write_members, _write_retained_since

logger = logging.getLogger(__name__)

# Tests kill the worker where this pauses, inside the commit's transaction (tests/members).
PAUSE_ENV = "PARTYCLOUD_TEST_IMPORT_PAUSE"  # "<marker file>:<seconds>", set by tests only


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


def import_start(
    *, acting_user: Any, upload: IO[bytes], filename: str, schema_name: str, language: str, kind: str = ROSTER
) -> ImportJob:
    """Store the upload under ``<schema>/imports/<job id>/<filename>``, create the job of ``kind``
    and queue its validation once the job is committed. Only people who manage some unit may import."""
    if not scope_for(acting_user).is_manager:
        raise PermissionDenied(kind_of(kind).refusal)
    name = _safe_filename(filename)
    if PurePosixPath(name).suffix not in EXTENSIONS:
        raise ValidationError(_("只能导入 .xlsx 或 .csv 文件。"))
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件超过 %(size)s MB。") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    job = ImportJob(
        kind=kind, created_by=acting_user, filename=name[:200], language=language[:10], queued_at=timezone.now()
    )
    job.file_key = f"{schema_name}/imports/{job.pk}/{name}"
    with transaction.atomic():
        job.save()
        get_storage().save(job.file_key, io.BytesIO(data))

        from ..tasks import validate_import

        publish_after_commit(validate_import, schema_name, str(job.pk), language)
    return job


def _recorder(job: ImportJob) -> Progress:
    def record(done: int, total: int) -> None:  # progress, and the lease's heartbeat
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total, heartbeat_at=timezone.now())

    return record


def _finish(job: ImportJob, plan: Plan, *, sheet: Sheet, ok_status: str) -> None:
    job.total_rows = job.processed_rows = len(sheet.rows)
    job.errors = plan.errors
    job.columns = plan.columns
    job.created_count, job.updated_count, job.unchanged_count = len(plan.creates), len(plan.updates), plan.unchanged
    if plan.errors:
        job.status = ImportJob.Status.INVALID
        job.finished_at = timezone.now()
        if any(error["row"] for error in plan.errors):
            buffer = io.BytesIO()
            error_report_write(sheet=sheet, errors=plan.errors, out=buffer, title=kind_of(job).sheet_title)
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
    if not lease_claim(job):
        return job  # this step already ran, or a live worker has it (or it was given up)
    storage = get_storage()
    kind = kind_of(job)
    try:
        with storage.open(job.file_key) as content:
            sheet = sheet_read(content=content, filename=job.filename, progress=_recorder(job), known=kind.headers)
        heartbeat(job)
        plan = kind.check(sheet=sheet, acting_user=job.created_by)
        if not plan.errors:
            storage.save(_rows_key(job), io.BytesIO(sheet.dumps()))
        _finish(job, plan, sheet=sheet, ok_status=ImportJob.Status.PREVIEW)
    except ImportFileError as exc:
        job.errors = [_error(None, "", str(exc))]
        job.status = ImportJob.Status.INVALID
        job.finished_at = timezone.now()
        job.save()
    except SoftTimeLimitExceeded:
        return _fail(job, _("校验超时，数据未作任何改动。请拆分文件后分批导入。"))
    except MemoryError:
        return _fail(job, _("校验所需内存超过上限，数据未作任何改动。请拆分文件后分批导入。"))
    except Exception:
        logger.exception("import %s: validation failed", job.pk)
        return _fail(job, _("校验时出错，请重新上传；问题持续请联系管理员。"))
    return job


def import_confirm(
    *, job: ImportJob, acting_user: Any, schema_name: str, language: str, create_accounts: bool = False
) -> bool:
    """The uploader confirms a clean preview: the job moves to COMMITTING (once, whoever clicks
    twice) and the commit is queued. ``create_accounts``: after the commit, accounts are made for
    the file's members who have none."""
    moved = ImportJob.objects.filter(pk=job.pk, created_by=acting_user, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.COMMITTING,
        create_accounts=create_accounts,
        processed_rows=0,
        queued_at=timezone.now(),
        attempts=0,
        heartbeat_at=None,
        restarted_at=None,
    )
    if moved:
        from ..tasks import commit_import

        publish_after_commit(commit_import, schema_name, str(job.pk), language)
    return bool(moved)


def import_commit(*, job: ImportJob) -> ImportJob:
    """Write the confirmed rows in one transaction: the kind's rows (members and their "imported"
    history rows), its audit row and the job's outcome commit together or not at all."""
    if not commit_claim(job):
        return job  # committed already, never confirmed, a live worker holds it, or given up
    storage = get_storage()
    kind = kind_of(job)
    try:
        with storage.open(_rows_key(job)) as content:
            sheet = Sheet.loads(content.read())
        actor = job.created_by
        with transaction.atomic():
            # The lease: the job's row stays locked until this transaction ends (leases.py).
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportJob.Status.COMMITTING:
                job.refresh_from_db()
                return job  # a duplicate run that waited for the lock of the one that committed
            plan = kind.check(sheet=sheet, acting_user=actor, lock=True)
            if not plan.errors:
                kind.write(job, plan)
            # Records changed since the preview: the new errors are shown, nothing is written.
            _finish(job, plan, sheet=sheet, ok_status=ImportJob.Status.DONE)
    except SoftTimeLimitExceeded:
        return _fail(job, _("导入超时，数据未作任何修改。请拆分文件后分批导入。"))
    except Exception:
        logger.exception("import %s: commit failed", job.pk)
        return _fail(job, _("导入失败，数据未作任何修改。请稍后重试；问题持续请联系管理员。"))
    if job.status == ImportJob.Status.DONE:
        storage.delete(_rows_key(job))  # the upload itself stays, as the record of what was imported
        if kind.after_commit is not None:
            kind.after_commit(job, plan)
    return job


def _roster_write(job: ImportJob, plan: Plan) -> None:
    """The roster's rows, set-based, and the import's audit row (inside the commit's transaction)."""
    actor = job.created_by
    if plan.creates or plan.updates:
        with connection.cursor() as cursor:
            _stage(cursor, plan)
            _write_members(cursor, plan)
            reason = f"导入：{job.filename}"[:200]
            _write_history(cursor, actor=actor, reason=reason)
            _write_retained_since(cursor, actor=actor, reason=reason)
            _queue_search(cursor)
        pause_if_asked(PAUSE_ENV)
    audit_record(
        event=audit_events.MEMBERS_IMPORTED,
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


def _roster_after_commit(job: ImportJob, plan: Plan) -> None:
    if job.create_accounts:
        _accounts_for_imported(job, plan)


def _accounts_for_imported(job: ImportJob, plan: Plan) -> None:
    """Accounts for the file's members on the roll who have none (new, updated and unchanged
    rows), after the import's own transaction: the records are in whatever happens here."""
    indexes = [row["national_id_index"] for row in plan.creates] + plan.unchanged_indexes
    made = 0
    try:
        for start in range(0, max(len(indexes), len(plan.updates)), 5000):
            chunk = indexes[start : start + 5000]
            ids = [update.member_id for update in plan.updates[start : start + 5000]]
            made += member_accounts_ensure(members=_members_without_account(chunk, ids), acting_user=job.created_by)
    except Exception:
        logger.exception("import %s: accounts not made", job.pk)
        job.failure = _(
            "名册已导入，但开通账号时出错：请在“账号管理”中为这些党员签发激活单，或重新导入并勾选开通账号。"
        )
    job.accounts_created = made
    job.save(update_fields=["accounts_created", "failure"])


def _members_without_account(indexes: list[str], ids: list[int]) -> list[Member]:
    """The members named by ID-number index or id who are on the roll and have no account."""
    return list(
        Member.objects.filter(Q(national_id_index__in=indexes) | Q(pk__in=ids), user__isnull=True)
        .exclude(status__in=OFF_ROLL_STATUSES)
        .only("pk", "name", "number", "user_id")
    )


def import_job_get(*, acting_user: Any, pk: str, kind: str = ROSTER) -> ImportJob:
    """The uploader's own job of ``kind`` (ImportJob.DoesNotExist otherwise, a 404: the preview
    lists errors about people)."""
    return ImportJob.objects.get(pk=pk, created_by=acting_user, kind=kind)


def import_job_list(*, acting_user: Any, limit: int = 10, kind: str = ROSTER) -> list[ImportJob]:
    return list(ImportJob.objects.filter(created_by=acting_user, kind=kind).order_by("-created_at")[:limit])


ROSTER_KIND: ImportKind = kind_register(
    ImportKind(
        name=ROSTER,
        headers=FIELD_OF_HEADER,
        check=import_check,
        write=_roster_write,
        column_label=template_header,
        sheet_title=TEMPLATE_SHEET,
        refusal=gettext_lazy("只有管理党组织的人员才能导入党员名册。"),
        after_commit=_roster_after_commit,
    )
)
