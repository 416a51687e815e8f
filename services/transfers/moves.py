"""Moving accepted records from the sending institution's schema to the receiver's.

One PostgreSQL transaction per chunk of letters reads the sender's schema and writes the
receiver's (both schemas live in the same database; the search path is switched inside the
transaction, each statement touching one schema). The receiver's ``TransferArrival`` row, unique
per letter, is the idempotency key: a re-run finds it and only finishes what is missing, and a
worker that dies midway leaves nothing behind (the transaction never committed), so running
the job again after a crash moves each person exactly once.

What moves: the record's fields (national ID and phone stay encrypted at rest: the encryption
keys and the blind-index key are deployment-wide, services/crypto.py), rewards and punishments,
time abroad, hardship and family rows, and the development dossier (发展档案) with its steps and
stored documents, so that the receiving branch can confirm a probationary member with the same
guard states (dossier_copy.py lists each field's fate: stage, dates, template and review states
kept; branch and member the new ones; login account, student number, the sender's vote ids,
local steps and user references cleared; actor names kept in the step notes; contact persons
and sponsors, the sender's members, not copied but named in the new record's history; files
copied to the receiver's storage prefix before the commit).
Everything is written in the same transaction as the ``TransferArrival`` row, only for the letters
not yet arrived. What stays: the sender's history, positions (they are held in the sender's
units), the sender's dossier and the sender's record itself, now "transferred out". Accounts do
not move: the sender's is disabled with its sessions and tokens (members/accounts.py
``member_accounts_close``), the receiver makes a fresh one for the person to activate.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from services.audit.services import audit_record_many
from services.development.models import Dossier
from services.members.accounts import member_accounts_close, member_accounts_ensure
from services.members.models import FamilyMember, Hardship, Member, MemberChange, RewardPunishment, TimeAbroad
from services.members.record import CARRIED
from services.members.validation import DATE_FIELDS, record_date_errors
from services.organization.models import OrgUnit
from services.search.outbox import index_later_many
from services.transfer_exchange.models import ExchangeLetter
from tenants.models import Institution
from tenants.pauses import pause_if_asked

from . import audit_events
from .common import MAY_LEAVE, history_row
from .dossier_copy import Arriving, copy_dossiers, read_dossiers
from .models import Transfer, TransferArrival

log = logging.getLogger(__name__)

CHUNK = 100
ROW_SETS = (RewardPunishment, TimeAbroad, Hardship, FamilyMember)
RECORD_FIELDS = CARRIED  # the member record's fields a transfer carries (services/members/record.py)
# Tests kill the worker where this pauses, between the read and the commit (tests/transfers).
PAUSE_ENV = "PARTYCLOUD_TEST_TRANSFER_PAUSE"  # "<marker file>:<seconds>", set by tests only


def _chunks(ids: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def move_letters(*, letter_ids: list[str]) -> dict[str, int]:
    """Move every accepted letter of ``letter_ids`` (call in the public schema). A chunk that fails
    as a whole is retried letter by letter, so one bad record never blocks the others."""
    counts = {"moved": 0, "problems": 0}
    for chunk in _chunks(sorted(str(i) for i in letter_ids), CHUNK):
        try:
            result = _move_chunk(chunk)
        except Exception:
            log.exception("moving %s letters failed as a chunk; moving them one by one", len(chunk))
            result = {"moved": 0, "problems": 0}
            for one in chunk:
                try:
                    part = _move_chunk([one])
                except Exception:  # recorded on the letter; the others go on
                    log.exception("moving letter %s failed", one)
                    _record_failure(one)
                    part = {"moved": 0, "problems": 1}
                result = {k: result[k] + part[k] for k in result}
        counts = {k: counts[k] + result[k] for k in counts}
    return counts


def _record_failure(letter_id: str) -> None:
    """Say so on the letter (still accepted: ``resume_stalled_moves`` tries again); the details
    are in the log, not shown to users."""
    message = _("档案转移暂时失败，系统会自动重试；如持续失败，请联系平台运维。")
    ExchangeLetter.objects.filter(pk=letter_id, status=ExchangeLetter.Status.ACCEPTED).update(error=message[:200])


def _move_chunk(letter_ids: list[str]) -> dict[str, int]:
    moved = problems = 0
    with transaction.atomic():
        letters = list(
            ExchangeLetter.objects.select_for_update(of=("self",))
            .select_related("from_institution", "to_institution")
            .filter(pk__in=letter_ids, status=ExchangeLetter.Status.ACCEPTED)
            .order_by("pk")
        )
        pairs: dict[tuple[int, int], list[ExchangeLetter]] = defaultdict(list)
        for letter in letters:
            if letter.from_institution is None or letter.to_institution is None:
                _problem(letter, _("转出或接收学校已不在平台上。"))
                problems += 1
                continue
            pairs[(letter.from_institution.pk, letter.to_institution.pk)].append(letter)
        for group in pairs.values():
            ok, bad = _move_pair(group)
            moved += ok
            problems += bad
    return {"moved": moved, "problems": problems}


def _problem(letter: ExchangeLetter, message: str, *, sender_schema: str | None = None) -> None:
    """The letter goes back to pending with the reason, on both sides: nothing moved."""
    ExchangeLetter.objects.filter(pk=letter.pk).update(status=ExchangeLetter.Status.PENDING, error=message[:200])
    if sender_schema:
        with schema_context(sender_schema):
            Transfer.objects.filter(letter_id=letter.pk).update(status=Transfer.Status.PENDING, error=message[:200])


@dataclass(frozen=True)
class _SenderSide:
    """What the sender's schema holds for one group of letters, read before anything is written."""

    transfers: dict[Any, Transfer]  # by letter id
    rows: dict[type, dict[int, list[Any]]]  # per row set, by the sender's member id
    dossiers: dict[int, Dossier]  # by the sender's member id


def _move_pair(letters: list[ExchangeLetter]) -> tuple[int, int]:
    """Move the letters of one sender → receiver pair in named steps: read the sender's side, write
    the receiver's side (what is missing only), finish the sender's side. Returns the letters
    finished (now or by an earlier run) and those sent back with a problem."""
    sender = letters[0].from_institution
    receiver = letters[0].to_institution
    assert sender is not None and receiver is not None
    by_id = {letter.pk: letter for letter in letters}

    # 1. Read the sender's side.
    side = _read_sender(schema=sender.schema_name, letter_ids=list(by_id))

    pause_if_asked(PAUSE_ENV)

    # 2. Write the receiver's side (what is missing only).
    with schema_context(receiver.schema_name):
        arrived = {a.letter_id: a for a in TransferArrival.objects.filter(letter_id__in=list(by_id))}
        todo, branches, problems = _receivable(
            [by_id[i] for i in by_id if i not in arrived], side.transfers, sender_schema=sender.schema_name
        )
        _write_arrivals(todo, side=side, branches=branches, sender=sender)

    # 3. Finish the sender's side, for the people moved now and any an earlier run moved.
    finished = [*todo, *(by_id[i] for i in arrived)]
    now = timezone.now()
    with schema_context(sender.schema_name):
        leaving = [side.transfers[letter.pk] for letter in finished if letter.pk in side.transfers]
        _finish_sender(leaving, receiver_code=receiver.code, now=now)
    ExchangeLetter.objects.filter(pk__in=[letter.pk for letter in finished]).update(
        status=ExchangeLetter.Status.COMPLETED, completed_at=now, error=""
    )
    return len(finished), problems


def _read_sender(*, schema: str, letter_ids: list[Any]) -> _SenderSide:
    """The sender's transfers of ``letter_ids``, its members' row sets and dossiers."""
    with schema_context(schema):
        transfers = {
            t.letter_id: t
            for t in Transfer.objects.select_related("member", "from_branch").filter(letter_id__in=letter_ids)
        }
        member_ids = [t.member_id for t in transfers.values()]
        rows: dict[type, dict[int, list[Any]]] = {}
        for model in ROW_SETS:
            grouped: dict[int, list[Any]] = defaultdict(list)
            for row in model._default_manager.filter(member_id__in=member_ids).order_by("pk"):
                grouped[row.member_id].append(row)
            rows[model] = grouped
        dossiers = read_dossiers(member_ids)
    return _SenderSide(transfers=transfers, rows=rows, dossiers=dossiers)


def _receivable(
    letters: list[ExchangeLetter], transfers: dict[Any, Transfer], *, sender_schema: str
) -> tuple[list[ExchangeLetter], dict[Any, OrgUnit], int]:
    """The letters whose record may arrive now, their target branches by id, and how many were
    sent back instead (``_problem``: the reason on both sides). In the receiver's schema."""
    todo = list(letters)
    problems = _drop_unknown_or_staying(todo, transfers, sender_schema=sender_schema)
    problems += _drop_already_here(todo, transfers, sender_schema=sender_schema)
    problems += _drop_wrong_dates(todo, transfers, sender_schema=sender_schema)
    branches = OrgUnit.objects.in_bulk([letter.target_branch_id for letter in todo])
    for letter in list(todo):
        if letter.target_branch_id not in branches:
            todo.remove(letter)
            _problem(letter, _("接收支部已不存在，请重新选择。"), sender_schema=sender_schema)
            problems += 1
    return todo, branches, problems


def _drop_unknown_or_staying(todo: list[ExchangeLetter], transfers: dict[Any, Transfer], *, sender_schema: str) -> int:
    """Letters the sender has no transfer for, or whose member may not leave (any more)."""
    problems = 0
    for letter in list(todo):
        transfer = transfers.get(letter.pk)
        if transfer is None:
            todo.remove(letter)
            _problem(letter, _("转出学校没有这封介绍信的记录。"))
            problems += 1
        elif transfer.member.status not in MAY_LEAVE:
            todo.remove(letter)
            _problem(
                letter,
                _("转出学校的档案状态为“%(status)s”，不能转出。") % {"status": transfer.member.get_status_display()},
                sender_schema=sender_schema,
            )
            problems += 1
    return problems


def _drop_already_here(todo: list[ExchangeLetter], transfers: dict[Any, Transfer], *, sender_schema: str) -> int:
    """Letters whose national ID already has a record here (by the blind index)."""
    problems = 0
    indexes = {transfers[letter.pk].member.national_id_index: letter for letter in todo}
    for index in Member.objects.filter(national_id_index__in=list(indexes)).values_list("national_id_index", flat=True):
        letter = indexes[index]
        todo.remove(letter)
        _problem(letter, _("本校已有该身份证号的党员档案，不能重复接收。"), sender_schema=sender_schema)
        problems += 1
    return problems


def _drop_wrong_dates(todo: list[ExchangeLetter], transfers: dict[Any, Transfer], *, sender_schema: str) -> int:
    """The record arrives through the same rules as any other way in (members/validation.py):
    the sender corrects a record that breaks them before it can be received."""
    problems = 0
    for letter in list(todo):
        old = transfers[letter.pk].member
        wrong = record_date_errors({name: getattr(old, name) for name in (*DATE_FIELDS, "status")})
        if wrong:
            todo.remove(letter)
            details = "；".join(message for messages in wrong.values() for message in messages)
            _problem(
                letter,
                _("转出学校的档案日期有误（%(details)s），请转出学校在档案中更正后再接收。") % {"details": details},
                sender_schema=sender_schema,
            )
            problems += 1
    return problems


def _write_arrivals(
    todo: list[ExchangeLetter], *, side: _SenderSide, branches: dict[Any, OrgUnit], sender: Institution
) -> None:
    """The receiver's side of ``todo``: the new records with their arrival rows, row sets,
    dossiers, history and audit rows. In the receiver's schema."""
    new_by_letter = _new_members(todo, transfers=side.transfers, branches=branches)
    for model in ROW_SETS:
        copies = []
        for letter in todo:
            for row in side.rows[model].get(side.transfers[letter.pk].member_id, []):
                copy = model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields})
                copy.pk = None
                copy.member_id = new_by_letter[letter.pk].pk  # type: ignore[attr-defined]
                copies.append(copy)
        model._default_manager.bulk_create(copies)  # type: ignore[arg-type]  # copies are all of ``model``
    copy_dossiers(
        arriving=[
            Arriving(side.dossiers[member_id], new_by_letter[letter.pk], branches[letter.target_branch_id])
            for letter in todo
            if (member_id := side.transfers[letter.pk].member_id) in side.dossiers
        ],
        from_institution_name=sender.name,
        from_code=sender.code,
    )
    # A fresh account to activate: the sender's account stays there, disabled (_finish_sender).
    member_accounts_ensure(members=list(new_by_letter.values()), acting_user=None)
    MemberChange.objects.bulk_create(
        [
            history_row(
                member=new_by_letter[letter.pk],
                acting_user=None,
                reason=_("自%(inst)s转入（%(number)s）")
                % {"inst": letter.from_institution_name, "number": letter.number},
                changes={"branch": [None, letter.target_branch_name], "letter": [None, letter.number]},
            )
            for letter in todo
        ]
    )
    audit_record_many(
        event=audit_events.ARRIVED,
        acting_user=None,
        targets=[("members.member", new_by_letter[letter.pk].pk) for letter in todo],
        detail={
            "action": "transfer.arrived",
            "from": sender.code,
            "accepted_by": todo[0].decided_by if todo else "",
        },
        per_target={new_by_letter[letter.pk].pk: {"letter": letter.number} for letter in todo},
    )


def _new_members(
    todo: list[ExchangeLetter], *, transfers: dict[Any, Transfer], branches: dict[Any, OrgUnit]
) -> dict[Any, Member]:
    """The new records (queued for the search index) and their ``TransferArrival`` rows, the
    idempotency keys; returns the new record by letter id."""
    new_members = []
    for letter in todo:
        old = transfers[letter.pk].member
        fields = {name: getattr(old, name) for name in RECORD_FIELDS}
        status = Member.Status.PROBATIONARY if old.status == Member.Status.PROBATIONARY else Member.Status.NORMAL
        new_members.append(Member(**fields, status=status, branch=branches[letter.target_branch_id]))
    Member.objects.bulk_create(new_members)
    index_later_many(kind="member", object_ids=[m.pk for m in new_members])
    new_by_letter = {letter.pk: member for letter, member in zip(todo, new_members, strict=True)}
    TransferArrival.objects.bulk_create(
        [
            TransferArrival(
                letter_id=letter.pk,
                letter_number=letter.number,
                member=new_by_letter[letter.pk],
                from_institution_name=letter.from_institution_name,
                from_branch_name=letter.from_branch_name,
            )
            for letter in todo
        ]
    )
    return new_by_letter


def _finish_sender(leaving: list[Transfer], *, receiver_code: str, now: datetime) -> None:
    """The sender's side of the letters finished: the people still in become transferred out
    (history, audit, search), and the transfers are completed. In the sender's schema."""
    still_in = [t for t in leaving if t.member.status != Member.Status.TRANSFERRED_OUT]
    Member.objects.filter(pk__in=[t.member_id for t in still_in]).update(
        status=Member.Status.TRANSFERRED_OUT, updated_at=now
    )
    index_later_many(kind="member", object_ids=[t.member_id for t in still_in])
    member_accounts_close(
        member_ids=[t.member_id for t in still_in], reason=Member.Status.TRANSFERRED_OUT, acting_user=None
    )
    MemberChange.objects.bulk_create(
        [
            history_row(
                member=t.member,
                acting_user=None,
                reason=_("转往%(inst)s（%(number)s）") % {"inst": t.to_institution_name, "number": t.number},
                changes={
                    "status": [t.member.status, Member.Status.TRANSFERRED_OUT],
                    "effective_on": [None, timezone.localdate().isoformat()],
                    "letter": [None, t.number],
                },
            )
            for t in still_in
        ]
    )
    audit_record_many(
        event=audit_events.MOVED_OUT,
        acting_user=None,
        targets=[("members.member", t.member_id) for t in still_in],
        detail={"action": "transfer.moved_out", "to": receiver_code},
        after={"status": Member.Status.TRANSFERRED_OUT},
        per_target={t.member_id: {"letter": t.number} for t in still_in},
    )
    Transfer.objects.filter(pk__in=[t.pk for t in leaving]).update(
        status=Transfer.Status.COMPLETED, completed_at=now, error=""
    )
