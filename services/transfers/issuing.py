"""Issuing letters, for one person (services.py) or a chunk of a batch (batches.py): set-based,
a handful of queries whatever the number of people. Callers validate the people first
(``issue_problem``) and call these inside their transaction."""

from __future__ import annotations

import io
import uuid
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from services.audit.services import audit_record_many
from services.members.accounts import member_accounts_close
from services.members.models import Member, MemberChange
from services.rules.display import recorded_explanation
from services.rules.resolver import RuleValue
from services.search.outbox import index_later_many
from services.storage.backends import get_storage
from services.transfer_exchange.models import ExchangeLetter
from tenants.models import Institution

from . import audit_events
from .common import MAY_LEAVE, current_institution, history_row, next_numbers, validity
from .letters import letter_pdf
from .models import BatchTransfer, IncomingLetter, Transfer


def issue_problem(member: Member, *, open_member_ids: set[int]) -> str:
    """Why a letter cannot be issued for ``member`` (Chinese), or "" when it can."""
    if member.status not in MAY_LEAVE:
        return _("当前党籍状态为“%(status)s”，不能转出。") % {"status": member.get_status_display()}
    if member.pk in open_member_ids:
        return _("已有一封待对方接收的介绍信，请等待处理或先撤回。")
    return ""


def open_letter_member_ids(member_ids: list[int]) -> set[int]:
    return set(
        Transfer.objects.filter(
            member_id__in=member_ids, status__in=[Transfer.Status.PENDING, Transfer.Status.ACCEPTED]
        ).values_list("member_id", flat=True)
    )


def _new_letters(
    members: list[Member],
    *,
    institution: Institution,
    reason: str,
    acting_user: Any,
    batch: BatchTransfer | None,
    today: date,
    **kind_fields: Any,
) -> tuple[list[Transfer], date, RuleValue]:
    """One unsaved letter per member, numbered in order, with the fields of its kind; the last
    day they are valid and the rule's value that says so (in force on ``today``)."""
    valid_until, rule_value = validity(today)
    numbers = next_numbers(code=institution.code, year=today.year, count=len(members))
    letters = [
        Transfer(
            member=member,
            from_branch=member.branch,
            number=number,
            reason=reason,
            issued_on=today,
            valid_until=valid_until,
            validity_rule=recorded_explanation(rule_value)[:300],
            batch=batch,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
            **kind_fields,
        )
        for member, number in zip(members, numbers, strict=True)
    ]
    return letters, valid_until, rule_value


def issue_platform_letters(
    *,
    members: list[Member],
    to_institution: Institution,
    reason: str,
    acting_user: Any,
    batch: BatchTransfer | None = None,
    today: date | None = None,
) -> list[Transfer]:
    """Letters to another institution on the platform: a Transfer here (pending), the public
    envelope (what the receiver may see before accepting) and the receiver's inbox entry."""
    today = today or timezone.localdate()
    institution = current_institution()
    letters, valid_until, _rule_value = _new_letters(
        members,
        institution=institution,
        reason=reason,
        acting_user=acting_user,
        batch=batch,
        today=today,
        kind=Transfer.Kind.PLATFORM,
        status=Transfer.Status.PENDING,
        to_institution_id=to_institution.pk,
        to_institution_name=to_institution.name,
    )
    for letter in letters:
        letter.letter_id = uuid.uuid4()
    transfers = Transfer.objects.bulk_create(letters)
    _send_envelopes(
        transfers, institution=institution, to_institution=to_institution, batch=batch, valid_until=valid_until
    )
    MemberChange.objects.bulk_create(
        [
            history_row(
                member=t.member,
                acting_user=acting_user,
                reason=reason,
                changes={"letter": [None, f"{t.number} → {to_institution.name}"]},
            )
            for t in transfers
        ]
    )
    audit_record_many(
        event=audit_events.LETTER_SENT,
        acting_user=acting_user,
        targets=[("members.member", t.member_id) for t in transfers],
        detail={"action": "transfer.letter_sent", "to": to_institution.code},
        per_target={t.member_id: {"letter": t.number} for t in transfers},
    )
    return transfers


def _send_envelopes(
    transfers: list[Transfer],
    *,
    institution: Institution,
    to_institution: Institution,
    batch: BatchTransfer | None,
    valid_until: date,
) -> None:
    """The public envelopes of platform letters and the receiver's inbox entries, written in its
    schema inside this same transaction."""
    ExchangeLetter.objects.bulk_create(
        [
            ExchangeLetter(
                id=transfer.letter_id,
                number=transfer.number,
                from_institution=institution,
                to_institution=to_institution,
                from_institution_name=institution.name,
                from_branch_name=transfer.from_branch.name,
                to_institution_name=to_institution.name,
                person_name=transfer.member.name,
                issued_on=transfer.issued_on,
                valid_until=valid_until,
                batch_id=batch.pk if batch else None,
            )
            for transfer in transfers
        ]
    )
    with schema_context(to_institution.schema_name):
        IncomingLetter.objects.bulk_create([IncomingLetter(letter_id=t.letter_id) for t in transfers if t.letter_id])


def issue_external_letters(
    *,
    members: list[Member],
    to_organization: str,
    reason: str,
    acting_user: Any,
    batch: BatchTransfer | None = None,
    today: date | None = None,
) -> list[Transfer]:
    """Introduction letters out of the platform: the PDF through the storage interface and the
    member transferred out at once (docs/transfers.md says why not at the stub's return)."""
    today = today or timezone.localdate()
    institution = current_institution()
    transfers, _valid_until, rule_value = _new_letters(
        members,
        institution=institution,
        reason=reason,
        acting_user=acting_user,
        batch=batch,
        today=today,
        kind=Transfer.Kind.EXTERNAL,
        status=Transfer.Status.ISSUED,
        to_organization=to_organization,
    )
    storage = get_storage()
    for transfer in transfers:
        transfer.pdf_key = f"{institution.schema_name}/transfers/letters/{transfer.number}.pdf"
        # A rollback after this leaves a file nobody points to; the number is taken again by
        # the next letter and the file overwritten, so nothing stale is ever served.
        content = letter_pdf(
            transfer=transfer,
            member=transfer.member,
            institution_name=institution.name,
            validity_days=rule_value.number,
        )
        storage.save(transfer.pdf_key, io.BytesIO(content))
    Transfer.objects.bulk_create(transfers)
    _transfer_out(
        members, transfers, to_organization=to_organization, reason=reason, acting_user=acting_user, today=today
    )
    return transfers


def _transfer_out(
    members: list[Member],
    transfers: list[Transfer],
    *,
    to_organization: str,
    reason: str,
    acting_user: Any,
    today: date,
) -> None:
    """The members of external letters are transferred out now: status (for those who may still
    leave), search, history and audit rows, and the objects in hand."""
    before = {m.pk: m.status for m in members}
    Member.objects.filter(Q(pk__in=list(before)), status__in=MAY_LEAVE).update(
        status=Member.Status.TRANSFERRED_OUT, updated_at=timezone.now()
    )
    index_later_many(kind="member", object_ids=list(before))
    member_accounts_close(member_ids=list(before), reason=Member.Status.TRANSFERRED_OUT, acting_user=acting_user)
    MemberChange.objects.bulk_create(
        [
            history_row(
                member=t.member,
                acting_user=acting_user,
                reason=reason,
                changes={
                    "status": [before[t.member_id], Member.Status.TRANSFERRED_OUT],
                    "effective_on": [None, today.isoformat()],
                    "letter": [None, f"{t.number} → {to_organization}"],
                },
            )
            for t in transfers
        ]
    )
    audit_record_many(
        event=audit_events.LETTER_ISSUED,
        acting_user=acting_user,
        targets=[("members.member", t.member_id) for t in transfers],
        detail={"action": "transfer.letter_issued", "to": to_organization},
        after={"status": Member.Status.TRANSFERRED_OUT, "on": today.isoformat()},
        per_target={t.member_id: {"letter": t.number} for t in transfers},
    )
    for member in members:
        member.status = Member.Status.TRANSFERRED_OUT
