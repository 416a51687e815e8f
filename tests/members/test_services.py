from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from services.audit.models import AuditEvent
from services.members import audit_events as member_events
from services.members import services
from services.members.fake_ids import fake_national_id
from services.members.models import Member, MemberChange
from services.organization.models import Position
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import MemberFactory
from tests.members.helpers import build_tree, person

VALID_ID = "11010519491231002X"  # the GB 11643 example: check digit X


def test_create_derives_birth_date_and_gender_from_the_id(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        member = services.member_create(
            acting_user=secretary,
            name="张三",
            national_id=VALID_ID.lower(),
            category="faculty",
            branch=tree.branch_x,
            phone="+86 138-0013-8000",
        )
        assert member.birth_date == date(1949, 12, 31) and member.gender == "female"
        assert member.national_id == VALID_ID and member.phone == "13800138000"
        assert MemberChange.objects.filter(member=member, kind="created").exists()
        assert AuditEvent.objects.filter(event=member_events.MEMBER_CREATED, object_id=str(member.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"national_id": "110105194912310021"}, "校验位"),
        ({"national_id": "1101051949123100"}, "18 位"),
        ({"national_id": VALID_ID, "birth_date": date(1950, 1, 1)}, "出生日期与身份证号不一致"),
        ({"national_id": VALID_ID, "gender": "male"}, "性别与身份证号不一致"),
        ({"national_id": VALID_ID, "phone": "12345"}, "手机号"),
    ],
)
def test_create_refuses_bad_identity_data_in_chinese(inst_a: Institution, fields: dict, message: str) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        admin = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        with pytest.raises(ValidationError) as excinfo:
            services.member_create(acting_user=admin, name="李四", category="faculty", branch=tree.branch_x, **fields)
        assert message in " ".join(excinfo.value.messages)
        assert not Member.objects.filter(name="李四").exists()


def test_create_refuses_a_duplicate_id_number(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        admin = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        services.member_create(
            acting_user=admin, name="甲", national_id=VALID_ID, category="staff", branch=tree.branch_x
        )
        with pytest.raises(ValidationError, match="已有党员档案"):
            services.member_create(
                acting_user=admin, name="乙", national_id=VALID_ID, category="staff", branch=tree.branch_x
            )


def test_secretary_cannot_create_or_change_members_of_another_branch(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        other = MemberFactory(branch=tree.branch_y)
        with pytest.raises(PermissionDenied):
            services.member_create(
                acting_user=secretary, name="丙", national_id=VALID_ID, category="staff", branch=tree.branch_y
            )
        with pytest.raises(PermissionDenied):
            services.member_update(member=other, acting_user=secretary, name="改名")
        with pytest.raises(PermissionDenied):  # nor move one of theirs out of reach
            services.member_update(
                member=MemberFactory(branch=tree.branch_x), acting_user=secretary, branch=tree.branch_y
            )


def test_update_keeps_masked_before_and_after_in_the_history(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        member = MemberFactory(branch=tree.branch_x, name="旧名", phone="13800138000")
        services.member_update(member=member, acting_user=secretary, reason="更正", name="新名", phone="13900139000")
        change = MemberChange.objects.get(member=member, kind="updated")
        assert change.changes["name"] == ["旧名", "新名"]
        assert change.changes["phone"] == ["138****8000", "139****9000"]
        assert change.reason == "更正" and change.actor_username == "sec"


def test_status_follows_the_state_machine(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        member = MemberFactory(branch=tree.branch_x, status=Member.Status.PROBATIONARY)
        confirmed = services.member_status_change(
            member=member, to_status="normal", on_date=date(2026, 7, 1), reason="按期转正", acting_user=secretary
        )
        assert confirmed.status == "normal" and confirmed.confirmed_on == date(2026, 7, 1)
        services.member_status_change(
            member=member, to_status="deceased", on_date=date(2026, 8, 1), reason="病故", acting_user=secretary
        )
        with pytest.raises(ValidationError, match="不能从"):
            services.member_status_change(
                member=member, to_status="normal", on_date=date(2026, 9, 1), reason="误操作", acting_user=secretary
            )
        with pytest.raises(ValidationError, match="原因"):
            services.member_status_change(
                member=MemberFactory(branch=tree.branch_x),
                to_status="mobile",
                on_date=date(2026, 9, 1),
                reason=" ",
                acting_user=secretary,
            )


def test_every_status_has_a_transition_entry() -> None:
    assert set(services.TRANSITIONS) == set(Member.Status.values)
    for targets in services.TRANSITIONS.values():
        assert targets <= set(Member.Status.values)


def test_reveal_is_audited_with_its_reason_and_needs_manage_rights(inst_a: Institution) -> None:
    with in_schema(inst_a):
        tree = build_tree()
        secretary = person(tree.branch_x, "sec", Position.Kind.SECRETARY)
        viewer = person(tree.branch_x, "prop", Position.Kind.PROPAGANDA)
        member = MemberFactory(branch=tree.branch_x)
        with pytest.raises(ValidationError, match="事由"):
            services.member_reveal(member=member, field="national_id", reason="", acting_user=secretary)
        value = services.member_reveal(
            member=member, field="national_id", reason="办理组织关系转接", acting_user=secretary
        )
        assert value == member.national_id
        event = AuditEvent.objects.get(event=member_events.SENSITIVE_REVEALED, object_id=str(member.pk))
        assert event.detail == {"field": "national_id", "reason": "办理组织关系转接"}
        with pytest.raises(PermissionDenied):
            services.member_reveal(member=member, field="national_id", reason="好奇", acting_user=viewer)


def test_blind_index_finds_a_member_without_decrypting(inst_a: Institution) -> None:
    import random

    from services.crypto import blind_index

    with in_schema(inst_a):
        tree = build_tree()
        number = fake_national_id(random.Random(7), date(1990, 5, 4), male=True)
        MemberFactory(branch=tree.branch_x, national_id=number)
        assert Member.objects.filter(national_id_index=blind_index(number)).count() == 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM members_member WHERE national_id LIKE %s", [f"%{number[-6:]}%"])
            assert cursor.fetchone()[0] == 0


def test_an_impossible_birth_date_inside_the_id_is_named_as_such() -> None:
    from services.members import national_id
    from services.members.validation import clean_national_id

    first17 = "11010519491331002"  # month 13
    with pytest.raises(ValidationError, match="出生日期无效"):
        clean_national_id(first17 + national_id.check_digit(first17))
