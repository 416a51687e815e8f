"""Every write of transfers (docs/domain.md#transfers): one audited transaction each.

- ``transfer_internal``: branch → branch inside the institution.
- ``transfer_letter_send`` / ``transfer_letter_cancel``: a letter to another institution on the
  platform; ``incoming_accept`` / ``incoming_reject``: the receiver's decision. The record moves
  only on acceptance, in the worker (moves.py).
- ``transfer_letter_issue`` / ``transfer_stub_return`` / ``transfer_letter_open``: an introduction
  letter out of the platform (PDF, validity from ``transfer.letter_validity_days``), its receipt
  stub and its audited download.
"""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from services.audit.services import audit_record, audit_record_many
from services.kernel.actions import for_another_institution
from services.members import audit_events as member_events
from services.members.models import Member
from services.members.status import is_off_roll
from services.organization.models import OrgUnit
from services.organization.scope import scope_for
from services.search.outbox import index_later
from services.storage.backends import get_storage
from services.transfer_exchange.models import ExchangeLetter
from tenants.models import Institution
from tenants.queueing import publish_after_commit

from . import audit_events, issuing
from .common import current_institution, history_row, require_manage
from .models import IncomingLetter, Transfer

MOVE_CHUNK = 100


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写转接原因。")]})
    return reason.strip()[:200]


def transfer_internal(*, member: Member, to_branch: OrgUnit, reason: str, acting_user: Any) -> Transfer:
    """Move a member to another branch of this institution. The acting user must manage the
    source branch; the destination must be an open branch."""
    reason = _reason(reason)
    require_manage(acting_user=acting_user, unit=member.branch)
    if to_branch.kind != OrgUnit.Kind.BRANCH or to_branch.closed_on is not None:
        raise ValidationError({"to_branch": [_("请选择一个未撤销的党支部。")]})
    with transaction.atomic():
        locked = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
        if is_off_roll(locked.status):
            raise ValidationError(_("该党员当前状态为“%(s)s”，不能转接。") % {"s": locked.get_status_display()})
        if locked.branch_id == to_branch.pk:
            raise ValidationError({"to_branch": [_("该党员已在这个支部。")]})
        source = locked.branch
        locked.branch = to_branch
        locked.save(update_fields=["branch", "updated_at"])
        index_later(kind="member", object_id=locked.pk)
        transfer = Transfer.objects.create(
            member=locked,
            kind=Transfer.Kind.INTERNAL,
            status=Transfer.Status.COMPLETED,
            from_branch=source,
            to_branch=to_branch,
            reason=reason,
            issued_on=timezone.localdate(),
            completed_at=timezone.now(),
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        history_row(
            member=locked, acting_user=acting_user, reason=reason, changes={"branch": [source.name, to_branch.name]}
        ).save()
        audit_record(
            event=audit_events.INTERNAL,
            actor=acting_user,
            target=locked,
            before={"branch": source.name},
            after={"branch": to_branch.name},
            detail={"action": "transfer.internal", "reason": reason},
        )
    return transfer


def transfer_letter_send(
    *,
    member: Member,
    to_institution: Institution,
    reason: str,
    acting_user: Any,
) -> Transfer:
    """An outgoing letter to another institution on the platform. The receiver sees only the
    envelope (number, name, from institution and branch, date, validity) until it accepts."""
    reason = _reason(reason)
    require_manage(acting_user=acting_user, unit=member.branch)
    if not to_institution.is_active or to_institution.schema_name == current_institution().schema_name:
        raise ValidationError({"to_institution": [_("请选择平台上另一所正常运行的学校。")]})
    with transaction.atomic():
        locked = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
        problem = issuing.issue_problem(locked, open_member_ids=issuing.open_letter_member_ids([locked.pk]))
        if problem:
            raise ValidationError(problem)
        (transfer,) = issuing.issue_platform_letters(
            members=[locked], to_institution=to_institution, reason=reason, acting_user=acting_user
        )
    return transfer


def transfer_letter_cancel(*, transfer: Transfer, acting_user: Any) -> Transfer:
    """Withdraw a platform letter the receiver has not decided on yet."""
    require_manage(acting_user=acting_user, unit=transfer.from_branch)
    with transaction.atomic():
        letter = (
            ExchangeLetter.objects.select_for_update().filter(pk=transfer.letter_id).first()
            if transfer.letter_id
            else None
        )
        if letter is None or letter.status != ExchangeLetter.Status.PENDING:
            raise ValidationError(_("这封介绍信已被对方处理，不能撤回。"))
        letter.status = ExchangeLetter.Status.CANCELLED
        letter.save(update_fields=["status"])
        Transfer.objects.filter(pk=transfer.pk).update(status=Transfer.Status.CANCELLED)
        transfer.status = Transfer.Status.CANCELLED
        audit_record(
            event=audit_events.LETTER_CANCELLED,
            actor=acting_user,
            target=transfer.member,
            detail={"action": "transfer.letter_cancelled", "letter": transfer.number},
        )
    return transfer


def _letters_for(incoming: list[IncomingLetter]) -> list[ExchangeLetter]:
    institution = current_institution()
    letters = list(
        ExchangeLetter.objects.select_for_update(of=("self",))
        .select_related("from_institution")
        .filter(pk__in=[i.letter_id for i in incoming], to_institution=institution)
        .order_by("pk")
    )
    return letters


def incoming_accept(
    *,
    incoming: list[IncomingLetter],
    target_branch: OrgUnit,
    acting_user: Any,
    today: date | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Accept letters into ``target_branch`` (the acting user must manage it). Returns the letter
    ids queued for the move and, per letter number, why one was not accepted (expired, decided
    already, the national ID already has a record here). The move itself runs on the worker."""
    from .tasks import move_letters

    require_manage(acting_user=acting_user, unit=target_branch)
    if target_branch.kind != OrgUnit.Kind.BRANCH or target_branch.closed_on is not None:
        raise ValidationError({"target_branch": [_("请选择一个未撤销的党支部。")]})
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    with transaction.atomic():
        candidates = _still_open(_letters_for(incoming), today=today, problems=problems)
        by_sender: dict[str, list[ExchangeLetter]] = {}
        for letter in candidates:
            if letter.from_institution is not None:
                by_sender.setdefault(letter.from_institution.schema_name, []).append(letter)
        accepted = _not_here_yet(candidates, by_sender=by_sender, problems=problems)
        _mark_accepted(accepted, by_sender=by_sender, target_branch=target_branch, acting_user=acting_user)
        ids = [str(letter.pk) for letter in accepted]
        for start in range(0, len(ids), MOVE_CHUNK):
            chunk = ids[start : start + MOVE_CHUNK]
            publish_after_commit(move_letters, chunk)  # resume_stalled_moves relays a dropped one
    return ids, problems


def _still_open(letters: list[ExchangeLetter], *, today: date, problems: dict[str, str]) -> list[ExchangeLetter]:
    """The letters still pending and valid on ``today``; why each other is not, in ``problems``."""
    candidates = []
    for letter in letters:
        if letter.status != ExchangeLetter.Status.PENDING:
            problems[letter.number] = _("这封介绍信已处理（%(s)s）。") % {"s": letter.get_status_display()}
        elif letter.valid_until < today:
            problems[letter.number] = _("介绍信已过有效期（至 %(d)s），请联系转出学校重新开具。") % {
                "d": letter.valid_until.isoformat()
            }
        else:
            candidates.append(letter)
    return candidates


def _not_here_yet(
    candidates: list[ExchangeLetter], *, by_sender: dict[str, list[ExchangeLetter]], problems: dict[str, str]
) -> list[ExchangeLetter]:
    """Early answer for a record that already exists here: compare the sender's blind index (a
    keyed hash, nothing readable) with ours; such a letter keeps the reason. The move checks
    again under its lock."""
    index_of: dict[Any, str] = {}
    for schema, group in by_sender.items():
        with schema_context(schema):
            index_of.update(
                Transfer.objects.filter(letter_id__in=[g.pk for g in group]).values_list(
                    "letter_id", "member__national_id_index"
                )
            )
    present = set(
        Member.objects.filter(national_id_index__in=list(index_of.values())).values_list("national_id_index", flat=True)
    )
    accepted = []
    for letter in candidates:
        if index_of.get(letter.pk) in present:
            problems[letter.number] = _("本校已有该身份证号的党员档案，不能重复接收。")
            ExchangeLetter.objects.filter(pk=letter.pk).update(error=problems[letter.number])
            continue
        accepted.append(letter)
    return accepted


def _mark_accepted(
    accepted: list[ExchangeLetter],
    *,
    by_sender: dict[str, list[ExchangeLetter]],
    target_branch: OrgUnit,
    acting_user: Any,
) -> None:
    """The envelopes accepted into ``target_branch``, the senders' transfers with them, audited."""
    ExchangeLetter.objects.filter(pk__in=[letter.pk for letter in accepted]).update(
        status=ExchangeLetter.Status.ACCEPTED,
        target_branch_id=target_branch.pk,
        target_branch_name=target_branch.name,
        decided_by=getattr(acting_user, "username", ""),
        decided_at=timezone.now(),
        error="",
    )
    accepted_ids = {letter.pk for letter in accepted}
    for schema, group in by_sender.items():
        with schema_context(schema):
            Transfer.objects.filter(letter_id__in=[g.pk for g in group if g.pk in accepted_ids]).update(
                status=Transfer.Status.ACCEPTED
            )
    audit_record_many(
        event=audit_events.LETTER_ACCEPTED,
        acting_user=acting_user,
        targets=[("transfer_exchange.exchangeletter", letter.pk) for letter in accepted],
        detail={"action": "transfer.letter_accepted", "branch": target_branch.name},
        per_target={letter.pk: {"letter": letter.number} for letter in accepted},
    )


def incoming_reject(*, incoming: IncomingLetter, reason: str, acting_user: Any) -> ExchangeLetter:
    """Send a letter back with a reason; the sender's record stays as it was."""
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写退回原因。")]})
    if not scope_for(acting_user).is_manager:
        raise PermissionDenied(_("只有管理党组织的人员才能处理转入介绍信。"))
    with transaction.atomic():
        letters = _letters_for([incoming])
        if not letters or letters[0].status != ExchangeLetter.Status.PENDING:
            raise ValidationError(_("这封介绍信已处理，不能退回。"))
        letter = letters[0]
        letter.status = ExchangeLetter.Status.REJECTED
        letter.reject_reason = reason.strip()[:200]
        letter.decided_by = getattr(acting_user, "username", "")
        letter.decided_at = timezone.now()
        letter.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
        audit_record(
            event=audit_events.LETTER_REJECTED,
            actor=acting_user,
            target=letter,
            detail={"action": "transfer.letter_rejected", "letter": letter.number, "reason": letter.reject_reason},
        )
        receiver_code = current_institution().code
        if letter.from_institution is not None:
            with schema_context(letter.from_institution.schema_name), for_another_institution():
                transfer = Transfer.objects.select_related("member").get(letter_id=letter.pk)
                Transfer.objects.filter(pk=transfer.pk).update(
                    status=Transfer.Status.REJECTED, error=letter.reject_reason
                )
                audit_record(
                    event=audit_events.LETTER_REJECTED,
                    actor_username=f"{receiver_code}:{letter.decided_by}",
                    target=transfer.member,
                    detail={
                        "action": "transfer.letter_rejected",
                        "letter": letter.number,
                        "reason": letter.reject_reason,
                    },
                )
    return letter


def transfer_letter_issue(*, member: Member, to_organization: str, reason: str, acting_user: Any) -> Transfer:
    """An introduction letter out of the platform (PDF); the member is transferred out now."""
    reason = _reason(reason)
    if not to_organization.strip():
        raise ValidationError({"to_organization": [_("请填写接收党组织的名称。")]})
    require_manage(acting_user=acting_user, unit=member.branch)
    with transaction.atomic():
        locked = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
        problem = issuing.issue_problem(locked, open_member_ids=issuing.open_letter_member_ids([locked.pk]))
        if problem:
            raise ValidationError(problem)
        (transfer,) = issuing.issue_external_letters(
            members=[locked],
            to_organization=to_organization.strip()[:100],
            reason=reason,
            acting_user=acting_user,
        )
    return transfer


def transfer_stub_return(
    *,
    transfer: Transfer,
    returned_on: date,
    receiving_org: str,
    acting_user: Any,
) -> Transfer:
    """Record the receipt stub (回执) sent back by the receiving organization."""
    require_manage(acting_user=acting_user, unit=transfer.from_branch)
    if transfer.kind != Transfer.Kind.EXTERNAL:
        raise ValidationError(_("只有平台外介绍信有回执。"))
    if not receiving_org.strip():
        raise ValidationError({"receiving_org": [_("请填写接收党组织。")]})
    if returned_on < transfer.issued_on or returned_on > timezone.localdate():
        raise ValidationError({"returned_on": [_("回执日期应在开具日期与今天之间。")]})
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        locked.status = Transfer.Status.STUB_RETURNED
        locked.stub_returned_on = returned_on
        locked.stub_receiving_org = receiving_org.strip()[:100]
        locked.completed_at = timezone.now()
        locked.save(update_fields=["status", "stub_returned_on", "stub_receiving_org", "completed_at"])
        audit_record(
            event=audit_events.STUB_RETURNED,
            actor=acting_user,
            target=locked.member,
            detail={
                "action": "transfer.stub_returned",
                "letter": locked.number,
                "on": returned_on.isoformat(),
                "by": locked.stub_receiving_org,
            },
        )
    return locked


def transfer_letter_open(*, transfer: Transfer, acting_user: Any) -> IO[bytes]:
    """The letter's PDF (it carries the full ID number): managers of the branch only, audited."""
    require_manage(acting_user=acting_user, unit=transfer.from_branch)
    if not transfer.pdf_key:
        raise ValidationError(_("这项转接没有介绍信文件。"))
    handle = get_storage().open(transfer.pdf_key)
    audit_record(
        event=member_events.SENSITIVE_REVEALED,
        actor=acting_user,
        target=transfer.member,
        detail={"action": "transfer.letter_downloaded", "letter": transfer.number, "field": "national_id"},
    )
    return handle
