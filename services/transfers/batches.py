"""Batch transfers (graduation season): hundreds of letters at once, on the worker, with progress.

``batch_create`` selects the people (a branch's students, or a list of student numbers) and
stores one ``BatchItem`` per person; ``batch_run`` issues the letters chunk by chunk, each chunk
one transaction that marks its items done together with their letters, so the job is resumable
and idempotent: a re-run (a retry, a redelivery after a worker died) picks up the items still
pending and never issues a second letter for anyone. A person who cannot be transferred gets an
error message on their item; the others go on.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from services.members.models import Member
from services.organization.models import OrgUnit
from services.organization.scope import scope_for
from tenants.models import Institution
from tenants.queueing import publish_after_commit

from . import issuing
from .common import current_institution
from .models import BatchItem, BatchTransfer, Transfer

CHUNK = 100
MAX_PEOPLE = 2000


def batch_candidates(
    *, acting_user: Any, branch: OrgUnit | None = None, category: str = "", numbers: list[str] | None = None
) -> tuple[QuerySet[Member], list[str]]:
    """The managed members selected by branch (its subtree) and category, or by student/staff
    numbers; and the numbers that matched nobody the user manages."""
    members = Member.objects.filter(scope_for(acting_user).members_q(manage=True)).select_related("branch")
    missing: list[str] = []
    if numbers:
        wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
        members = members.filter(number__in=wanted)
        found = set(members.values_list("number", flat=True))
        missing = [n for n in wanted if n not in found]
    if branch is not None:
        members = members.filter(branch__path__startswith=branch.path)
    if category:
        members = members.filter(category=category)
    return members.order_by("branch__path", "name", "id"), missing


def batch_create(
    *,
    members: list[Member],
    destination: str,
    reason: str,
    acting_user: Any,
    to_institution: Institution | None = None,
    to_organization: str = "",
) -> BatchTransfer:
    """A batch of ``members`` to one destination; the letters are issued by ``batch_run``."""
    from .tasks import run_batch

    if not reason.strip():
        raise ValidationError({"reason": [_("请填写转接原因。")]})
    if not members:
        raise ValidationError(_("没有选中任何党员。"))
    if len(members) > MAX_PEOPLE:
        raise ValidationError(_("一次最多转接 %(n)s 人，请分批处理。") % {"n": MAX_PEOPLE})
    if destination == BatchTransfer.Destination.PLATFORM:
        if to_institution is None or not to_institution.is_active:
            raise ValidationError({"to_institution": [_("请选择平台上另一所正常运行的学校。")]})
        if to_institution.schema_name == current_institution().schema_name:
            raise ValidationError({"to_institution": [_("请选择平台上另一所正常运行的学校。")]})
    elif not to_organization.strip():
        raise ValidationError({"to_organization": [_("请填写接收党组织的名称。")]})
    scope = scope_for(acting_user)
    outside = [m.name for m in members if not scope.covers_unit(m.branch, manage=True)]
    if outside:
        raise ValidationError(_("您无权转接：%(names)s") % {"names": "、".join(outside[:5])})
    schema = current_institution().schema_name
    with transaction.atomic():
        batch = BatchTransfer.objects.create(
            destination=destination,
            to_institution_id=to_institution.pk if to_institution else None,
            to_institution_name=to_institution.name if to_institution else "",
            to_organization=to_organization.strip()[:100],
            reason=reason.strip()[:200],
            total=len(members),
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        BatchItem.objects.bulk_create([BatchItem(batch=batch, member=m) for m in members])
        publish_after_commit(run_batch, schema, str(batch.pk))  # batches_resume relays a dropped one
    return batch


def batch_run(*, batch: BatchTransfer) -> BatchTransfer:
    """Issue the letters of every pending item, a chunk per transaction (resumable)."""
    BatchTransfer.objects.filter(pk=batch.pk, status=BatchTransfer.Status.QUEUED).update(
        status=BatchTransfer.Status.RUNNING
    )
    to_institution = Institution.objects.filter(pk=batch.to_institution_id).first() if batch.to_institution_id else None
    actor = batch.created_by
    while True:
        with transaction.atomic():
            locked = BatchTransfer.objects.select_for_update().get(pk=batch.pk)
            items = list(
                BatchItem.objects.select_related("member__branch")
                .filter(batch=locked, result=BatchItem.Result.PENDING)
                .order_by("id")[:CHUNK]
            )
            if not items:
                break
            _run_chunk(locked, items, to_institution=to_institution, actor=actor)
    BatchTransfer.objects.filter(pk=batch.pk).update(status=BatchTransfer.Status.DONE, finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


def _run_chunk(batch: BatchTransfer, items: list[BatchItem], *, to_institution: Institution | None, actor: Any) -> None:
    members = [item.member for item in items]
    open_ids = issuing.open_letter_member_ids([m.pk for m in members])
    errors: dict[int, str] = {}
    for member in members:
        problem = issuing.issue_problem(member, open_member_ids=open_ids)
        if problem:
            errors[member.pk] = problem
    if batch.destination == BatchTransfer.Destination.PLATFORM and (
        to_institution is None or not to_institution.is_active
    ):
        errors = {m.pk: _("接收学校已不在平台上或已暂停。") for m in members}
    fine = [m for m in members if m.pk not in errors]
    transfers = []
    if fine:
        if batch.destination == BatchTransfer.Destination.PLATFORM:
            assert to_institution is not None
            transfers = issuing.issue_platform_letters(
                members=fine, to_institution=to_institution, reason=batch.reason, acting_user=actor, batch=batch
            )
        else:
            transfers = issuing.issue_external_letters(
                members=fine, to_organization=batch.to_organization, reason=batch.reason, acting_user=actor, batch=batch
            )
    # Set-based: the issued ones in one UPDATE (their letter found by member), the refused ones
    # in one UPDATE per distinct message (a handful).
    if transfers:
        letter = Transfer.objects.filter(batch=batch, member_id=OuterRef("member_id")).order_by("-pk")
        BatchItem.objects.filter(pk__in=[i.pk for i in items if i.member_id not in errors]).update(
            result=BatchItem.Result.OK,
            transfer_id=Subquery(letter.values("pk")[:1]),
            message=Subquery(letter.values("number")[:1]),
        )
    by_message: dict[str, list[int]] = {}
    for item in items:
        if item.member_id in errors:
            by_message.setdefault(errors[item.member_id][:200], []).append(item.pk)
    for message, pks in by_message.items():
        BatchItem.objects.filter(pk__in=pks).update(result=BatchItem.Result.ERROR, message=message)
    BatchTransfer.objects.filter(pk=batch.pk).update(
        processed=F("processed") + len(items),
        ok_count=F("ok_count") + len(transfers),
        error_count=F("error_count") + len(errors),
    )


def batches_stalled(*, older_than: timedelta) -> list[BatchTransfer]:
    """Batches not finished although queued more than ``older_than`` ago: their message was lost
    or their worker died (a run resumes where the last one stopped)."""
    cutoff = timezone.now() - older_than
    return list(
        BatchTransfer.objects.filter(
            status__in=[BatchTransfer.Status.QUEUED, BatchTransfer.Status.RUNNING], created_at__lt=cutoff
        ).order_by("created_at")[:100]
    )


def batch_revive(*, batch_id: str, reason: str) -> int:
    """Undo ``batch_abandon`` for an operator's retry: the people it gave up are pending again."""
    with transaction.atomic():
        batch = BatchTransfer.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            return 0
        count = BatchItem.objects.filter(batch=batch, result=BatchItem.Result.ERROR, message=reason[:200]).update(
            result=BatchItem.Result.PENDING, message=""
        )
        if count:
            BatchTransfer.objects.filter(pk=batch.pk).update(
                status=BatchTransfer.Status.RUNNING,
                processed=F("processed") - count,
                error_count=F("error_count") - count,
                finished_at=None,
            )
    return count


def batch_abandon(*, batch_id: str, reason: str) -> int:
    """Give up a batch whose runs kept being interrupted: its pending people get ``reason`` as
    their error and the batch ends. Returns how many people it concerned."""
    with transaction.atomic():
        batch = BatchTransfer.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status == BatchTransfer.Status.DONE:
            return 0
        pending = BatchItem.objects.filter(batch=batch, result=BatchItem.Result.PENDING)
        count = pending.update(result=BatchItem.Result.ERROR, message=reason[:200])
        BatchTransfer.objects.filter(pk=batch.pk).update(
            status=BatchTransfer.Status.DONE,
            processed=F("processed") + count,
            error_count=F("error_count") + count,
            finished_at=timezone.now(),
        )
    return count
