"""Activation slips: a manager selects members, the worker makes accounts for those without one,
issues one code each (stored only as keyed hashes), and renders the PDF; its issuer downloads it
once (then it is deleted), within ``FILE_HOURS`` hours at most.

Issuing a slip to a member who has activated already is how a manager resets a forgotten
password: the new code replaces the person's unused slip codes, and their old password keeps
working until the slip is used (a slip in the wrong hands must not lock the owner out). The
manager never sees or sets a password, and never sees a code except on the printed slips.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.accounts.codes import code_digest, new_sheet_code
from services.accounts.models import ActivationBatch, ActivationCode
from services.audit.services import audit_record, audit_record_many
from services.kernel.bulk import insert_many
from services.members.accounts import member_accounts_ensure
from services.members.models import Member
from services.storage.backends import get_storage
from tenants.models import Institution
from tenants.queueing import publish_after_commit

from . import audit_events
from .links import SLIP_PATH, site_address, slip_link
from .models import FILE_HOURS, SlipJob
from .selection import Selection, scope_label, selection_members, selection_unit
from .slip_pdf import Slip, slips_pdf

logger = logging.getLogger(__name__)

DEFAULT_DAYS, MIN_DAYS, MAX_DAYS = 14, 1, 60
MAX_SLIPS = 30_000  # one run: a large university's intake; the worker's limits are sized for it
INLINE_LIMIT = 200  # up to this many, the page renders at once instead of queueing the worker


def _check_days(valid_days: int) -> None:
    if not MIN_DAYS <= valid_days <= MAX_DAYS:
        raise ValidationError(
            {"valid_days": _("有效期应为 %(min)s 至 %(max)s 天。") % {"min": MIN_DAYS, "max": MAX_DAYS}}
        )


def slips_count(*, acting_user: Any, selection: Selection) -> int:
    """How many slips the selection would issue (shown before the manager confirms)."""
    unit = selection_unit(acting_user=acting_user, selection=selection)
    return selection_members(selection=selection, unit=unit).count()


def slip_job_start(
    *, acting_user: Any, selection: Selection, valid_days: int, schema_name: str, language: str
) -> SlipJob:
    """Record the request and queue the worker once it commits; a small run (``INLINE_LIMIT``)
    is issued and rendered at once. Refuses an empty or oversized selection."""
    _check_days(valid_days)
    unit = selection_unit(acting_user=acting_user, selection=selection)
    total = selection_members(selection=selection, unit=unit).count()
    if total == 0:
        raise ValidationError(_("所选范围内没有需要签发激活单的党员。"))
    if total > MAX_SLIPS:
        raise ValidationError(
            _("一次最多签发 %(max)s 份激活单（所选 %(count)s 人），请按院系或支部分批签发。")
            % {"max": MAX_SLIPS, "count": total}
        )
    job = SlipJob.objects.create(
        created_by=acting_user,
        unit=unit,
        filters=selection.as_json(),
        valid_days=valid_days,
        language=language[:10],
        total=total,
    )
    if total <= INLINE_LIMIT:
        return slip_job_run(job=job)
    from .tasks import render_slips

    publish_after_commit(render_slips, schema_name, str(job.pk), language)
    return job


@dataclass(frozen=True)
class _Person:
    member_id: int
    user_id: int
    username: str
    name: str
    branch: str


def _people(job: SlipJob, selection: Selection) -> list[_Person]:
    unit = selection_unit(acting_user=job.created_by, selection=selection)  # the issuer's scope today
    members = list(selection_members(selection=selection, unit=unit).only("pk", "name", "number", "user_id"))
    made = member_accounts_ensure(members=members, acting_user=job.created_by)
    SlipJob.objects.filter(pk=job.pk).update(accounts_made=made)
    job.accounts_made = made
    rows = (
        Member.objects.filter(pk__in=[m.pk for m in members], user__isnull=False)
        .order_by("branch__path", "name", "pk")
        .values_list("pk", "user_id", "user__username", "name", "branch__name")
    )
    return [_Person(*row) for row in rows]


def _issue(job: SlipJob, people: list[_Person], label: str, valid_until: datetime) -> list[str]:
    """Replace the people's unused slip codes, record the batch and one new code each (as keyed
    hashes), audited; returns the codes in ``people``'s order. One transaction."""
    now = timezone.now()
    codes = [new_sheet_code() for _person in people]
    user_ids = [p.user_id for p in people]
    with transaction.atomic():
        ActivationCode.objects.filter(
            user_id__in=user_ids, kind=ActivationCode.Kind.SHEET, used_at__isnull=True, replaced_at__isnull=True
        ).update(replaced_at=now)
        batch = ActivationBatch.objects.create(
            created_by=job.created_by, scope_label=label, count=len(people), valid_until=valid_until
        )
        insert_many(  # one statement of arrays: 20,000 model instances were most of this step
            ActivationCode,
            constants={
                "kind": ActivationCode.Kind.SHEET,
                "batch": batch.pk,
                "created_at": now,
                "expires_at": valid_until,
            },
            columns={
                "user": user_ids,
                "digest": [
                    code_digest(user_id=user_id, kind=ActivationCode.Kind.SHEET, code=code)
                    for user_id, code in zip(user_ids, codes, strict=True)
                ],
            },
        )
        audit_record(
            event=audit_events.SLIPS_ISSUED,
            actor=job.created_by,
            target=batch,
            detail={
                "unit": job.unit_id,
                "scope": label,
                "filters": job.filters,
                "count": len(people),
                "valid_until": valid_until.isoformat(),
                "job": str(job.pk),
                "accounts_made": job.accounts_made,
            },
        )
        audit_record_many(
            event=audit_events.SLIP_ISSUED,
            acting_user=job.created_by,
            targets=[("accounts.user", user_id) for user_id in user_ids],
            detail={"batch": batch.pk},
        )
        SlipJob.objects.filter(pk=job.pk).update(batch=batch)
    job.batch = batch
    return codes


def _render(job: SlipJob, people: list[_Person], codes: list[str], valid_until: datetime, out: IO[bytes]) -> None:
    site = site_address()
    name = Institution.objects.filter(schema_name=_schema()).values_list("name", flat=True).first() or ""

    def slips() -> Iterator[Slip]:
        for person, code in zip(people, codes, strict=True):
            link = slip_link(site=site, username=person.username, code=code)
            yield Slip(name=person.name, branch=person.branch, username=person.username, code=code, link=link)

    def progress(done: int, total: int) -> None:
        SlipJob.objects.filter(pk=job.pk).update(processed=done)

    slips_pdf(
        slips=slips(),
        institution=name,
        expires=timezone.localtime(valid_until).date(),
        address=f"{site}{SLIP_PATH}",
        out=out,
        total=len(people),
        progress=progress,
    )


def _schema() -> str:
    from tenants.db import connection

    return str(getattr(connection, "schema_name", ""))


def _file_key(job: SlipJob) -> str:
    return f"{_schema()}/activation/slips/{job.pk}.pdf"


def slip_job_run(*, job: SlipJob) -> SlipJob:
    """The worker's run (or the page's, for a small one): accounts for those without one, the
    codes, the PDF into storage. Runs once: a job already claimed is left alone."""
    if not SlipJob.objects.filter(pk=job.pk, status=SlipJob.Status.QUEUED).update(status=SlipJob.Status.RUNNING):
        job.refresh_from_db()
        return job
    selection = Selection.from_json(job.unit_id, job.filters)
    try:
        people = _people(job, selection)
        SlipJob.objects.filter(pk=job.pk).update(total=len(people))
        valid_until = timezone.now() + timedelta(days=job.valid_days)
        label = scope_label(unit=job.unit, selection=selection)
        codes = _issue(job, people, label, valid_until)
        with tempfile.TemporaryFile() as out:
            _render(job, people, codes, valid_until, out)
            del codes
            out.seek(0)
            key = _file_key(job)
            get_storage().save(key, out)
        SlipJob.objects.filter(pk=job.pk).update(
            status=SlipJob.Status.READY,
            processed=len(people),
            file_key=key,
            file_expires_at=timezone.now() + timedelta(hours=FILE_HOURS),
            finished_at=timezone.now(),
        )
    except (PermissionDenied, ValidationError) as exc:
        _fail(job, " ".join(str(m) for m in getattr(exc, "messages", [str(exc)])))
    except Exception:
        logger.exception("activation slips %s failed", job.pk)
        _fail(job, _("生成激活单时出错。已签发的激活码不会打印出来，请重新签发（新的激活码会替换它们）。"))
    job.refresh_from_db()
    return job


def _fail(job: SlipJob, message: str) -> None:
    SlipJob.objects.filter(pk=job.pk).update(status=SlipJob.Status.FAILED, failure=message, finished_at=timezone.now())


def slip_job_get(*, acting_user: Any, pk: Any) -> SlipJob:
    """The issuer's own job (SlipJob.DoesNotExist otherwise: a 404 for anyone else)."""
    return SlipJob.objects.select_related("unit", "batch").get(pk=pk, created_by=acting_user)


def slip_job_list(*, acting_user: Any, limit: int = 10) -> list[SlipJob]:
    return list(SlipJob.objects.filter(created_by=acting_user).select_related("unit", "batch")[:limit])


def slip_download(*, acting_user: Any, job: SlipJob) -> IO[bytes]:
    """The PDF, for its issuer only, once: it is read out of storage and deleted there (a
    second download needs a new run, whose codes replace these). Audited."""
    if job.created_by_id != getattr(acting_user, "pk", None):
        raise PermissionDenied(_("只有签发人可以下载激活单。"))
    with transaction.atomic():
        locked = SlipJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != SlipJob.Status.READY or not locked.file_key:
            raise ValidationError(_("这份激活单已下载或已过期删除，请重新签发。"))
        out = tempfile.TemporaryFile()
        storage = get_storage()
        with storage.open(locked.file_key) as stored:
            while chunk := stored.read(1024 * 1024):
                out.write(chunk)
        out.seek(0)
        SlipJob.objects.filter(pk=job.pk).update(status=SlipJob.Status.DOWNLOADED, file_key="", file_expires_at=None)
        audit_record(
            event=audit_events.SLIPS_DOWNLOADED,
            actor=acting_user,
            target=locked.batch,
            detail={"batch": locked.batch_id, "count": locked.total, "job": str(locked.pk)},
        )
        key = locked.file_key
        transaction.on_commit(lambda: storage.delete(key))
    return out


def slips_sweep(*, now: datetime | None = None) -> int:
    """Delete the PDFs nobody downloaded in time, queue again runs whose message was lost, and
    fail runs a dead worker left running (their codes were never printed; a new run replaces
    them). Returns how many files went."""
    now = now or timezone.now()
    from .tasks import render_slips

    for pk, language in SlipJob.objects.filter(
        status=SlipJob.Status.QUEUED, created_at__lt=now - timedelta(minutes=5)
    ).values_list("pk", "language"):
        publish_after_commit(render_slips, _schema(), str(pk), language)
    storage = get_storage()
    expired = list(SlipJob.objects.filter(file_expires_at__lte=now).values_list("pk", "file_key"))
    for pk, key in expired:
        if key:
            storage.delete(key)
        SlipJob.objects.filter(pk=pk).update(status=SlipJob.Status.EXPIRED, file_key="", file_expires_at=None)
    SlipJob.objects.filter(status=SlipJob.Status.RUNNING, created_at__lt=now - timedelta(hours=1)).update(
        status=SlipJob.Status.FAILED,
        failure=_("生成激活单时中断。已签发的激活码不会打印出来，请重新签发（新的激活码会替换它们）。"),
        finished_at=now,
    )
    return len(expired)
