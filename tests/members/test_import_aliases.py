"""Rosters as they really arrive (docs/imports.md): the national system's export and spreadsheets in
its column names, synonyms of names and values, title rows, full-width digits, unknown columns;
the alias table documented from the module itself; and the preview saying which column it read."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from services.accounts.models import User
from services.crypto import blind_index
from services.members import exports, imports
from services.members.fake_ids import fake_national_id
from services.members.imports import aliases
from services.members.imports.row_checks import parse_date
from services.members.models import ImportJob, Member
from tenants.models import Institution
from tests.conftest import client_for, in_schema
from tests.factories import MemberFactory
from tests.members import test_import as roster
from tests.members.helpers import build_tree
from tests.members.test_import import World, check, identity, import_file, messages_of, row, run_validation, start

world = roster.world  # the roster tests' fixture: a tree, the college's admin, X's secretary
ROOT = Path(__file__).resolve().parents[2]
NATIONAL = (
    "序号",
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
    "党员状态",
    "手机号码",
    "备注",
)
_rng = random.Random(11)


def wide(text: str) -> str:
    """Digits and ASCII letters as a Chinese input method types them in full-width mode."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def titled_xlsx(headers: tuple[str, ...], rows: list[list[Any]]) -> bytes:
    """A roster as offices make them: a merged title row and a merged subtitle above the header."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["计算机学院党员信息一览表"])
    sheet.append(["填报单位：计算机学院党委（盖章）", None, None, None, None, "填报日期：2026年12月"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=5)
    sheet.append(list(headers))
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def by_national_id() -> dict[str, dict[str, Any]]:
    """Every record by its ID number, with the fields the national export carries."""
    return {
        member.national_id: {
            "name": member.name,
            "gender": member.gender,
            "ethnicity": member.ethnicity,
            "birth_date": member.birth_date,
            "education": member.education,
            "category": member.category,
            "branch": member.branch.name,
            "joined_on": member.joined_on,
            "confirmed_on": member.confirmed_on,
            "status": member.status,
            "phone": member.phone,
        }
        for member in Member.objects.select_related("branch")
    }


def national_identity(born: date, male: bool) -> dict[str, Any]:
    number = fake_national_id(_rng, born, male)
    return {"national_id": number, "national_id_index": blind_index(number), "birth_date": born}


# --- the national system's export -------------------------------------------------------------------


def test_the_national_export_imports_back_unchanged_and_carries_the_same_records(
    inst_a: Institution, inst_b: Institution, world: World
) -> None:
    with in_schema(inst_a):
        tree = world.tree
        MemberFactory(
            name="王一",
            branch=tree.branch_x,
            gender="female",
            phone="13800000001",
            ethnicity="回族",
            education="大学本科",
            category="student",
            status="probationary",
            joined_on=date(2025, 3, 1),
            **national_identity(date(2003, 5, 6), male=False),
        )
        MemberFactory(
            name="欧阳二",
            branch=tree.branch_y,
            gender="male",
            phone="",
            category="staff",
            status="mobile",
            joined_on=date(2001, 7, 1),
            confirmed_on=date(2002, 7, 1),
            **national_identity(date(1975, 1, 2), male=True),
        )
        out = io.BytesIO()
        count = exports.member_export_national(acting_user=world.admin, reason="上报组织部年度统计", out=out)
        before = by_national_id()
    assert count == 4  # the two above, the secretary and the viewer of branch X

    job = import_file(inst_a, world.admin, out.getvalue(), "全国党员管理信息系统.xlsx")
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == (ImportJob.Status.DONE, 0, 0, 4)
    assert {column["column"]: column["field"] for column in job.columns} == {
        "姓名": "name",
        "性别": "gender",
        "公民身份号码": "national_id",
        "民族": "ethnicity",
        "出生日期": "birth_date",
        "学历": "education",
        "人员类别": "category",
        "所在党支部": "branch",
        "入党日期": "joined_on",
        "转为正式党员日期": "confirmed_on",
        "党籍状态": "status",
        "联系电话": "phone",
    }
    with in_schema(inst_a):
        assert by_national_id() == before

    # Another institution with the same branches gets the same records from the file.
    with in_schema(inst_b):
        build_tree()
        admin_b = User.objects.get(username="admin")
    job = import_file(inst_b, admin_b, out.getvalue(), "全国党员管理信息系统.xlsx")
    assert job.created_count == 4
    with in_schema(inst_b):
        assert by_national_id() == before


# --- a roster in the national system's words, 2,000 rows -------------------------------------------

CATEGORY_WORDS = [*aliases.VALUE_ALIASES["category"], "学生", "教师", "职工", "离退休"]


def _national_rows(count: int) -> tuple[list[list[Any]], dict[str, int]]:
    rng = random.Random(2000)
    today = date.today()
    lookup = aliases.choice_lookup("category", Member.Category)
    rows, categories, seen = [], dict.fromkeys(Member.Category.values, 0), set()
    while len(rows) < count:
        born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 40 * 365))
        male = rng.random() < 0.5
        number = fake_national_id(rng, born, male)
        if number in seen:
            continue
        seen.add(number)
        index = len(rows)
        word = CATEGORY_WORDS[index % len(CATEGORY_WORDS)]
        categories[lookup[aliases.value_key(word)]] += 1
        probationary = index % 5 == 0
        joined = max(born + timedelta(days=19 * 366), today - timedelta(days=rng.randint(400, 5000)))
        if probationary:
            joined = today - timedelta(days=rng.randint(30, 300))
        name = (
            rng.choice("王李张刘陈杨赵黄周吴") + rng.choice("伟芳娜敏静丽强磊洋勇") + ("华" if index % 3 == 1 else "")
        )
        rows.append(
            [
                index + 1,
                name if len(name) == 3 else f"{name[0]}\u3000{name[1]}",  # two-character names padded
                "男性" if male else "女",
                wide(number) if index % 4 == 0 else number,
                "汉族",
                f"{born.year}年{born.month}月{born.day}日",
                "大学本科",
                word,
                "X支部" if index % 2 else " Y支部 ",
                joined.strftime("%Y/%m/%d") if index % 2 else joined.strftime("%Y%m%d"),
                "" if probationary else (joined + timedelta(days=365)).isoformat(),
                ("预备党员" if index % 10 else "预备") if probationary else ("正式党员" if index % 3 else "正式"),
                wide(f"139{index:08d}") if index % 7 == 0 else f"139{index:08d}",
                "",
            ]
        )
    return rows, categories


def test_a_2000_row_roster_in_the_national_systems_words_imports_every_row(inst_a: Institution, world: World) -> None:
    rows, categories = _national_rows(2000)
    assert categories["staff"] > 200  # 管理人员 and its kind: the rows once lost to “无法识别”
    job = import_file(inst_a, world.admin, titled_xlsx(NATIONAL, rows), "党员信息.xlsx")
    assert (job.status, job.created_count, job.errors) == (ImportJob.Status.DONE, 2000, [])
    unread = [column["column"] for column in job.columns if not column["field"]]
    assert unread == ["序号", "备注"]
    with in_schema(inst_a):
        imported = Member.objects.exclude(pk__in=[world.secretary.member.pk, world.viewer.member.pk])
        assert {c: imported.filter(category=c).count() for c in categories} == categories
        assert imported.filter(status=Member.Status.PROBATIONARY).count() == 400
        padded = imported.get(national_id_index=blind_index(aliases.value_key(rows[0][3])))  # a full-width ID
        assert len(padded.name) == 2 and padded.phone == "13900000000"  # a padded name, a full-width phone
        assert imported.get(national_id_index=blind_index(rows[7][3])).phone == "13900000007"


# --- synonyms, normalization, the header row ---------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "typed", "value"),
    [
        ("人员类别", "管理人员", "staff"),
        ("人员类别", "专任教师", "faculty"),
        ("人员类别", "本科生", "student"),
        ("人员类别", "退休", "retiree"),
        ("人员类别", " 管理 人员 ", "staff"),
        ("人员类别", "staff", "staff"),
        ("党籍状态", "正式", "normal"),
        ("党籍状态", "出国(境)", "abroad"),
        ("性别", "男性", "male"),
    ],
)
def test_synonyms_of_values_are_read_as_the_records_choices(world: World, column: str, typed: str, value: str) -> None:
    field = aliases.FIELD_OF_HEADER[column]
    plan = check(world.admin, [row(**{column: typed})])
    assert not plan.errors, plan.errors
    assert plan.creates[0][field] == value


def test_full_width_digits_spaces_and_a_padded_name_are_normalized(world: World) -> None:
    number, born, _gender = identity(date(1996, 3, 4))
    plan = check(
        world.admin,
        [
            row(
                姓名="李\u3000四",
                身份证号=wide(number[:6]) + " " + number[6:],
                手机号=wide("138 0013 8000"),
                **{"学号/工号": wide("S2019001")},
                出生日期=wide(born.isoformat()),
                所在支部="X 支部",
            )
        ],
    )
    assert not plan.errors, plan.errors
    created = plan.creates[0]
    assert (created["name"], created["national_id"], created["phone"], created["number"]) == (
        "李四",
        number,
        "13800138000",
        "S2019001",
    )
    assert created["branch"] == world.tree.branch_x


def test_a_record_saved_with_a_padded_name_is_unchanged_by_its_own_row(world: World) -> None:
    number, born, gender = identity(date(1991, 1, 1))
    MemberFactory(
        name="王\u3000五",
        branch=world.tree.branch_x,
        national_id=number,
        national_id_index=blind_index(number),
        birth_date=born,
        gender=gender,
        category="student",
        status="normal",
    )
    cells = {"姓名": "王五", "身份证号": number, "人员类别": "学生", "所在支部": "X支部", "党籍状态": "正式党员"}
    plan = check(world.admin, [cells], tuple(cells))
    assert (plan.errors, plan.unchanged) == ([], 1)


@pytest.mark.parametrize(
    "header", ["公民身份号码", "身份证号码", "证件号码", "* 身份证号", "身份证号（必填）", "身份证号:", "身份证号 "]
)
def test_the_id_column_is_found_by_any_of_its_names(world: World, header: str) -> None:
    columns = imports.ColumnMap([aliases.header_key(header)])
    assert columns.positions == {"national_id": 0}


def test_every_name_of_the_alias_table_maps_to_its_own_field_and_to_no_other() -> None:
    names = [(header, column.field) for column in imports.COLUMNS for header in aliases.accepted_headers(column.field)]
    assert len(aliases.FIELD_OF_HEADER) == len(names)  # no name, once normalized, means two fields
    assert all(aliases.FIELD_OF_HEADER[aliases.header_key(header)] == field for header, field in names)


def test_every_value_synonym_is_a_choice_of_its_field_and_every_date_example_is_read() -> None:
    choices = {"gender": Member.Gender, "category": Member.Category, "status": Member.Status}
    for field, words in aliases.VALUE_ALIASES.items():
        labels = {aliases.value_key(str(label)) for label in choices[field].labels}
        assert set(map(str, words.values())) <= set(choices[field].values), field
        assert not {aliases.value_key(word) for word in words} & labels, field  # a label is not its own alias
    assert {parse_date(example) for example in aliases.DATE_EXAMPLES} == {date(2020, 1, 2)}


def test_the_header_row_is_found_below_merged_title_rows() -> None:
    content = titled_xlsx(NATIONAL, [[1, "张三", "男", "110105194912310021"]])
    sheet = imports.sheet_read(content=io.BytesIO(content), filename="a.xlsx")
    assert sheet.headers == list(NATIONAL)
    assert [number for number, _cells in sheet.rows] == [4]


def test_a_two_level_header_reads_the_columns_merged_down_from_the_row_above() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["姓名", "公民身份号码", "组织信息", None, "人员类别"])
    sheet.append([None, None, "所在党支部", "党员状态", None])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:B2")
    sheet.merge_cells("C1:D1")
    sheet.merge_cells("E1:E2")
    sheet.append(["张三", "110105194912310021", "X支部", "正式党员", "教师"])
    out = io.BytesIO()
    workbook.save(out)
    read = imports.sheet_read(content=io.BytesIO(out.getvalue()), filename="a.xlsx")
    assert read.headers == ["姓名", "公民身份号码", "所在党支部", "党员状态", "人员类别"]
    assert read.rows == [(3, ["张三", "110105194912310021", "X支部", "正式党员", "教师"])]


def test_the_templates_help_sheet_moved_first_is_not_taken_for_the_header(world: World) -> None:
    template = io.BytesIO()
    imports.template_write(out=template)
    workbook = load_workbook(io.BytesIO(template.getvalue()))
    workbook["党员名册"].append([row()[header] for header in imports.HEADERS])
    workbook.move_sheet("说明", offset=-1)
    out = io.BytesIO()
    workbook.save(out)
    sheet = imports.sheet_read(content=io.BytesIO(out.getvalue()), filename="a.xlsx")
    assert sheet.headers == list(imports.HEADERS) and len(sheet.rows) == 1


# --- what cannot be mapped -----------------------------------------------------------------------------


def test_unknown_columns_are_named_with_the_expected_ones_when_a_required_column_is_missing(world: World) -> None:
    headers = ("序号", "姓名", "证件号", "支部名称x", "人员类别", "党籍状态")
    plan = check(world.admin, [row()], headers)
    assert messages_of(plan) == [
        (None, "", "缺少必填列：身份证号、所在支部。"),
        (None, "身份证号", "该列可用的列名：" + "、".join(aliases.accepted_headers("national_id")) + "。"),
        (None, "所在支部", "该列可用的列名：" + "、".join(aliases.accepted_headers("branch")) + "。"),
        (
            None,
            "",
            "文件中未能识别的列：序号、证件号、支部名称x。若其中有上述必填列，请把列名改为可用的列名之一"
            "（导入模板的“说明”页列出了全部可用的列名）。",
        ),
    ]
    assert plan.columns[2] == {"column": "证件号", "field": ""}


def test_unknown_columns_are_not_read_when_every_required_column_is_there(world: World) -> None:
    headers = ("序号", *imports.HEADERS, "备注")
    plan = check(world.admin, [dict(row(), 序号="1", 备注="转入")], headers)
    assert not plan.errors and len(plan.creates) == 1
    assert [c["column"] for c in plan.columns if not c["field"]] == ["序号", "备注"]


def test_two_columns_for_one_field_are_refused_naming_both(world: World) -> None:
    plan = check(world.admin, [dict(row(), 公民身份号码="x")], (*imports.HEADERS, "公民身份号码"))
    assert messages_of(plan) == [(None, "身份证号", "“身份证号”“公民身份号码”都是“身份证号”列，请只保留一列。")]


def test_row_errors_name_the_column_as_the_file_does(world: World) -> None:
    cells = {
        "姓名": "张三",
        "公民身份号码": "110105194912310021",
        "人员类别": "干部",
        "所在党支部": "Z支部",
        "党员状态": "正式党员",
    }
    plan = check(world.admin, [cells], tuple(cells))
    assert [(column, message) for _row, column, message in messages_of(plan)] == [
        ("公民身份号码", "身份证号校验位不正确，请核对。"),
        ("人员类别", "无法识别“干部”，可填：学生、教师、职工、离退休。"),
        ("所在党支部", "您无权管理“Z支部”的党员。"),
    ]


def test_checking_a_roster_in_synonyms_makes_no_query_per_row(world: World) -> None:
    def queries(count: int) -> int:
        rows = [row(人员类别=CATEGORY_WORDS[n % len(CATEGORY_WORDS)], 所在支部="X 支部") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert not check(world.admin, rows).errors
        return len(captured)

    queries(1)  # what the first check of a test loads once (the uploader's scope)
    assert queries(40) == queries(4)


# --- the job's preview, the template, the docs -----------------------------------------------------------


def test_the_preview_page_and_the_api_say_which_column_was_read_for_which_field(
    inst_a: Institution, world: World
) -> None:
    rows, _categories = _national_rows(3)
    with in_schema(inst_a):
        job = start(inst_a, world.admin, titled_xlsx(NATIONAL, rows))
    job = run_validation(inst_a, job)
    assert job.status == ImportJob.Status.PREVIEW, job.errors
    client = client_for(inst_a, world.admin)
    columns = client.get(f"/api/members/imports/{job.pk}/").json()["columns"]
    assert columns[0] == {"column": "序号", "field": None, "field_label": ""}
    assert columns[3] == {"column": "公民身份号码", "field": "national_id", "field_label": "身份证号"}
    html = client.get(reverse("member_import:job", kwargs={"pk": str(job.pk)})).content.decode()
    assert "读取的列" in html and "公民身份号码" in html and "未读取" in html


def test_the_template_lists_the_alias_table(inst_a: Institution, world: World) -> None:
    response = client_for(inst_a, world.admin).get(reverse("member_import:template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    help_sheet = workbook["说明"]
    assert [c.value for c in help_sheet[1]][5:] == ["其他可用列名", "可识别的其他写法"]
    listed = {r[0]: (r[5] or "", r[6] or "") for r in help_sheet.iter_rows(min_row=2, max_row=17, values_only=True)}
    with in_schema(inst_a):
        expected = {column.header: (names, values) for column, names, values in imports.help_rows()}
    assert listed == expected
    assert "管理人员" in listed["人员类别"][1] and "公民身份号码" in listed["身份证号"][0]


def test_docs_list_the_alias_table_of_the_module() -> None:
    text = (ROOT / "docs" / "imports.md").read_text(encoding="utf-8")
    start_marker = "<!-- alias table: generated by services.members.imports.aliases.markdown() -->\n"
    table = text.split(start_marker, 1)[1].split("<!-- end of alias table -->", 1)[0]
    assert table == aliases.markdown(), f"docs/imports.md is stale; replace its table with:\n{aliases.markdown()}"
