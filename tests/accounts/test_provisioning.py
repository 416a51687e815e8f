"""Accounts made for members before they sign in: the student/staff number as username, the
fallback when the number is empty or taken, unusable passwords, one audit row per account, a
constant number of queries; codes stored as keyed hashes bound to user and kind."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from services.accounts import audit_events as account_events
from services.accounts.codes import code_digest, new_phone_code, new_sheet_code, normalise
from services.accounts.models import User
from services.audit.models import AuditEvent
from services.crypto import blind_index
from services.members.accounts import member_accounts_ensure
from services.members.models import Member
from tests.conftest import in_schema, make_user
from tests.factories import MemberFactory


def test_members_get_accounts_named_by_their_number(inst_a) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        admin = make_user(inst_a, username="boss")
        make_user(inst_a, username="2024001")  # somebody already has this number as a username
        numbered = MemberFactory(number="2024002", name="张三")
        clash = MemberFactory(number="2024001")
        blank = MemberFactory(number="")
        made = member_accounts_ensure(members=[numbered, clash, blank], acting_user=admin)
        assert made == 3
        names = dict(
            Member.objects.filter(pk__in=[numbered.pk, clash.pk, blank.pk]).values_list("pk", "user__username")
        )
        assert names == {numbered.pk: "2024002", clash.pk: f"m{clash.pk}", blank.pk: f"m{blank.pk}"}
        user = User.objects.get(username="2024002")
        assert user.display_name == "张三"
        assert not user.has_usable_password() and user.activated_at is None
        assert authenticate(username="2024002", password="") is None
        rows = AuditEvent.objects.filter(event=account_events.ACCOUNTS_PROVISIONED.code, actor_username="boss")
        assert sorted(int(r.object_id) for r in rows) == sorted(
            Member.objects.filter(pk__in=[numbered.pk, clash.pk, blank.pk]).values_list("user_id", flat=True)
        )


def test_members_with_accounts_are_left_alone_and_queries_stay_constant(inst_a) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        admin = make_user(inst_a, username="boss2")
        few = [MemberFactory(number=f"31{i:04d}") for i in range(3)]
        with CaptureQueriesContext(connection) as small:
            member_accounts_ensure(members=few, acting_user=admin)
        many = [MemberFactory(number=f"32{i:04d}") for i in range(30)]
        with CaptureQueriesContext(connection) as large:
            member_accounts_ensure(members=many, acting_user=admin)
        assert len(large.captured_queries) == len(small.captured_queries)
        refreshed = list(Member.objects.filter(pk__in=[m.pk for m in few]))
        assert member_accounts_ensure(members=refreshed, acting_user=admin) == 0


def test_codes_are_bound_to_user_and_kind_and_read_as_typed() -> None:
    code = new_sheet_code()
    assert len(code) == 11 and code[5] == "-" and not set(code.replace("-", "")) & set("01OIL")
    typed = " " + code.lower().replace("-", " ") + " "
    assert normalise(typed) == code.replace("-", "")
    digest = code_digest(user_id=7, kind="sheet", code=code)
    assert code_digest(user_id=7, kind="sheet", code=typed) == digest
    assert code_digest(user_id=8, kind="sheet", code=code) != digest
    assert code_digest(user_id=7, kind="phone", code=code) != digest
    assert code not in digest and len(digest) == 64
    phone = new_phone_code()
    assert len(phone) == 6 and phone.isdigit()
    assert normalise("１２３４５６") == "123456"  # full-width digits from a Chinese keyboard


def test_phone_index_is_one_account_per_number(inst_a) -> None:  # type: ignore[no-untyped-def]
    with in_schema(inst_a):
        make_user(inst_a, username="p1", phone_index=blind_index("13800000000"))
        make_user(inst_a, username="p2")  # empty phone_index: not a clash
        make_user(inst_a, username="p3")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_user(inst_a, username="p4", phone_index=blind_index("13800000000"))
        assert set(
            User.objects.filter(phone_index="", username__in=["p2", "p3"]).values_list("username", flat=True)
        ) == {
            "p2",
            "p3",
        }
