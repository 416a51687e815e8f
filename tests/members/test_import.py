"""Roster import: every validation rule with its Chinese message, the preview, an idempotent and
atomic commit with history and audit, scope, the pages and the status API, the error report,
the template, CSV encodings, and one upload -> validate -> commit through a real worker."""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from services.accounts.models import User
from services.audit.models import AuditEvent
from services.crypto import blind_index
from services.members import audit_events as member_events
from services.members import imports, national_id, tasks
from services.members.fake_ids import fake_national_id
from services.members.imports import HEADERS, ImportFileError, Sheet
from services.members.models import ImportJob, Member, MemberChange
from services.organization.models import OrgUnit, Position
from services.organization.services import org_unit_create
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import Institutions, client_for, in_schema
from tests.factories import MemberFactory, UserFactory
from tests.members.helpers import Tree, build_tree, person, unit_admin

_rng = random.Random(20260)


def identity(born: date = date(1995, 6, 1), *, male: bool = True) -> tuple[str, date, str]:
    """(ID number, birth date, gender) that agree with each other."""
    return fake_national_id(_rng, born, male), born, "male" if male else "female"


def row(**cells: str) -> dict[str, str]:
    """A valid row of the roster file (by header); ``cells`` override, ``姓名="…"`` style via dict."""
    number, born, gender = identity()
    values = {
        "姓名": "张三",
        "性别": "男" if gender == "male" else "女",
        "民族": "汉族",
        "出生日期": born.isoformat(),
        "身份证号": number,
        "手机号": "13800138000",
        "籍贯": "山东济南",
        "学历": "大学本科",
        "学位": "学士",
        "人员类别": "学生",
        "学号/工号": "S2019001",
        "所在支部": "X支部",
        "党籍状态": "正式党员",
        "入党日期": "2016-06-30",
        "转正日期": "2017-06-30",
        "保留组织关系起始日期": "",
    }
    values.update(cells)
    return values


def sheet_of(rows: list[dict[str, str]], headers: tuple[str, ...] = HEADERS) -> Sheet:
    return Sheet(headers=list(headers), rows=[(n, [r.get(h, "") for h in headers]) for n, r in enumerate(rows, 2)])


def xlsx(rows: list[dict[str, str]], headers: tuple[str, ...] = HEADERS, *, title_rows: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for _ in range(title_rows):
        sheet.append(["某某学院党员名册"])
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(h, "") for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict[str, str]], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for values in rows:
        writer.writerow([values.get(h, "") for h in HEADERS])
    return out.getvalue().encode(encoding)


@dataclass
class World:
    tree: Tree
    admin: User  # unit admin of the college: manages X and Y, not Z
    secretary: User  # secretary of branch X
    viewer: User  # propaganda commissioner of X: sees, does not manage


@pytest.fixture
def world(inst_a: Institution) -> Iterator[World]:
    with in_schema(inst_a):
        tree = build_tree()
        number, born, gender = identity(date(1980, 1, 2))
        yield World(
            tree=tree,
            admin=unit_admin(tree.college, "college_admin"),
            secretary=person(
                tree.branch_x,
                "sec_x",
                Position.Kind.SECRETARY,
                name="书记",
                national_id=number,
                national_id_index=blind_index(number),
                birth_date=born,
                gender=gender,
            ),
            viewer=person(tree.branch_x, "prop_x", Position.Kind.PROPAGANDA, **_identity_fields()),
        )


def _identity_fields() -> dict[str, Any]:
    number, born, gender = identity(date(1985, 3, 4), male=False)
    return {"national_id": number, "national_id_index": blind_index(number), "birth_date": born, "gender": gender}


def check(user: User, rows: list[dict[str, str]], headers: tuple[str, ...] = HEADERS) -> imports.Plan:
    return imports.import_check(sheet=sheet_of(rows, headers), acting_user=user)


def messages_of(plan: imports.Plan) -> list[tuple[int | None, str, str]]:
    return [(error["row"], error["column"], error["message"]) for error in plan.errors]


def start(inst: Institution, user: User, content: bytes, filename: str = "名册.xlsx") -> ImportJob:
    return imports.import_start(
        acting_user=user,
        upload=io.BytesIO(content),
        filename=filename,
        schema_name=inst.schema_name,
        language="zh-hans",
    )


def run_validation(inst: Institution, job: ImportJob) -> ImportJob:
    tasks.validate_import.run(inst.schema_name, str(job.pk))
    with in_schema(inst):
        return ImportJob.objects.get(pk=job.pk)


def run_commit(inst: Institution, job: ImportJob, user: User) -> ImportJob:
    with in_schema(inst):
        assert imports.import_confirm(job=job, acting_user=user, schema_name=inst.schema_name, language="zh-hans")
    tasks.commit_import.run(inst.schema_name, str(job.pk))
    with in_schema(inst):
        return ImportJob.objects.get(pk=job.pk)


def import_file(inst: Institution, user: User, content: bytes, filename: str = "名册.xlsx") -> ImportJob:
    with in_schema(inst):
        job = start(inst, user, content, filename)
    job = run_validation(inst, job)
    assert job.status == ImportJob.Status.PREVIEW, job.errors
    return run_commit(inst, job, user)


# --- validation, one rule at a time -------------------------------------------------------------


def _other_id() -> str:
    number, _, _ = identity(date(1995, 6, 1))
    return number


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"身份证号": "110105194912310021"}, "身份证号", "身份证号校验位不正确"),
        ({"身份证号": "1101051949123100"}, "身份证号", "身份证号应为 18 位"),
        ({"身份证号": "3.70102199001011E+17"}, "身份证号", "科学计数法"),
        ({"出生日期": "1995-06-02"}, "出生日期", "出生日期与身份证号不一致"),
        ({"性别": "女"}, "性别", "性别与身份证号不一致"),
        ({"所在支部": "不存在的支部"}, "所在支部", "找不到名为“不存在的支部”的党支部"),
        ({"所在支部": "Z支部"}, "所在支部", "您无权管理“Z支部”的党员"),
        ({"入党日期": "2016-13-45"}, "入党日期", "日期不存在：2016-13-45（月份应为 1–12）"),
        ({"入党日期": "去年七月"}, "入党日期", "日期格式不正确"),
        ({"转正日期": (date.today() + timedelta(days=3)).isoformat()}, "转正日期", "日期不能晚于今天"),
        ({"人员类别": "干部"}, "人员类别", "无法识别“干部”，可填：学生、教师、职工、离退休"),
        ({"党籍状态": "党员"}, "党籍状态", "无法识别“党员”"),
        ({"性别": "未知"}, "性别", "无法识别“未知”"),
        ({"手机号": "12345"}, "手机号", "手机号应为 11 位数字"),
        ({"姓名": ""}, "姓名", "“姓名”不能为空"),
        ({"所在支部": ""}, "所在支部", "“所在支部”不能为空"),
        ({"籍贯": "长" * 51}, "籍贯", "“籍贯”不能超过 50 个字"),
        ({"入党日期": "2017-06-30", "转正日期": "2016-06-30"}, "转正日期", "转正日期早于入党日期"),
        ({"入党日期": "1990-01-01"}, "入党日期", "入党日期早于出生日期"),
        ({"党籍状态": "预备党员"}, "转正日期", "预备党员不应填写转正日期"),
    ],
)
def test_each_rule_reports_its_chinese_message_in_its_column(
    world: World, cells: dict[str, str], column: str, message: str
) -> None:
    plan = check(world.admin, [row(**cells)])
    assert [(r, c) for r, c, _ in messages_of(plan)] == [(2, column)], plan.errors
    assert message in plan.errors[0]["message"]
    assert not plan.creates


def test_an_ambiguous_branch_name_is_reported(world: World) -> None:
    org_unit_create(name="X支部", kind=OrgUnit.Kind.BRANCH, parent=world.tree.college)
    plan = check(world.admin, [row()])
    assert messages_of(plan) == [
        (2, "所在支部", "有 2 个党支部都叫“X支部”，无法确定是哪一个，请先在组织架构中区分名称。")
    ]


def test_a_closed_branch_is_reported(world: World) -> None:
    OrgUnit.objects.filter(pk=world.tree.branch_y.pk).update(closed_on=date(2024, 1, 1))
    plan = check(world.admin, [row(所在支部="Y支部")])
    assert messages_of(plan) == [(2, "所在支部", "党支部“Y支部”已撤销。")]


def test_every_error_of_every_row_is_reported_not_just_the_first(world: World) -> None:
    plan = check(
        world.admin,
        [
            row(),
            row(身份证号="110105194912310021", 手机号="123"),
            row(),
            row(人员类别="干部", 所在支部="Z支部", 入党日期="x"),
        ],
    )
    assert [(r, c) for r, c, _ in messages_of(plan)] == [
        (3, "身份证号"),
        (3, "手机号"),
        (5, "人员类别"),
        (5, "入党日期"),
        (5, "所在支部"),
    ]
    assert len(plan.creates) == 2  # the preview still counts the good rows


def test_a_duplicate_id_number_within_the_file_names_the_first_row(world: World) -> None:
    first = row()
    plan = check(world.admin, [first, row(), dict(first, 姓名="张三丰")])
    assert messages_of(plan) == [(4, "身份证号", "身份证号与第 2 行重复。")]


def test_missing_required_columns_are_a_file_level_error(world: World) -> None:
    headers = tuple(h for h in HEADERS if h not in ("身份证号", "所在支部"))
    plan = check(world.admin, [row()], headers)
    assert messages_of(plan) == [
        (None, "", "缺少必填列：身份证号、所在支部。"),
        (
            None,
            "身份证号",
            "该列可用的列名：身份证号、公民身份号码、身份证号码、居民身份证号码、身份证件号码、证件号码。",
        ),
        (
            None,
            "所在支部",
            "该列可用的列名：所在支部、所在党支部、党支部、支部、所属党支部、所属支部、党支部名称、支部名称。",
        ),
    ]


def test_optional_columns_may_be_left_out_and_gender_and_birth_date_come_from_the_id(world: World) -> None:
    headers = ("姓名", "身份证号", "人员类别", "所在支部", "党籍状态")
    number, born, gender = identity(date(1999, 9, 9), male=False)
    plan = check(world.admin, [row(身份证号=number)], headers)
    assert not plan.errors
    assert plan.creates[0]["birth_date"] == born and plan.creates[0]["gender"] == gender


@pytest.mark.parametrize(
    "typed", ["2016/6/30", "2016年6月30日", "20160630", "2016.06.30", "42551", "２０１６-０６-３０"]
)
def test_dates_are_read_the_ways_spreadsheets_write_them(world: World, typed: str) -> None:
    plan = check(world.admin, [row(入党日期=typed, 转正日期="")])
    assert not plan.errors
    assert plan.creates[0]["joined_on"] == date(2016, 6, 30)


def test_full_width_digits_and_a_lower_case_x_are_accepted(world: World) -> None:
    number = "11010519491231002X"
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)
    plan = check(
        world.admin, [row(身份证号=wide, 出生日期="1949-12-31", 性别="女", 入党日期="1970-01-01", 转正日期="")]
    )
    assert not plan.errors, plan.errors
    assert plan.creates[0]["national_id"] == number


def test_an_existing_id_with_another_name_is_a_conflict_the_same_person_is_an_update(world: World) -> None:
    number, born, gender = identity(date(1990, 2, 3))
    MemberFactory(
        name="李四",
        branch=world.tree.branch_x,
        national_id=number,
        national_id_index=blind_index(number),
        birth_date=born,
        gender=gender,
        category="student",
        status="normal",
    )
    conflict = check(world.admin, [row(身份证号=number, 姓名="王五", 出生日期=born.isoformat())])
    assert messages_of(conflict) == [(2, "姓名", "该身份证号已登记为“李四”的档案，与本行姓名不一致。")]
    same = check(world.admin, [row(身份证号=number, 姓名="李四", 出生日期=born.isoformat())])
    assert not same.errors and not same.creates and len(same.updates) == 1


def test_an_existing_record_outside_the_managed_scope_is_refused_without_naming_it(world: World) -> None:
    number, born, gender = identity(date(1990, 2, 3))
    MemberFactory(
        name="赵六",
        branch=world.tree.branch_z,
        national_id=number,
        national_id_index=blind_index(number),
        birth_date=born,
        gender=gender,
    )
    plan = check(world.admin, [row(身份证号=number, 姓名="赵六", 出生日期=born.isoformat())])
    assert messages_of(plan) == [(2, "身份证号", "该身份证号无法导入到您管理的支部，请联系学校党委组织部。")]
    assert "赵六" not in str(plan.errors)


def test_status_changes_are_not_made_by_import(world: World) -> None:
    number, born, gender = identity(date(1990, 2, 3))
    MemberFactory(
        name="钱七",
        branch=world.tree.branch_x,
        national_id=number,
        national_id_index=blind_index(number),
        birth_date=born,
        gender=gender,
        status="probationary",
    )
    plan = check(world.admin, [row(身份证号=number, 姓名="钱七", 出生日期=born.isoformat(), 转正日期="")])
    assert messages_of(plan) == [
        (2, "党籍状态", "党籍状态不能通过导入变更（档案中为“预备党员”），请在党员档案中办理状态变更。")
    ]


def test_a_secretary_may_import_into_their_branch_only(world: World) -> None:
    plan = check(world.secretary, [row(), row(所在支部="Y支部")])
    assert messages_of(plan) == [(3, "所在支部", "您无权管理“Y支部”的党员。")]


# --- reading files --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_or_utf8_with_or_without_bom_is_read(world: World, encoding: str) -> None:
    sheet = imports.sheet_read(content=io.BytesIO(csv_bytes([row(姓名="欧阳娜娜")], encoding)), filename="a.csv")
    assert sheet.headers == list(HEADERS)
    assert sheet.rows[0][1][0] == "欧阳娜娜"
    assert not imports.import_check(sheet=sheet, acting_user=world.admin).errors


def test_xlsx_header_below_a_title_row_and_empty_rows_are_handled(world: World) -> None:
    content = xlsx([row(), {}, row()], title_rows=2)
    sheet = imports.sheet_read(content=io.BytesIO(content), filename="a.xlsx")
    assert [number for number, _ in sheet.rows] == [4, 6]  # spreadsheet row numbers, the empty row skipped
    assert sheet.headers == list(HEADERS)


def test_an_id_number_typed_into_a_number_cell_is_reported_not_truncated(world: World) -> None:
    number = "11010519491231003" + national_id.check_digit("11010519491231003")
    assert number.isdigit()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    values = row(身份证号=number, 出生日期="", 性别="", 入党日期="1970-01-01")
    sheet.append([float(number) if h == "身份证号" else values[h] for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    parsed = imports.sheet_read(content=io.BytesIO(out.getvalue()), filename="a.xlsx")
    plan = imports.import_check(sheet=parsed, acting_user=world.admin)
    assert [(e["column"], "科学计数法" in e["message"]) for e in plan.errors] == [("身份证号", True)]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"not a zip", "a.xlsx", "无法读取该 Excel 文件"),
        (b"x", "a.xls", "只能导入 .xlsx 或 .csv 文件"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(content: bytes, filename: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        imports.sheet_read(content=io.BytesIO(content), filename=filename)


def test_an_xlsx_whose_shared_strings_inflate_past_the_limit_is_refused_before_it_is_parsed(settings: Any) -> None:
    from tests.documents.files import xlsx_with_shared_strings

    settings.UNZIP_MAX_ENTRY_BYTES = 1024 * 1024
    bomb = xlsx_with_shared_strings(3 * 1024 * 1024)
    with mock.patch("services.members.imports.reading.load_workbook") as parse:
        with pytest.raises(ImportFileError, match=r"文件解压后过大.*无法导入"):
            imports.sheet_read(content=io.BytesIO(bomb), filename="名册.xlsx")
    parse.assert_not_called()


# --- committing ---------------------------------------------------------------------------------


def test_commit_creates_members_with_history_and_one_audit_row(inst_a: Institution, world: World) -> None:
    rows = [row(姓名=f"党员{i}", 所在支部="X支部" if i % 2 else "Y支部") for i in range(5)]
    with in_schema(inst_a):
        audits_before = AuditEvent.objects.filter(event=member_events.MEMBERS_IMPORTED).count()
    job = import_file(inst_a, world.admin, xlsx(rows))
    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (5, 0, 0)
    with in_schema(inst_a):
        created = Member.objects.filter(name__startswith="党员")
        assert created.count() == 5
        member = created.get(name="党员0")
        assert member.national_id == rows[0]["身份证号"] and member.phone == "13800138000"
        assert member.national_id_index == blind_index(rows[0]["身份证号"])
        assert member.national_id_tail_index == national_id.tail_index(rows[0]["身份证号"])  # self-activation reads it
        assert member.branch == world.tree.branch_y and member.status == "normal" and member.category == "student"
        assert member.joined_on == date(2016, 6, 30)
        with connection.cursor() as cursor:  # encrypted at rest
            cursor.execute("SELECT national_id, phone FROM members_member WHERE id = %s", [member.pk])
            stored_id, stored_phone = cursor.fetchone()
        assert rows[0]["身份证号"] not in stored_id and "13800138000" not in stored_phone
        history = MemberChange.objects.get(member=member)
        assert history.kind == "imported" and history.actor_username == "college_admin"
        assert history.changes["national_id"][1] == rows[0]["身份证号"][:4] + "*" * 10 + rows[0]["身份证号"][-4:]
        assert history.changes["branch"] == [None, "Y支部"]
        assert MemberChange.objects.filter(member__in=created, kind="imported").count() == 5
        audits = AuditEvent.objects.filter(event=member_events.MEMBERS_IMPORTED)
        assert audits.count() == audits_before + 1  # one row for the whole import
        assert audits.get(object_id=str(job.pk)).detail["created"] == 5
        assert not get_storage().exists(imports.jobs._rows_key(job))  # the parsed copy goes, the upload stays
        assert get_storage().exists(job.file_key)


def test_importing_the_same_file_again_changes_nothing(inst_a: Institution, world: World) -> None:
    content = xlsx([row(姓名=f"党员{i}") for i in range(4)])
    import_file(inst_a, world.admin, content)
    with in_schema(inst_a):
        before = list(Member.objects.order_by("pk").values())
        changes = MemberChange.objects.count()
    again = import_file(inst_a, world.admin, content)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    with in_schema(inst_a):
        assert list(Member.objects.order_by("pk").values()) == before
        assert MemberChange.objects.count() == changes


def test_a_changed_row_updates_the_record_and_records_what_changed(inst_a: Institution, world: World) -> None:
    first = row(姓名="孙八")
    import_file(inst_a, world.admin, xlsx([first, row(姓名="周九")]))
    job = import_file(
        inst_a,
        world.admin,
        xlsx([dict(first, 手机号="13912345678", 学历="硕士研究生", 所在支部="Y支部"), row(姓名="吴十")]),
    )
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 0)
    with in_schema(inst_a):
        member = Member.objects.get(name="孙八")
        assert member.phone == "13912345678" and member.education == "硕士研究生"
        assert member.branch == world.tree.branch_y
        change = MemberChange.objects.filter(member=member).order_by("-id").first()
        assert change is not None and change.kind == "imported"
        assert change.changes == {
            "phone": ["138****8000", "139****5678"],
            "education": ["大学本科", "硕士研究生"],
            "branch": ["X支部", "Y支部"],
        }


def test_a_database_error_midway_leaves_the_database_as_it_was(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([row(姓名=f"党员{i}") for i in range(3)]))
    job = run_validation(inst_a, job)

    def fail(cursor: Any, **kwargs: Any) -> None:
        cursor.execute("SELECT 1 / 0")  # after the members are written, before the history

    with mock.patch.object(imports.jobs, "_write_history", fail):
        job = run_commit(inst_a, job, world.admin)
    assert job.status == ImportJob.Status.FAILED and "未作任何修改" in job.failure
    with in_schema(inst_a):
        assert not Member.objects.filter(name__startswith="党员").exists()
        assert not MemberChange.objects.filter(kind="imported").exists()
        assert not AuditEvent.objects.filter(event=member_events.MEMBERS_IMPORTED, object_id=str(job.pk)).exists()


def test_the_commit_checks_again_and_writes_nothing_when_records_changed_since_the_preview(
    inst_a: Institution, world: World
) -> None:
    rows = [row(姓名="郑一"), row(姓名="冯二")]
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx(rows))
    job = run_validation(inst_a, job)
    assert job.status == ImportJob.Status.PREVIEW
    with in_schema(inst_a):
        number = rows[1]["身份证号"]
        MemberFactory(
            name="陈三",
            branch=world.tree.branch_x,
            national_id=number,
            national_id_index=blind_index(number),
            birth_date=date(1995, 6, 1),
        )
    job = run_commit(inst_a, job, world.admin)
    assert job.status == ImportJob.Status.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "姓名")]
    with in_schema(inst_a):
        assert not Member.objects.filter(name="郑一").exists()


def test_a_job_runs_each_step_once(inst_a: Institution, world: World) -> None:
    job = import_file(inst_a, world.admin, xlsx([row(姓名="褚四")]))
    tasks.commit_import.run(inst_a.schema_name, str(job.pk))  # a redelivered task
    tasks.validate_import.run(inst_a.schema_name, str(job.pk))
    with in_schema(inst_a):
        assert Member.objects.filter(name="褚四").count() == 1
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
        assert not imports.import_confirm(
            job=job, acting_user=world.admin, schema_name=inst_a.schema_name, language="zh-hans"
        )


def test_an_invalid_preview_cannot_be_confirmed(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([row(身份证号="123")]))
    job = run_validation(inst_a, job)
    assert job.status == ImportJob.Status.INVALID
    with in_schema(inst_a):
        assert not imports.import_confirm(
            job=job, acting_user=world.admin, schema_name=inst_a.schema_name, language="zh-hans"
        )


def test_the_worker_writes_errors_in_the_uploaders_language(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        job = imports.import_start(
            acting_user=world.admin,
            upload=io.BytesIO(xlsx([row(手机号="123")])),
            filename="a.xlsx",
            schema_name=inst_a.schema_name,
            language="en",
        )
    tasks.validate_import.run(inst_a.schema_name, str(job.pk), "en")
    with in_schema(inst_a):
        error = ImportJob.objects.get(pk=job.pk).errors[0]
    assert error["column"] == "手机号"  # the file's own column name
    assert error["message"] and not re.search(r"[\u4e00-\u9fff]", error["message"]), error["message"]


# --- scope and the pages ------------------------------------------------------------------------


def test_only_managers_may_import(inst_a: Institution, world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        start(inst_a, world.viewer, xlsx([row()]))
    response = client_for(inst_a, world.viewer).get(reverse("member_import:page"))
    assert response.status_code == 403
    assert client_for(inst_a, world.viewer).get(reverse("member_import:template")).status_code == 403
    assert client_for(inst_a).get(reverse("member_import:page")).status_code == 302  # signed out: to sign-in


def test_upload_page_stores_the_file_queues_validation_and_shows_the_preview(
    inst_a: Institution, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(inst_a, world.admin)
    assert "上传并校验" in client.get(reverse("member_import:page")).content.decode()
    content = xlsx([row(姓名="卫五")])
    with mock.patch("tenants.queueing.publish") as delay, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member_import:page"), {"file": _upload(content, "学院名册.xlsx")})
    with in_schema(inst_a):
        job = ImportJob.objects.get(created_by=world.admin)
    assert response.status_code == 302 and response.url == reverse("member_import:job", kwargs={"pk": str(job.pk)})
    assert job.file_key == f"{inst_a.schema_name}/imports/{job.pk}/学院名册.xlsx" and job.filename == "学院名册.xlsx"
    with get_storage().open(job.file_key) as stored:
        assert stored.read() == content
    delay.assert_called_once_with(tasks.validate_import, (inst_a.schema_name, str(job.pk), "zh-hans"), None)

    page = client.get(reverse("member_import:job", kwargs={"pk": str(job.pk)})).content.decode()
    assert "data-import-status" in page and "members/import.js" in page  # polls while validating
    run_validation(inst_a, job)
    status = client.get(reverse("member_import:status", kwargs={"pk": str(job.pk)})).json()
    assert status["status"] == "preview" and status["created"] == 1 and status["processed_rows"] == 1
    page = client.get(reverse("member_import:job", kwargs={"pk": str(job.pk)})).content.decode()
    assert "确认导入" in page and "data-confirm" in page

    with mock.patch("tenants.queueing.publish") as commit, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member_import:confirm", kwargs={"pk": str(job.pk)}))
    assert response.status_code == 302
    commit.assert_called_once_with(tasks.commit_import, (inst_a.schema_name, str(job.pk), "zh-hans"), None)
    tasks.commit_import.run(inst_a.schema_name, str(job.pk))
    assert client.get(reverse("member_import:status", kwargs={"pk": str(job.pk)})).json()["status"] == "done"
    with in_schema(inst_a):
        assert Member.objects.filter(name="卫五").exists()


def _upload(content: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_upload_form_refuses_other_file_types(inst_a: Institution, world: World) -> None:
    response = client_for(inst_a, world.admin).post(reverse("member_import:page"), {"file": _upload(b"x", "a.xls")})
    assert response.status_code == 200 and "只能导入 .xlsx 或 .csv 文件" in response.content.decode()
    with in_schema(inst_a):
        assert not ImportJob.objects.exists()


def test_a_job_is_visible_to_its_uploader_only(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([row()]))
        other = UserFactory(username="other_admin", is_superuser=True)
    client = client_for(inst_a, other)
    for name in ("job", "status", "error_report"):
        assert client.get(reverse(f"member_import:{name}", kwargs={"pk": str(job.pk)})).status_code == 404
    assert client.post(reverse("member_import:confirm", kwargs={"pk": str(job.pk)})).status_code == 404
    assert client.get(reverse("member_import:job", kwargs={"pk": "not-a-uuid"})).status_code == 404


def test_invalid_preview_page_lists_errors_and_links_the_report(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([row(手机号="123")]))
    run_validation(inst_a, job)
    page = client_for(inst_a, world.admin).get(reverse("member_import:job", kwargs={"pk": str(job.pk)}))
    html = page.content.decode()
    assert "发现 1 处错误，未导入任何数据" in html and "手机号应为 11 位数字" in html and "下载错误报告" in html


# --- the error report and the template ------------------------------------------------------------


def test_error_report_is_the_original_rows_with_an_error_column(inst_a: Institution, world: World) -> None:
    good, bad = row(姓名="好人"), row(姓名="坏行", 手机号="123", 人员类别="干部")
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([good, bad]))
    job = run_validation(inst_a, job)
    assert job.status == ImportJob.Status.INVALID and job.error_report_key
    response = client_for(inst_a, world.admin).get(reverse("member_import:error_report", kwargs={"pk": str(job.pk)}))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)  # type: ignore[arg-type]
    values = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    assert values[0] == [*HEADERS, "错误"]
    width = len(HEADERS)
    # openpyxl reads an empty cell back as None.
    assert values[1][:width] == [good[h] or None for h in HEADERS] and values[1][width:] in ([], [None])
    assert values[2][:width] == [bad[h] or None for h in HEADERS]
    assert (
        values[2][width]
        == "手机号：手机号应为 11 位数字，以 1 开头。；人员类别：无法识别“干部”，可填：学生、教师、职工、离退休。"
    )


def test_the_fixed_error_report_imports(inst_a: Institution, world: World) -> None:
    bad = row(姓名="改好了", 手机号="123")
    with in_schema(inst_a):
        job = start(inst_a, world.admin, xlsx([bad]))
    job = run_validation(inst_a, job)
    with in_schema(inst_a), get_storage().open(job.error_report_key) as report:
        workbook = load_workbook(report)
    sheet = workbook.worksheets[0]
    sheet.cell(row=2, column=HEADERS.index("手机号") + 1, value="13700001111")
    out = io.BytesIO()
    workbook.save(out)
    done = import_file(inst_a, world.admin, out.getvalue())
    assert done.created_count == 1


def test_template_has_the_header_row_and_one_explanation_line_per_column(inst_a: Institution, world: World) -> None:
    response = client_for(inst_a, world.admin).get(reverse("member_import:template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[arg-type]
    assert workbook.sheetnames == ["党员名册", "说明"]
    data = workbook["党员名册"]
    assert [c.value for c in data[1]] == list(HEADERS) and data.max_row == 1
    assert data.column_dimensions["E"].number_format == "@"  # 身份证号 kept as text by Excel
    help_rows = [list(r) for r in workbook["说明"].iter_rows(min_row=2, max_row=len(HEADERS) + 1, values_only=True)]
    assert [r[0] for r in help_rows] == list(HEADERS)
    assert all(r[2] and r[3] and r[4] for r in help_rows)  # meaning, format, example
    by_header = {r[0]: r for r in help_rows}
    assert by_header["身份证号"][1] == "必填" and by_header["手机号"][1] == "选填"
    assert "正式党员" in by_header["党籍状态"][3]
    # The template's own example values import.
    example = {r[0]: str(r[4]) for r in help_rows}
    # The retained start date is for retained members only; the example status is 正式党员.
    plan = check(world.admin, [dict(example, 所在支部="X支部", 保留组织关系起始日期="")])
    assert not plan.errors, plan.errors
    plan = check(world.admin, [dict(example, 所在支部="X支部", 党籍状态="毕业保留组织关系")])
    assert not plan.errors, plan.errors


def test_template_imports_once_filled_in(inst_a: Institution, world: World) -> None:
    with in_schema(inst_a):
        out = io.BytesIO()
        imports.template_write(out=out)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    workbook["党员名册"].append([row(姓名="模板用户")[h] for h in HEADERS])
    filled = io.BytesIO()
    workbook.save(filled)
    assert import_file(inst_a, world.admin, filled.getvalue()).created_count == 1


def test_csv_upload_in_gbk_imports(inst_a: Institution, world: World) -> None:
    job = import_file(inst_a, world.admin, csv_bytes([row(姓名="欧阳娜娜", 所在支部="Y支部")], "gbk"), "名册.csv")
    assert job.created_count == 1
    with in_schema(inst_a):
        assert Member.objects.get(name="欧阳娜娜").branch == world.tree.branch_y


# --- a real worker ------------------------------------------------------------------------------


@pytest.fixture
def committed(django_db_blocker: Any, institutions: Institutions) -> Iterator[Institutions]:
    with django_db_blocker.unblock():
        yield institutions


def test_upload_validate_and_commit_through_a_real_worker(committed: Institutions) -> None:
    from tests.platform.celery_worker import celery_worker, wait_until

    inst = committed.a
    marker = "工作进程测试支部"
    with in_schema(inst):
        committee = org_unit_create(name="工作进程测试党委", kind=OrgUnit.Kind.COMMITTEE)
        branch = org_unit_create(name=marker, kind=OrgUnit.Kind.BRANCH, parent=committee)
        user = UserFactory(username="import_worker_admin", is_superuser=True)
    client = client_for(inst, user)
    rows = [row(姓名=f"进程{i}", 所在支部=marker) for i in range(3)]
    job_pk = None

    def status() -> str:
        return client.get(reverse("member_import:status", kwargs={"pk": job_pk})).json()["status"]

    try:
        with celery_worker():  # the views' .delay() calls reach this worker's queue
            response = client.post(reverse("member_import:page"), {"file": _upload(xlsx(rows), "worker.xlsx")})
            assert response.status_code == 302
            job_pk = response.url.rstrip("/").rsplit("/", 1)[-1]
            wait_until(lambda: status() == "preview", timeout=120, what="the worker to validate the upload")
            client.post(reverse("member_import:confirm", kwargs={"pk": job_pk}))
            wait_until(lambda: status() == "done", timeout=120, what="the worker to commit the import")
        with in_schema(inst):
            assert Member.objects.filter(branch=branch).count() == 3
            assert MemberChange.objects.filter(member__branch=branch, kind="imported").count() == 3
        with in_schema(committed.b):
            assert not Member.objects.filter(name__startswith="进程").exists()
    finally:
        with in_schema(inst):
            if job_pk:
                job = ImportJob.objects.filter(pk=job_pk).first()
                if job is not None:
                    get_storage().delete_prefix(job.file_key.rsplit("/", 1)[0])
                    job.delete()
            Member.objects.filter(branch__name=marker).delete()  # history rows cascade
            OrgUnit.objects.filter(name=marker).delete()
            OrgUnit.objects.filter(name="工作进程测试党委").delete()
            client.logout()
            User.objects.filter(username="import_worker_admin").delete()


# --- the retained start date (保留组织关系起始日期) ------------------------------------------------


def test_a_retained_graduate_imported_with_the_start_date_gets_the_two_year_reminder(
    inst_a: Institution, world: World
) -> None:
    from dateutil.relativedelta import relativedelta

    from services.members import reminders as sources
    from services.members.selectors import retained_since

    today = date.today()
    since = today + timedelta(days=10) - relativedelta(years=2)  # the limit falls inside the lead days
    graduate = row(姓名="留校毕业生", 党籍状态="毕业保留组织关系", 保留组织关系起始日期=since.strftime("%Y/%m/%d"))
    assert import_file(inst_a, world.admin, xlsx([graduate])).created_count == 1
    with in_schema(inst_a):
        member = Member.objects.get(name="留校毕业生")
        assert member.status == Member.Status.RETAINED
        assert retained_since() == {member.pk: since}
        status_row = MemberChange.objects.get(member=member, kind="status")
        assert status_row.changes == {"status": [None, "retained"], "effective_on": [None, since.isoformat()]}
        assert status_row.reason == "导入：名册.xlsx" and status_row.actor_id == world.admin.pk
        [due] = [d for d in sources.retained_limit(today) if d.member_id == member.pk]
        assert due.due_on == since + relativedelta(years=2)


def test_a_retained_start_date_is_recorded_later_by_importing_it_and_an_empty_cell_keeps_it(
    inst_a: Institution, world: World
) -> None:
    from services.members.selectors import retained_since

    graduate = row(姓名="先导入后补登", 党籍状态="毕业保留组织关系")
    assert import_file(inst_a, world.admin, xlsx([graduate])).created_count == 1
    with in_schema(inst_a):
        member = Member.objects.get(name="先导入后补登")
        assert retained_since() == {}  # unknown: the reminders ask for it
    done = import_file(inst_a, world.admin, xlsx([dict(graduate, 保留组织关系起始日期="2025-07-01")]))
    assert (done.updated_count, done.unchanged_count) == (1, 0)
    with in_schema(inst_a):
        assert retained_since() == {member.pk: date(2025, 7, 1)}
        imported = MemberChange.objects.filter(member=member, kind="imported").latest("id")
        assert imported.changes == {"retained_since": [None, "2025-07-01"]}
    # The same date again, or an empty cell: nothing changes, the date stays.
    for cell in ("2025-07-01", ""):
        again = import_file(inst_a, world.admin, xlsx([dict(graduate, 保留组织关系起始日期=cell)]))
        assert (again.updated_count, again.unchanged_count) == (0, 1)
    # A corrected date replaces it (the latest status row wins).
    import_file(inst_a, world.admin, xlsx([dict(graduate, 保留组织关系起始日期="2025-06-30")]))
    with in_schema(inst_a):
        assert retained_since() == {member.pk: date(2025, 6, 30)}


def test_a_retained_start_date_is_refused_where_it_does_not_belong(world: World) -> None:
    plan = check(
        world.admin,
        [
            row(姓名="正式党员", 保留组织关系起始日期="2025-07-01"),
            row(姓名="早于入党", 党籍状态="毕业保留组织关系", 入党日期="2016-06-30", 保留组织关系起始日期="2015-07-01"),
            row(姓名="日期不对", 党籍状态="毕业保留组织关系", 保留组织关系起始日期="明年七月"),
        ],
    )
    assert messages_of(plan) == [
        (2, "保留组织关系起始日期", "只有党籍状态为“毕业保留组织关系”的党员才填写此列。"),
        (3, "保留组织关系起始日期", "保留组织关系起始日期早于入党日期。"),
        (4, "保留组织关系起始日期", "日期格式不正确，应为 YYYY-MM-DD（例如 2001-07-01）。"),
    ]
