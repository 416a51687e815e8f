"""Roster exports: the importer's columns (an export imports back with nothing to do), scoped to
what the user sees with full numbers only where they manage, audited; the national system's
layout for managers only, with a reason; both streamed from the database in chunks."""

from __future__ import annotations

import io
import random
import re
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from openpyxl import load_workbook

from services.accounts.models import User
from services.audit.models import AuditEvent
from services.crypto import blind_index
from services.members import audit_events as member_events
from services.members import exports, imports, national_id
from services.members.fake_ids import fake_national_id
from services.members.imports import HEADERS, Sheet
from services.members.models import Member
from services.members.validation import clean_access_reason
from services.organization.models import Position
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory
from tests.members.helpers import Tree, build_tree, person, unit_admin
from tests.members.test_import import import_file

_rng = random.Random(7)


def consistent(born: date, *, male: bool = True) -> dict[str, Any]:
    number = fake_national_id(_rng, born, male)
    return {
        "national_id": number,
        "national_id_index": blind_index(number),
        "birth_date": born,
        "gender": "male" if male else "female",
    }


def rows_of(content: bytes) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def roster(user: User) -> list[list[Any]]:
    out = io.BytesIO()
    exports.member_export_roster(acting_user=user, out=out)
    return rows_of(out.getvalue())


def full_roster(user: User, reason: str = "年度党员信息核对") -> list[list[Any]]:
    out = io.BytesIO()
    exports.member_export_roster_full(acting_user=user, reason=reason, out=out)
    return rows_of(out.getvalue())


@pytest.fixture
def tree(inst_a: Institution) -> Tree:
    with in_schema(inst_a):
        tree = build_tree()
        MemberFactory(
            name="王一",
            branch=tree.branch_x,
            phone="13800000001",
            ethnicity="回族",
            native_place="宁夏银川",
            education="大学本科",
            degree="学士",
            category="student",
            number="S001",
            status="probationary",
            joined_on=date(2025, 3, 1),
            **consistent(date(2003, 5, 6)),
        )
        MemberFactory(
            name="李二",
            branch=tree.branch_x,
            phone="",
            category="faculty",
            status="normal",
            joined_on=date(2001, 7, 1),
            confirmed_on=date(2002, 7, 1),
            **consistent(date(1975, 1, 2), male=False),
        )
        MemberFactory(
            name="赵三",
            branch=tree.branch_y,
            phone="13800000003",
            category="retiree",
            status="normal",
            **consistent(date(1950, 10, 1)),
        )
        MemberFactory(
            name="钱四",
            branch=tree.branch_z,
            phone="13800000004",
            category="staff",
            status="mobile",
            **consistent(date(1988, 8, 8)),
        )
        return tree


def test_roster_has_the_importers_columns_and_chinese_values(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        admin = unit_admin(tree.college, "college_admin")
        member = Member.objects.get(name="王一")
        rows = full_roster(admin)
    assert rows[0] == list(HEADERS)
    by_name = {r[0]: r for r in rows[1:]}
    assert sorted(by_name) == sorted(["李二", "王一", "赵三"])  # X and Y are the college's; Z is not
    assert by_name["王一"] == [
        "王一",
        "男",
        "回族",
        "2003-05-06",
        member.national_id,
        "13800000001",
        "宁夏银川",
        "大学本科",
        "学士",
        "学生",
        "S001",
        "X支部",
        "预备党员",
        "2025-03-01",
        None,
        None,  # 保留组织关系起始日期: not retained
    ]


def test_export_then_import_changes_nothing(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")  # the institution's first administrator: everything
        out = io.BytesIO()
        exports.member_export_roster(acting_user=admin, out=out)
        sheet = imports.sheet_read(content=io.BytesIO(out.getvalue()), filename="roster.xlsx")
        plan = imports.import_check(sheet=sheet, acting_user=admin)
    assert not plan.errors, plan.errors
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 4)
    job = import_file(inst_a, admin, out.getvalue(), "roster.xlsx")  # through the worker steps too
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 4)


def test_members_seen_but_not_managed_are_masked(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        viewer = person(
            tree.branch_x, "prop_x", Position.Kind.PROPAGANDA, name="宣传委员", **consistent(date(1990, 1, 1))
        )
        member = Member.objects.get(name="王一")
        rows = roster(viewer)
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"王一", "李二", "宣传委员"}
    assert by_name["王一"][4] == national_id.mask(member.national_id) and by_name["王一"][5] == "138****0001"
    assert member.national_id not in str(rows)


def test_a_plain_member_exports_their_own_record_only(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        plain = person(tree.branch_y, "plain_y", name="普通党员", **consistent(date(1990, 1, 1)))
        rows = roster(plain)
    assert [r[0] for r in rows[1:]] == ["普通党员"]


def test_roster_export_is_audited(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        viewer = person(tree.branch_x, "prop_x", Position.Kind.PROPAGANDA, **consistent(date(1990, 1, 1)))
        roster(viewer)
        event = AuditEvent.objects.get(event=member_events.MEMBERS_EXPORTED, actor_id=viewer.pk)
    assert event.actor_username == "prop_x"
    assert event.detail == {"format": "roster", "count": 3, "full": 0, "masked": 3}


def test_national_export_has_the_national_layout_with_full_numbers(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        secretary = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY, name="书记", **consistent(date(1980, 2, 2)))
        out = io.BytesIO()
        count = exports.member_export_national(acting_user=secretary, reason="上报组织部年度统计", out=out)
        member = Member.objects.get(name="李二")
        event = AuditEvent.objects.get(event=member_events.MEMBERS_EXPORTED, actor_id=secretary.pk)
    rows = rows_of(out.getvalue())
    assert rows[0] == [
        "姓名",
        "性别",
        "公民身份号码",
        "民族",
        "出生日期",
        "学历",
        "人员类别",
        "所在党支部",
        "入党日期",
        "转为正式党员日期",
        "党籍状态",
        "联系电话",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert count == 3 and sorted(by_name) == sorted(["李二", "书记", "王一"])  # the secretary's branch X only
    assert by_name["李二"] == [
        "李二",
        "女",
        member.national_id,
        "汉族",
        "1975-01-02",
        None,
        "教师",
        "X支部",
        "2001-07-01",
        "2002-07-01",
        "正式党员",
        None,
    ]
    assert event.detail == {"format": "national", "sensitive": True, "count": 3, "reason": "上报组织部年度统计"}


def test_national_export_needs_a_manager_and_a_reason(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        viewer = person(tree.branch_x, "prop_x", Position.Kind.PROPAGANDA, **consistent(date(1990, 1, 1)))
        secretary = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY, **consistent(date(1980, 2, 2)))
        with pytest.raises(PermissionDenied):
            exports.member_export_national(acting_user=viewer, reason="看看", out=io.BytesIO())
        with pytest.raises(ValidationError) as excinfo:
            exports.member_export_national(acting_user=secretary, reason="  ", out=io.BytesIO())
        assert "请填写事由" in str(excinfo.value)
        assert not AuditEvent.objects.filter(
            event=member_events.MEMBERS_EXPORTED, actor_id__in=[viewer.pk, secretary.pk]
        ).exists()


def test_exports_stream_in_chunks_of_2000(inst_a: Institution, tree: Tree) -> None:
    original = QuerySet.iterator
    with in_schema(inst_a), mock.patch.object(QuerySet, "iterator", autospec=True, side_effect=original) as spy:
        admin = User.objects.get(username="admin")
        roster(admin)
        exports.member_export_national(acting_user=admin, reason="年度统计上报", out=io.BytesIO())
    assert [call.kwargs for call in spy.call_args_list] == [{"chunk_size": 2000}, {"chunk_size": 2000}]


def test_export_api_downloads_for_the_caller_and_refuses_without_reason(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        secretary = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY, name="书记", **consistent(date(1980, 2, 2)))
        viewer = person(
            tree.branch_x, "prop_x", Position.Kind.PROPAGANDA, name="宣传委员", **consistent(date(1990, 1, 1))
        )
    client = client_for(inst_a, secretary)
    response = client.get(reverse("member_import:export_roster"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    names = [r[0] for r in rows_of(b"".join(response.streaming_content))[1:]]  # type: ignore[attr-defined]
    assert sorted(names) == sorted(["书记", "宣传委员", "李二", "王一"])

    url = reverse("member_import:export_national")
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "年度统计上报"}).status_code == 200
    assert client_for(inst_a, viewer).post(url, {"reason": "年度统计上报"}).status_code == 403
    assert client_for(inst_a).get(reverse("member_import:export_roster")).status_code in (401, 403)


def test_an_export_never_contains_another_institutions_members(
    inst_a: Institution, inst_b: Institution, tree: Tree
) -> None:
    with in_schema(inst_b):
        b_tree = build_tree()
        MemberFactory(name="乙校党员", branch=b_tree.branch_x, **consistent(date(1990, 3, 3)))
    with in_schema(inst_a):
        rows = roster(User.objects.get(username="admin"))
    assert "乙校党员" not in str(rows) and len(rows) == 5


def test_the_export_reimports_after_an_edit_as_one_update(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
        out = io.BytesIO()
        exports.member_export_roster(acting_user=admin, out=out)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook.worksheets[0]
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value == "赵三":
            cells[HEADERS.index("学历")].value = "博士研究生"
    edited = io.BytesIO()
    workbook.save(edited)
    job = import_file(inst_a, admin, edited.getvalue())
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 3)
    with in_schema(inst_a):
        assert Member.objects.get(name="赵三").education == "博士研究生"


def test_sheet_round_trips_through_json(inst_a: Institution) -> None:
    sheet = Sheet(headers=list(HEADERS), rows=[(2, ["a"] * len(HEADERS))])
    assert Sheet.loads(sheet.dumps()) == sheet


def test_a_retained_members_start_date_is_exported_and_imports_back_unchanged(inst_a: Institution, tree: Tree) -> None:
    from services.members.services import member_status_change

    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
        member = member_status_change(
            member=Member.objects.get(name="王一"),
            to_status=Member.Status.NORMAL,
            on_date=date(2026, 3, 1),
            reason="转正",
            acting_user=admin,
        )
        member_status_change(
            member=member, to_status=Member.Status.RETAINED, on_date=date(2026, 7, 1), reason="毕业", acting_user=admin
        )
        out = io.BytesIO()
        exports.member_export_roster(acting_user=admin, out=out)
        sheet = imports.sheet_read(content=io.BytesIO(out.getvalue()), filename="roster.xlsx")
        column = HEADERS.index("保留组织关系起始日期")
        by_name = {cells[0]: cells for _, cells in sheet.rows}
        assert by_name["王一"][column] == "2026-07-01"
        assert by_name["李二"][column] == ""
        plan = imports.import_check(sheet=sheet, acting_user=admin)
    assert not plan.errors, plan.errors
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 4)


# --- issue 9, reproduction 6: masked by default, full numbers only as a reasoned action ----------


def _secretary_who_also_sees_y(tree: Tree) -> User:
    """Secretary of X (manages X) who sits on the college committee (sees X and Y)."""
    user = person(tree.branch_x, "sec_x", Position.Kind.SECRETARY, name="书记", **consistent(date(1980, 2, 2)))
    Position.objects.create(
        member=user.member, unit=tree.college, kind=Position.Kind.PROPAGANDA, started_on=date(2026, 1, 1)
    )
    return user


def test_the_roster_export_masks_id_numbers_and_phones_without_a_reason(inst_a: Institution, tree: Tree) -> None:
    """The reproduction: GET /api/members/export/roster/ returned full ID and phone numbers."""
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
        members = list(Member.objects.all())
    response = client_for(inst_a, admin).get(reverse("member_import:export_roster"))
    assert response.status_code == 200
    rows = rows_of(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    text = str(rows)
    for member in members:
        assert member.national_id not in text
        assert national_id.mask(member.national_id) in text
        if member.phone:
            assert member.phone not in text and f"{member.phone[:3]}****{member.phone[-4:]}" in text
    with in_schema(inst_a):
        event = AuditEvent.objects.get(event=member_events.MEMBERS_EXPORTED, actor_id=admin.pk)
    assert event.detail == {"format": "roster", "count": 4, "full": 0, "masked": 4}


def test_a_masked_export_imports_back_without_overwriting_the_real_numbers(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
        before = {m.name: (m.national_id, m.phone) for m in Member.objects.all()}
        out = io.BytesIO()
        exports.member_export_roster(acting_user=admin, out=out)
        plan = imports.import_check(
            sheet=imports.sheet_read(content=io.BytesIO(out.getvalue()), filename="r.xlsx"), acting_user=admin
        )
    assert not plan.errors, plan.errors
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 4)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    for cells in workbook.worksheets[0].iter_rows(min_row=2):
        if cells[0].value == "王一":
            cells[HEADERS.index("学历")].value = "硕士研究生"
    edited = io.BytesIO()
    workbook.save(edited)
    job = import_file(inst_a, admin, edited.getvalue())
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 3)
    with in_schema(inst_a):
        after = {m.name: (m.national_id, m.phone) for m in Member.objects.all()}
        assert Member.objects.get(name="王一").education == "硕士研究生"
    assert after == before  # every real number kept


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"手机号": "139****0001"}, "手机号是脱敏号码，与档案中的号码不符"),
        ({"姓名": "王二"}, "找不到姓名和号码都相符的唯一档案"),
        ({"身份证号": "1101**********0000"}, "找不到姓名和号码都相符的唯一档案"),
    ],
    ids=["a masked phone of another number", "a masked number under another name", "an unknown masked number"],
)
def test_a_masked_value_that_fits_no_record_is_refused(
    inst_a: Institution, tree: Tree, change: dict[str, str], message: str
) -> None:
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
        out = io.BytesIO()
        exports.member_export_roster(acting_user=admin, out=out)
        sheet = imports.sheet_read(content=io.BytesIO(out.getvalue()), filename="r.xlsx")
        for _, cells in sheet.rows:
            if cells[0] == "王一":
                for header, value in change.items():
                    cells[HEADERS.index(header)] = value
        plan = imports.import_check(sheet=sheet, acting_user=admin)
    assert [e["message"] for e in plan.errors if message in e["message"]], plan.errors


def test_a_masked_phone_cannot_create_a_record(inst_a: Institution, tree: Tree) -> None:
    number = consistent(date(1999, 9, 9))["national_id"]
    row = dict(zip(HEADERS, [""] * len(HEADERS), strict=True))
    row.update({"姓名": "新人", "身份证号": number, "手机号": "138****0009", "人员类别": "学生", "所在支部": "X支部"})
    row["党籍状态"] = "预备党员"
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
        plan = imports.import_check(
            sheet=Sheet(headers=list(HEADERS), rows=[(2, list(row.values()))]), acting_user=admin
        )
    assert [e["message"] for e in plan.errors] == ["手机号是脱敏号码，新建档案须填写完整手机号或留空。"]
    assert not plan.creates


def test_a_masked_number_never_finds_a_member_the_uploader_does_not_manage(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        secretary = _secretary_who_also_sees_y(tree)
        hidden = Member.objects.get(name="赵三")  # branch Y: seen, not managed
        out = io.BytesIO()
        exports.member_export_roster(acting_user=secretary, out=out)
        sheet = imports.sheet_read(content=io.BytesIO(out.getvalue()), filename="r.xlsx")
        plan = imports.import_check(sheet=sheet, acting_user=secretary)
    errors = [e for e in plan.errors if e["column"] == "身份证号"]
    assert len(errors) == 1 and "找不到姓名和号码都相符的唯一档案" in errors[0]["message"]
    assert hidden.national_id not in str(plan.errors)


def test_the_full_roster_is_a_reasoned_action_for_managers_audited_as_sensitive(
    inst_a: Institution, tree: Tree
) -> None:
    with in_schema(inst_a):
        secretary = _secretary_who_also_sees_y(tree)
        viewer = person(tree.branch_x, "prop_x", Position.Kind.PROPAGANDA, **consistent(date(1990, 1, 1)))
        with pytest.raises(PermissionDenied):
            exports.member_export_roster_full(acting_user=viewer, reason="年度党员信息核对", out=io.BytesIO())
        with pytest.raises(ValidationError, match="至少 5 个字"):
            exports.member_export_roster_full(acting_user=secretary, reason="0", out=io.BytesIO())
        rows = full_roster(secretary, "  核对 党员  信息 ")
        wang, zhao = Member.objects.get(name="王一"), Member.objects.get(name="赵三")
        event = AuditEvent.objects.get(event=member_events.MEMBERS_EXPORTED, actor_id=secretary.pk)
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["王一"][4] == wang.national_id and by_name["王一"][5] == "13800000001"  # X: managed
    assert by_name["赵三"][4] == national_id.mask(zhao.national_id) and by_name["赵三"][5] == "138****0003"  # Y: seen
    assert event.detail == {
        "format": "roster_full",
        "sensitive": True,
        "reason": "核对 党员 信息",
        "count": 5,
        "full": 4,  # X: 王一, 李二, the secretary and the propaganda member
        "masked": 1,
    }


def test_the_full_roster_through_the_api_needs_a_reason(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
        number = Member.objects.get(name="王一").national_id
    client = client_for(inst_a, admin)
    url = reverse("member_import:export_roster")
    refused = client.post(url, {"reason": "0"}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["reason"] == ["请写明用途：事由至少 5 个字，不能只有数字或符号。"]
    full = client.post(url, {"reason": "年度党员信息核对"}, content_type="application/json")
    assert full.status_code == 200 and number in str(rows_of(b"".join(full.streaming_content)))  # type: ignore[attr-defined]


BAD_REASONS = ["", "   ", "0", "12345", "……。。。", "abc", "办" * 201]


@pytest.mark.parametrize("reason", [*BAD_REASONS, "核对\x00信息内容", "核对\u202e信息内容"], ids=repr)
def test_the_reason_rule_refuses_what_says_nothing(reason: str) -> None:
    with pytest.raises(ValidationError):
        clean_access_reason(reason)


@pytest.mark.parametrize("reason", ["年度统计上报", "check the records", "核对 2025 年党员信息"])
def test_the_reason_rule_accepts_a_stated_purpose(reason: str) -> None:
    assert clean_access_reason(f"  {reason} ") == reason


@pytest.mark.parametrize("reason", BAD_REASONS, ids=repr)
def test_one_rule_for_every_reason_for_full_numbers(inst_a: Institution, tree: Tree, reason: str) -> None:
    """Reproduction 11: a one-character export reason ("0") was accepted. The reveal, the
    national export and the full roster all refuse the same reasons, with a Chinese 400."""
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
        pk = Member.objects.get(name="王一").pk
    client = client_for(inst_a, admin)
    answers = [
        client.post(
            f"/api/members/{pk}/reveal/", {"field": "national_id", "reason": reason}, content_type="application/json"
        ),
        client.post(reverse("member_import:export_national"), {"reason": reason}, content_type="application/json"),
        client.post(reverse("member_import:export_roster"), {"reason": reason}, content_type="application/json"),
    ]
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    for answer in answers:
        message = " ".join(answer.json()["reason"])
        assert re.search(r"[\u4e00-\u9fff]", message), message
    with in_schema(inst_a):
        assert not AuditEvent.objects.filter(
            event__in=[member_events.MEMBERS_EXPORTED, member_events.SENSITIVE_REVEALED]
        ).exists()


def test_the_import_page_offers_both_exports_and_asks_the_reason_in_a_form(inst_a: Institution, tree: Tree) -> None:
    with in_schema(inst_a):
        admin = User.objects.get(username="admin")
        number = Member.objects.get(name="王一").national_id
    client = client_for(inst_a, admin)
    page = client.get(reverse("member_import:page")).content.decode()
    assert reverse("member_import:export_roster") in page and "导出含完整号码的名册" in page
    assert page.count(f'action="{reverse("member_import:export")}"') == 2
    refused = client.post(reverse("member_import:export"), {"format": "roster_full", "reason": "0"})
    assert refused.status_code == 200
    assert "请写明用途：事由至少 5 个字，不能只有数字或符号。" in refused.content.decode()
    done = client.post(reverse("member_import:export"), {"format": "roster_full", "reason": "年度党员信息核对"})
    assert done.status_code == 200 and "attachment" in done["Content-Disposition"]
    assert number in str(rows_of(b"".join(done.streaming_content)))  # type: ignore[attr-defined]
    national = client.post(reverse("member_import:export"), {"format": "national", "reason": "上报全国系统"})
    assert national.status_code == 200 and "attachment" in national["Content-Disposition"]
