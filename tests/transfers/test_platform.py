"""Letters between two institutions on the platform: the record moves only on acceptance, once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from services.audit.models import AuditEvent
from services.members.models import FamilyMember, Member, MemberChange, RewardPunishment
from services.transfer_exchange.models import ExchangeLetter
from services.transfers import moves
from services.transfers.models import IncomingLetter, Transfer, TransferArrival
from services.transfers.services import (
    incoming_accept,
    incoming_reject,
    transfer_letter_cancel,
    transfer_letter_send,
)
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory
from tests.transfers.helpers import Side, graduate, side


def _send(a: Institution, b: Institution) -> tuple[Side, Side, Member, Transfer]:
    with in_schema(b):
        sb = side("b")
    with in_schema(a):
        sa = side("a")
        member = graduate(sa.tree.branch_x, status=Member.Status.PROBATIONARY)
        transfer = transfer_letter_send(member=member, to_institution=b, reason="毕业就业", acting_user=sa.secretary)
    return sa, sb, member, transfer


def _accept(b: Institution, sb: Side, transfer: Transfer) -> None:
    with in_schema(b):
        entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
        ids, problems = incoming_accept(incoming=[entry], target_branch=sb.tree.branch_x, acting_user=sb.secretary)
    assert ids == [str(transfer.letter_id)] and not problems


def test_letter_is_numbered_and_the_envelope_carries_only_what_b_needs(
    inst_a: Institution, inst_b: Institution
) -> None:
    _, _, member, transfer = _send(inst_a, inst_b)
    year = timezone.localdate().year
    assert transfer.number.startswith(f"alpha-{year}-")
    letter = ExchangeLetter.objects.get(pk=transfer.letter_id)
    assert letter.person_name == member.name and letter.from_branch_name == "X支部"
    assert letter.valid_until == letter.issued_on + timedelta(days=90)
    envelope = {f.attname: getattr(letter, f.attname) for f in ExchangeLetter._meta.concrete_fields}
    text = " ".join(str(v) for v in envelope.values())
    assert member.national_id not in text and member.phone not in text and "家属甲" not in text
    with in_schema(inst_a):
        member.refresh_from_db()
        assert member.status == Member.Status.PROBATIONARY  # nothing moves before acceptance
    with in_schema(inst_b):
        assert not Member.objects.filter(national_id_index=member.national_id_index).exists()


def test_acceptance_moves_the_record_with_its_rows_and_encrypted_fields(
    inst_a: Institution, inst_b: Institution
) -> None:
    _sa, sb, member, transfer = _send(inst_a, inst_b)
    _accept(inst_b, sb, transfer)
    assert ExchangeLetter.objects.get(pk=transfer.letter_id).status == ExchangeLetter.Status.ACCEPTED
    with in_schema("public"):
        assert moves.move_letters(letter_ids=[str(transfer.letter_id)]) == {"moved": 1, "problems": 0}
    with in_schema(inst_b):
        arrived = Member.objects.get(national_id_index=member.national_id_index)
        assert arrived.national_id == member.national_id and arrived.phone == "13800138000"
        assert arrived.branch == sb.tree.branch_x and arrived.status == Member.Status.PROBATIONARY
        assert TransferArrival.objects.get(member=arrived).letter_number == transfer.number
        assert FamilyMember.objects.filter(member=arrived, name="家属甲").exists()
        assert RewardPunishment.objects.filter(member=arrived, title="优秀党员").exists()
        assert MemberChange.objects.filter(member=arrived, kind="transferred").exists()
        assert AuditEvent.objects.filter(object_id=str(arrived.pk), detail__action="transfer.arrived").exists()
    with in_schema(inst_a):
        member.refresh_from_db()
        assert member.status == Member.Status.TRANSFERRED_OUT
        assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.COMPLETED
        assert AuditEvent.objects.filter(object_id=str(member.pk), detail__action="transfer.moved_out").exists()
        assert FamilyMember.objects.filter(member=member).exists()  # the sender keeps its history
    assert ExchangeLetter.objects.get(pk=transfer.letter_id).status == ExchangeLetter.Status.COMPLETED


def test_running_the_move_twice_never_duplicates_a_member(inst_a: Institution, inst_b: Institution) -> None:
    _sa, sb, member, transfer = _send(inst_a, inst_b)
    _accept(inst_b, sb, transfer)
    with in_schema("public"):
        moves.move_letters(letter_ids=[str(transfer.letter_id)])
        ExchangeLetter.objects.filter(pk=transfer.letter_id).update(status=ExchangeLetter.Status.ACCEPTED)
        assert moves.move_letters(letter_ids=[str(transfer.letter_id)]) == {"moved": 1, "problems": 0}
        moves.move_letters(letter_ids=[str(transfer.letter_id)])
    with in_schema(inst_b):
        assert Member.objects.filter(national_id_index=member.national_id_index).count() == 1
        assert FamilyMember.objects.filter(name="家属甲").count() == 1
    with in_schema(inst_a):
        assert MemberChange.objects.filter(member=member, changes__has_key="status").count() == 1


def test_a_national_id_already_in_b_is_refused_in_chinese_and_the_letter_stays_pending(
    inst_a: Institution, inst_b: Institution
) -> None:
    _sa, sb, member, transfer = _send(inst_a, inst_b)
    with in_schema(inst_b):
        MemberFactory(branch=sb.tree.branch_y, national_id=member.national_id)
        entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
        ids, problems = incoming_accept(incoming=[entry], target_branch=sb.tree.branch_x, acting_user=sb.secretary)
    assert ids == [] and problems == {transfer.number: "本校已有该身份证号的党员档案，不能重复接收。"}
    assert ExchangeLetter.objects.get(pk=transfer.letter_id).status == ExchangeLetter.Status.PENDING


def test_the_move_itself_refuses_a_duplicate_that_appeared_after_acceptance(
    inst_a: Institution, inst_b: Institution
) -> None:
    _sa, sb, member, transfer = _send(inst_a, inst_b)
    _accept(inst_b, sb, transfer)
    with in_schema(inst_b):
        MemberFactory(branch=sb.tree.branch_y, national_id=member.national_id)
    with in_schema("public"):
        assert moves.move_letters(letter_ids=[str(transfer.letter_id)]) == {"moved": 0, "problems": 1}
    letter = ExchangeLetter.objects.get(pk=transfer.letter_id)
    assert letter.status == ExchangeLetter.Status.PENDING and "身份证号" in letter.error
    with in_schema(inst_a):
        member.refresh_from_db()
        assert member.status == Member.Status.PROBATIONARY
        assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.PENDING


def test_a_record_whose_dates_break_the_member_rules_is_not_received_until_the_sender_corrects_it(
    inst_a: Institution, inst_b: Institution
) -> None:
    """The move is one more way in: the same rules as the forms, the API and the importer."""
    _sa, sb, member, transfer = _send(inst_a, inst_b)
    with in_schema(inst_a):
        Member.objects.filter(pk=member.pk).update(joined_on=date(9999, 12, 31))  # written before the rules
    _accept(inst_b, sb, transfer)
    with in_schema("public"):
        assert moves.move_letters(letter_ids=[str(transfer.letter_id)]) == {"moved": 0, "problems": 1}
    letter = ExchangeLetter.objects.get(pk=transfer.letter_id)
    assert letter.status == ExchangeLetter.Status.PENDING and "入党日期不能晚于今天" in letter.error
    with in_schema(inst_b):
        assert not Member.objects.filter(national_id_index=member.national_id_index).exists()
    with in_schema(inst_a):
        assert Transfer.objects.get(pk=transfer.pk).error == letter.error
        Member.objects.filter(pk=member.pk).update(joined_on=date(2024, 6, 30))
    _accept(inst_b, sb, transfer)  # the receiver accepts again once it is corrected
    with in_schema("public"):
        assert moves.move_letters(letter_ids=[str(transfer.letter_id)]) == {"moved": 1, "problems": 0}


def test_rejection_keeps_the_record_and_tells_the_sender_why(inst_a: Institution, inst_b: Institution) -> None:
    _sa, sb, member, transfer = _send(inst_a, inst_b)
    with in_schema(inst_b):
        entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
        with pytest.raises(ValidationError):
            incoming_reject(incoming=entry, reason=" ", acting_user=sb.secretary)
        incoming_reject(incoming=entry, reason="未在我校就业", acting_user=sb.secretary)
        assert not Member.objects.filter(national_id_index=member.national_id_index).exists()
    with in_schema(inst_a):
        t = Transfer.objects.get(pk=transfer.pk)
        assert t.status == Transfer.Status.REJECTED and t.error == "未在我校就业"
        member.refresh_from_db()
        assert member.status == Member.Status.PROBATIONARY
        assert AuditEvent.objects.filter(object_id=str(member.pk), detail__action="transfer.letter_rejected").exists()


def test_a_letter_is_accepted_on_its_last_valid_day_but_not_the_day_after(
    inst_a: Institution, inst_b: Institution
) -> None:
    _sa, sb, _member, transfer = _send(inst_a, inst_b)
    last_day = ExchangeLetter.objects.get(pk=transfer.letter_id).valid_until
    with in_schema(inst_b):
        entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
        ids, problems = incoming_accept(
            incoming=[entry],
            target_branch=sb.tree.branch_x,
            acting_user=sb.secretary,
            today=last_day + timedelta(days=1),
        )
        assert ids == [] and "有效期" in problems[transfer.number]
        ids, problems = incoming_accept(
            incoming=[entry], target_branch=sb.tree.branch_x, acting_user=sb.secretary, today=last_day
        )
        assert ids == [str(transfer.letter_id)]


def test_only_one_open_letter_per_person_and_a_pending_one_can_be_withdrawn(
    inst_a: Institution, inst_b: Institution
) -> None:
    sa, _sb, member, transfer = _send(inst_a, inst_b)
    with in_schema(inst_a):
        with pytest.raises(ValidationError):
            transfer_letter_send(member=member, to_institution=inst_b, reason="again", acting_user=sa.secretary)
        transfer_letter_cancel(transfer=transfer, acting_user=sa.secretary)
        assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.CANCELLED
        transfer_letter_send(member=member, to_institution=inst_b, reason="again", acting_user=sa.secretary)
    assert ExchangeLetter.objects.get(pk=transfer.letter_id).status == ExchangeLetter.Status.CANCELLED


def test_a_member_who_may_not_leave_gets_no_letter(inst_a: Institution, inst_b: Institution) -> None:
    with in_schema(inst_a):
        sa = side("a")
        member = MemberFactory(branch=sa.tree.branch_x, status=Member.Status.LOST_CONTACT)
        with pytest.raises(ValidationError, match="不能转出"):
            transfer_letter_send(member=member, to_institution=inst_b, reason="x", acting_user=sa.secretary)


def test_the_receiver_must_manage_the_target_branch(inst_a: Institution, inst_b: Institution) -> None:
    from django.core.exceptions import PermissionDenied

    _sa, sb, _member, transfer = _send(inst_a, inst_b)
    with in_schema(inst_b):
        entry = IncomingLetter.objects.get(letter_id=transfer.letter_id)
        with pytest.raises(PermissionDenied):
            incoming_accept(incoming=[entry], target_branch=sb.tree.branch_z, acting_user=sb.secretary)


def test_stalled_moves_are_queued_again(inst_a: Institution, inst_b: Institution) -> None:
    from unittest import mock

    from services.transfers import tasks

    _sa, sb, _member, transfer = _send(inst_a, inst_b)
    _accept(inst_b, sb, transfer)
    with mock.patch("tenants.queueing.publish") as delay:
        assert tasks.resume_stalled_moves(minutes=10) == 0  # just accepted: its own job is on the way
        ExchangeLetter.objects.filter(pk=transfer.letter_id).update(decided_at=timezone.now() - timedelta(minutes=11))
        assert tasks.resume_stalled_moves(minutes=10) == 1
    delay.assert_called_once_with(tasks.move_letters, ([str(transfer.letter_id)],))


def test_the_openapi_schema_describes_the_transfer_routes(inst_a: Institution) -> None:
    from tests.conftest import client_for, make_user

    user = make_user(inst_a, username="schema_reader")
    body = client_for(inst_a, user).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for route in (
        "/api/transfers/",
        "/api/transfers/{id}/letter/",
        "/api/transfers/incoming/{id}/accept/",
        "/api/transfers/batches/{id}/status/",
    ):
        assert route in body["paths"], route


def test_a_letter_that_fails_to_move_never_blocks_the_others_of_its_chunk(
    inst_a: Institution, inst_b: Institution, monkeypatch: pytest.MonkeyPatch
) -> None:
    with in_schema(inst_b):
        sb = side("b")
    with in_schema(inst_a):
        sa = side("a")
        transfers = [
            transfer_letter_send(
                member=graduate(sa.tree.branch_x), to_institution=inst_b, reason="毕业", acting_user=sa.secretary
            )
            for _ in range(3)
        ]
    with in_schema(inst_b):
        entries = list(IncomingLetter.objects.filter(letter_id__in=[t.letter_id for t in transfers]))
        ids, _problems = incoming_accept(incoming=entries, target_branch=sb.tree.branch_x, acting_user=sb.secretary)
    broken = transfers[1].number
    real = moves._move_pair

    def failing(letters: list[ExchangeLetter]) -> tuple[int, int]:
        if any(letter.number == broken for letter in letters):
            raise RuntimeError("disk full")
        return real(letters)

    monkeypatch.setattr(moves, "_move_pair", failing)
    with in_schema("public"):
        assert moves.move_letters(letter_ids=ids) == {"moved": 2, "problems": 1}
    letter = ExchangeLetter.objects.get(number=broken)
    assert letter.status == ExchangeLetter.Status.ACCEPTED and "自动重试" in letter.error
    assert "disk full" not in letter.error
    assert ExchangeLetter.objects.filter(pk__in=ids, status=ExchangeLetter.Status.COMPLETED).count() == 2
