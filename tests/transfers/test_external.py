"""Introduction letters out of the platform: numbered PDF, validity from the rule set, receipt stub."""

from __future__ import annotations

import importlib
import io
from datetime import date, timedelta

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from services.audit.models import AuditEvent
from services.members.models import Member
from services.rule_overrides.models import RuleOverride
from services.storage.backends import get_storage
from services.transfers import selectors
from services.transfers.models import Transfer
from services.transfers.services import transfer_letter_issue, transfer_letter_open, transfer_stub_return
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory
from tests.members.helpers import person
from tests.transfers.helpers import graduate, side


def _issue(inst: Institution) -> tuple[object, Member, Transfer]:
    s = side("a")
    member = graduate(s.tree.branch_x)
    transfer = transfer_letter_issue(
        member=member, to_organization="中共某某公司委员会", reason="毕业就业", acting_user=s.secretary
    )
    return s, member, transfer


def test_issuing_stores_a_pdf_and_transfers_the_member_out(inst_a: Institution) -> None:
    with in_schema(inst_a):
        _s, member, transfer = _issue(inst_a)
        member.refresh_from_db()
        assert member.status == Member.Status.TRANSFERRED_OUT
        assert transfer.status == Transfer.Status.ISSUED
        assert transfer.valid_until == transfer.issued_on + timedelta(days=90)
        # The rule's title and citation, in Chinese: never its key, nor English words.
        assert transfer.validity_rule == "组织关系介绍信有效期（地方通行做法）"
        content = get_storage().open(transfer.pdf_key).read()
        text = pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
        # What the receiving organization needs, in full: the letter is not a masked list.
        needed_texts = (member.name, member.national_id, transfer.number, "中共某某公司委员会", "有效期90天", "回  执")
        for needed in (*needed_texts, "有效期依据：组织关系介绍信有效期（地方通行做法）"):
            assert needed in text
        assert transfer.pdf_key.startswith(f"{inst_a.schema_name}/transfers/letters/")
        get_storage().delete(transfer.pdf_key)


def test_a_letter_issued_by_an_english_reader_states_its_validity_rule_in_chinese(inst_a: Institution) -> None:
    with in_schema(inst_a), translation.override("en"):
        _s, _member, transfer = _issue(inst_a)
        get_storage().delete(transfer.pdf_key)
    assert transfer.validity_rule == "组织关系介绍信有效期（地方通行做法）"


def test_the_validity_follows_the_institutions_override(inst_a: Institution) -> None:
    with in_schema(inst_a):
        RuleOverride.objects.create(
            key="transfer.letter_validity_days", value=30, effective_from=date(2020, 1, 1), reason="本校规定"
        )
        _s, _member, transfer = _issue(inst_a)
        assert transfer.valid_until == transfer.issued_on + timedelta(days=30)
        assert "本校调整" in transfer.validity_rule
        get_storage().delete(transfer.pdf_key)


def test_every_download_is_audited_and_needs_the_branch_manager(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s, _member, transfer = _issue(inst_a)
        transfer_letter_open(transfer=transfer, acting_user=s.secretary).close()  # type: ignore[attr-defined]
        assert (
            AuditEvent.objects.filter(
                detail__action="transfer.letter_downloaded", detail__letter=transfer.number
            ).count()
            == 1
        )
        outsider = person(s.tree.branch_z, "z_sec", "secretary")  # type: ignore[attr-defined]
        with pytest.raises(PermissionDenied):
            transfer_letter_open(transfer=transfer, acting_user=outsider)
        get_storage().delete(transfer.pdf_key)


def test_stub_return_is_recorded_and_ends_the_overdue_state(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s, _member, transfer = _issue(inst_a)
        assert transfer.valid_until is not None
        assert not selectors.is_overdue(transfer, today=transfer.valid_until)
        assert selectors.is_overdue(transfer, today=transfer.valid_until + timedelta(days=1))
        with pytest.raises(ValidationError):
            transfer_stub_return(
                transfer=transfer,
                returned_on=transfer.issued_on - timedelta(days=1),
                receiving_org="x",
                acting_user=s.secretary,  # type: ignore[attr-defined]
            )
        done = transfer_stub_return(
            transfer=transfer,
            returned_on=timezone.localdate(),
            receiving_org="中共某某公司委员会",
            acting_user=s.secretary,  # type: ignore[attr-defined]
        )
        assert done.status == Transfer.Status.STUB_RETURNED
        assert not selectors.is_overdue(done, today=transfer.valid_until + timedelta(days=1))
        get_storage().delete(transfer.pdf_key)


def test_letter_numbers_are_consecutive_per_year(inst_a: Institution) -> None:
    with in_schema(inst_a):
        s = side("a")
        first = transfer_letter_issue(
            member=MemberFactory(branch=s.tree.branch_x), to_organization="甲", reason="r", acting_user=s.secretary
        )
        second = transfer_letter_issue(
            member=MemberFactory(branch=s.tree.branch_x), to_organization="乙", reason="r", acting_user=s.secretary
        )
        a, b = int(first.number.rsplit("-", 1)[1]), int(second.number.rsplit("-", 1)[1])
        assert b == a + 1
        for t in (first, second):
            get_storage().delete(t.pdf_key)


def test_letters_stored_with_a_key_in_their_validity_rule_lose_it(inst_a: Institution) -> None:
    rewrite = importlib.import_module("services.transfers.migrations.0002_validity_rule_without_rule_key").REWRITE
    with in_schema(inst_a):
        _s, _member, transfer = _issue(inst_a)
        get_storage().delete(transfer.pdf_key)
        old = "组织关系介绍信有效期（transfer.letter_validity_days）：local practice"
        Transfer.objects.filter(pk=transfer.pk).update(validity_rule=old)
        with connection.cursor() as cursor:
            cursor.execute(rewrite)
        transfer.refresh_from_db()
    assert transfer.validity_rule == "组织关系介绍信有效期（地方通行做法）"
