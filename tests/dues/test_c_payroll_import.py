"""The payroll import (工资表导入) on the roster's import engine: row-level Chinese errors in the
preview and the error report, every row or none written, the same job steps as the roster."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from services.audit.models import AuditEvent
from services.dues import payroll_import
from services.dues.models import Base, Category, Month
from services.members import imports, tasks
from services.members.imports import Sheet
from services.members.models import ImportJob, Member
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import client_for, in_schema

from .conftest import Branch

pytestmark = pytest.mark.django_db

HEADERS = ("学号/工号", "身份证号", "姓名", "交纳类别", "月交纳基数", "起始月份")


def numbered(branch: Branch) -> list[Member]:
    for index, member in enumerate(branch.members):
        member.number = f"T{index:04d}"
        member.save(update_fields=["number"])
    return branch.members


def line(
    member: Member, category: str = "在职", base: str = "4200", month: str = "2027-01", **over: str
) -> dict[str, str]:
    cells = {
        "学号/工号": member.number,
        "姓名": member.name,
        "交纳类别": category,
        "月交纳基数": base,
        "起始月份": month,
    }
    cells.update(over)
    return cells


def sheet_of(rows: list[dict[str, str]], headers: tuple[str, ...] = HEADERS) -> Sheet:
    return Sheet(headers=list(headers), rows=[(n, [r.get(h, "") for h in headers]) for n, r in enumerate(rows, 2)])


def xlsx(rows: list[dict[str, str]], headers: tuple[str, ...] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["某学院 2027 年党费基数"])  # a title row above the header
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(h, "") for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def errors_of(plan: payroll_import.PayrollPlan) -> list[tuple[int | None, str, str]]:
    return [(error["row"], error["column"], error["message"]) for error in plan.errors]


def test_each_row_reports_its_chinese_errors_in_its_column(branch: Branch) -> None:
    members = numbered(branch)
    Month.objects.create(year=2026, month=12, status=Month.Status.CLOSED)
    rows = [
        line(members[2]),
        line(members[3], base="-1"),
        line(members[4], base="2000000"),
        line(members[5], base="4200.123"),
        line(members[6], base=""),
        line(members[7], category="学生", base="3000"),
        line(members[2], month="2026-12"),
        line(members[3], 姓名="别人"),
        line(members[4], category="公务员"),
        line(members[5], month="2027-01-15"),
        {"学号/工号": "NOPE", "姓名": "某人", "交纳类别": "在职", "月交纳基数": "1", "起始月份": "2027-01"},
        line(members[2]),
    ]
    plan = payroll_import.payroll_check(sheet=sheet_of(rows), acting_user=branch.secretary)
    found = errors_of(plan)
    expect = [
        (3, "月交纳基数", "金额不能为负数。"),
        (4, "月交纳基数", "金额超过每月 1,000,000 元"),
        (5, "月交纳基数", "金额最多精确到分"),
        (6, "月交纳基数", "请填写月交纳基数"),
        (7, "月交纳基数", "不填写月交纳基数"),
        (8, "起始月份", "该月党费已结账"),
        (9, "姓名", "与档案中的姓名"),
        (10, "交纳类别", "无法识别交纳类别"),
        (11, "起始月份", "起始月份须为某月的 1 日"),
        (12, "学号/工号", "找不到该党员"),
        (13, "起始月份", "与第 2 行重复"),
    ]
    for row, column, text in expect:
        assert any(r == row and c == column and text in m for r, c, m in found), (row, column, text, found)
    assert len(found) == len(expect)


def test_a_member_may_be_named_by_id_number_and_off_scope_members_are_not_found(
    inst_a: Institution, branch: Branch
) -> None:
    from tests.factories import MemberFactory, OrgUnitFactory

    members = numbered(branch)
    stranger = MemberFactory(branch=OrgUnitFactory(name="别的支部"), number="X0001")
    rows = [
        {
            "身份证号": members[3].national_id,
            "姓名": members[3].name,
            "交纳类别": "离退休",
            "月交纳基数": "5000.01",
            "起始月份": "2027年1月",
        },
        line(stranger),
    ]
    plan = payroll_import.payroll_check(sheet=sheet_of(rows), acting_user=branch.secretary)
    assert errors_of(plan) == [(3, "学号/工号", "找不到该党员，或其不在您管理的党组织中。")]
    assert [(b.member_id, b.category, b.monthly_base) for b in plan.creates] == [
        (members[3].pk, Category.RETIREE, Decimal("5000.01"))
    ]


def test_missing_columns_are_a_file_error(branch: Branch) -> None:
    plan = payroll_import.payroll_check(
        sheet=sheet_of([{"姓名": "x"}], ("姓名", "交纳类别")), acting_user=branch.secretary
    )
    assert plan.errors[0]["row"] is None and "学号/工号或身份证号" in plan.errors[0]["message"]
    assert "月交纳基数" in plan.errors[0]["message"] and "起始月份" in plan.errors[0]["message"]


def start(inst: Institution, branch: Branch, content: bytes) -> ImportJob:
    return imports.import_start(
        acting_user=branch.secretary, upload=io.BytesIO(content), filename="工资表.xlsx",
        schema_name=inst.schema_name, language="zh-hans", kind=payroll_import.KIND,
    )  # fmt: skip


def validate(inst: Institution, job: ImportJob) -> ImportJob:
    tasks.validate_import.run(inst.schema_name, str(job.pk))
    connection.set_schema(inst.schema_name)  # the task leaves the schema it ran in
    return ImportJob.objects.get(pk=job.pk)


def commit(inst: Institution, job: ImportJob, branch: Branch) -> ImportJob:
    assert imports.import_confirm(
        job=job, acting_user=branch.secretary, schema_name=inst.schema_name, language="zh-hans"
    )
    tasks.commit_import.run(inst.schema_name, str(job.pk))
    connection.set_schema(inst.schema_name)
    return ImportJob.objects.get(pk=job.pk)


def test_a_clean_file_is_previewed_then_written_in_one_commit_and_audited(inst_a: Institution, branch: Branch) -> None:
    members = numbered(branch)
    Base.objects.create(
        member=members[4], category=Category.EMPLOYED, monthly_base=Decimal("4200"), starts_on=date(2027, 1, 1)
    )
    Base.objects.create(
        member=members[5], category=Category.EMPLOYED, monthly_base=Decimal("1000"), starts_on=date(2027, 1, 1)
    )
    rows = [
        line(members[3]),
        line(members[4]),
        line(members[5], base="6000"),
        line(members[6], category="学生", base=""),
    ]
    job = validate(inst_a, start(inst_a, branch, xlsx(rows)))
    assert job.status == ImportJob.Status.PREVIEW, job.errors
    assert (job.kind, job.created_count, job.updated_count, job.unchanged_count) == (payroll_import.KIND, 2, 1, 1)
    assert not Base.objects.filter(member=members[3]).exists()  # nothing before the confirmation
    job = commit(inst_a, job, branch)
    assert job.status == ImportJob.Status.DONE
    assert Base.objects.get(member=members[3]).source == Base.Source.IMPORT
    assert Base.objects.get(member=members[5]).monthly_base == Decimal("6000.00")
    assert Base.objects.get(member=members[6]).monthly_base is None
    assert AuditEvent.objects.filter(event="dues.bases_imported", object_id=str(job.pk)).exists()
    assert AuditEvent.objects.filter(event="dues.base_set", object_type="dues.base").count() == 3


def test_a_bad_row_writes_nothing_and_the_error_report_names_it(inst_a: Institution, branch: Branch) -> None:
    members = numbered(branch)
    rows = [line(members[3]), line(members[4], base="-5"), line(members[5])]
    job = validate(inst_a, start(inst_a, branch, xlsx(rows)))
    assert job.status == ImportJob.Status.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "月交纳基数")]
    report = load_workbook(get_storage().open(job.error_report_key), read_only=True)
    values = [list(r) for r in report[payroll_import.SHEET_TITLE].iter_rows(values_only=True)]
    assert values[0][-1] == "错误" and "金额不能为负数" in str(values[2][-1])
    assert not imports.import_confirm(
        job=job, acting_user=branch.secretary, schema_name=inst_a.schema_name, language="zh-hans"
    )
    assert not Base.objects.exists()


def test_a_row_gone_bad_since_the_preview_stops_the_whole_commit(inst_a: Institution, branch: Branch) -> None:
    members = numbered(branch)
    rows = [line(members[3]), line(members[4], month="2027-02")]
    job = validate(inst_a, start(inst_a, branch, xlsx(rows)))
    assert job.status == ImportJob.Status.PREVIEW
    Month.objects.create(year=2027, month=1, status=Month.Status.CLOSED)  # closed after the preview
    job = commit(inst_a, job, branch)
    assert job.status == ImportJob.Status.INVALID and "该月党费已结账" in job.errors[0]["message"]
    assert not Base.objects.exists()


def test_the_pages_keep_payroll_and_roster_jobs_apart(inst_a: Institution, branch: Branch) -> None:
    members = numbered(branch)
    client = client_for(inst_a, branch.secretary)
    template = client.get(reverse("dues_bases:import_template"))
    sheet = load_workbook(io.BytesIO(b"".join(template.streaming_content)), read_only=True)[payroll_import.SHEET_TITLE]  # type: ignore[attr-defined]
    assert list(next(sheet.iter_rows(values_only=True))) == list(HEADERS)
    job = start(inst_a, branch, xlsx([line(members[3])]))
    assert client.get(reverse("dues_bases:import_job", kwargs={"pk": job.pk})).status_code == 200
    assert client.get(reverse("member_import:job", kwargs={"pk": job.pk})).status_code == 404
    assert client.get(reverse("dues-bases-import", kwargs={"pk": job.pk})).json()["status"] == "validating"
    assert job.filename in client.get(reverse("dues_bases:import")).content.decode()
    assert job.filename not in client.get(reverse("member_import:page")).content.decode()
    with in_schema(inst_a):
        assert imports.import_job_list(acting_user=branch.secretary) == []
