"""Standardized branches end to end in the browser (issue 15's "done when"): the committee imports
an indicator system for undergraduate universities (本科院校) from .xlsx on the console, passes its
checks and publishes it; the branch secretary sees the automatic evidence on the institution's
标准化建设 page, links the documents and submits; the college's secretary and then the
institution's administrator approve; the figures job runs (in-process, as the nightly job would);
the committee's dashboard shows the school's standardization score, the heat map and the
drill-down school → college → branch. Every console response the browser received is checked
for the institution's people (names, ID numbers, student/staff numbers): none may appear. The
annual 党内统计 tables are exported as the institution's administrator and as the committee.

The browser tests do not seed ``make run``'s full demo (console/demo.py: hundreds of members per
institution, too slow here and it would stay in the shared test institutions). This test builds
the equivalent minimal world: the demo's indicator tree (services/standards/demo_data.TREE, as
an .xlsx in the console's format) and, in institution A, a committee → college → branch with the
demo's roles (a branch secretary, a college secretary, the institution's administrator)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import Workbook, load_workbook
from playwright.sync_api import BrowserContext, Page, Response, expect

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.organization.services import org_unit_create
from services.oversight.models import FactsRefresh, InstitutionFigures, UnitFact
from services.standards import demo_data
from services.standards.models import Assessment, Evidence, IndicatorNode, IndicatorSystem, ReviewStep
from services.standards.validation import KIND_LABEL
from services.standards.workbook import HEADER, NODES_SHEET, RULE_LABEL, SETTINGS_SHEET
from tests.browser.conftest import BrowserServer, NewContext, sign_in
from tests.conftest import ADMIN_PASSWORD, Institutions
from tests.factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.browser

SYSTEM = "浏览器标准化考评指标体系"
COMMITTEE = "浏览器标准化测试党委"
COLLEGE = "浏览器标准化测试学院党委"
BRANCH = "浏览器标准化测试支部"
SECRETARY = "browser-std-secretary"
REVIEWER = "browser-std-college"
COMMITTEE_USER = "browser-std-committee"
PEOPLE = ("欧阳标准", "司马考评", "诸葛支部", "上官学时", "东方党建")


@dataclass(frozen=True)
class StdWorld:
    schema: str
    branch: OrgUnit
    college: OrgUnit
    year: int


def _system_xlsx(kind_label: str, year: int) -> bytes:
    """The demo's indicator tree in the console's import format (two sheets, one node a row)."""
    book = Workbook()
    settings = book.active
    settings.title = SETTINGS_SHEET
    for row in (
        ("名称", SYSTEM),
        ("适用学校类型", kind_label),
        ("适用年度", year),
        ("总分", "100"),
        ("等次线", "好:90，较好:80，一般:60，差:0"),
        ("否决后等次", "差"),
        ("否决后最高得分", "59"),
        ("标准化支部最低得分", "80"),
        ("考评截止日期", date(year + 1, 1, 31).isoformat()),
    ):
        settings.append(row)
    nodes = book.create_sheet(NODES_SHEET)
    nodes.append(HEADER)
    for a, (area, area_points, items) in enumerate(demo_data.TREE, start=1):
        nodes.append((str(a), "", KIND_LABEL["area"], area, str(area_points), "", "", "", "", "", ""))
        for i, (title, points, rule, extra, evidence) in enumerate(items, start=1):
            number = f"{a}.{i}"
            nodes.append(
                (
                    number, str(a), KIND_LABEL["item"], title, str(points), RULE_LABEL[rule],
                    str(extra.get("deduction", "")), extra.get("metric", ""), str(extra.get("threshold", "")),
                    "是" if extra.get("veto") else "", "",
                )
            )  # fmt: skip
            for e, (piece, piece_points) in enumerate(evidence, start=1):
                nodes.append(
                    (f"{number}.{e}", number, KIND_LABEL["evidence"], piece, str(piece_points), "", "", "", "", "", "")
                )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _clean_public(institution_id: int, year: int) -> None:
    with schema_context("public"):
        systems = IndicatorSystem.objects.filter(name=SYSTEM)
        if systems.exists():
            with connection.cursor() as cursor:  # published versions are frozen by triggers
                cursor.execute("ALTER TABLE standards_indicatornode DISABLE TRIGGER standards_node_guard")
                cursor.execute("ALTER TABLE standards_indicatorsystem DISABLE TRIGGER standards_system_guard")
                try:
                    IndicatorNode.objects.filter(system__in=systems).delete()
                    systems.delete()
                finally:
                    cursor.execute("ALTER TABLE standards_indicatornode ENABLE TRIGGER standards_node_guard")
                    cursor.execute("ALTER TABLE standards_indicatorsystem ENABLE TRIGGER standards_system_guard")
        for period in (str(year - 1), str(year)):
            UnitFact.objects.filter(institution_id=institution_id, period__startswith=period).delete()
        FactsRefresh.objects.filter(institution_id=institution_id).delete()
        for user in User.objects.filter(username=COMMITTEE_USER):
            user.delete()  # User.delete keeps to the schema (no institution-only tables here)


def _clean_institution(schema: str) -> None:
    with schema_context(schema):
        branches = OrgUnit.objects.filter(name=BRANCH)
        assessments = Assessment.objects.filter(unit__in=branches)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE standards_reviewstep DISABLE TRIGGER standards_step_append_only")
            try:
                ReviewStep.objects.filter(assessment__in=assessments).delete()
            finally:
                cursor.execute("ALTER TABLE standards_reviewstep ENABLE TRIGGER standards_step_append_only")
        Evidence.objects.filter(assessment__in=assessments).delete()
        assessments.delete()
        Position.objects.filter(unit__name__in=(BRANCH, COLLEGE)).delete()
        Member.objects.filter(branch__in=branches).delete()
        for user in User.objects.filter(username__in=(SECRETARY, REVIEWER)):
            user.delete()
        branches.delete()
        OrgUnit.objects.filter(name=COLLEGE).delete()
        OrgUnit.objects.filter(name=COMMITTEE).delete()


@pytest.fixture
def std_world(_browser_env: None, institutions: Institutions) -> Iterator[StdWorld]:
    schema, year = institutions.a.schema_name, timezone.localdate().year
    _clean_public(institutions.a.pk, year)
    _clean_institution(schema)
    with schema_context("public"):
        had_figures = InstitutionFigures.objects.filter(institution_id=institutions.a.pk).exists()
        UserFactory(username=COMMITTEE_USER, display_name="市教育工委", platform_role="committee")
    with schema_context(schema):
        committee = org_unit_create(name=COMMITTEE, kind=OrgUnit.Kind.COMMITTEE)
        college = org_unit_create(name=COLLEGE, kind=OrgUnit.Kind.SECOND_LEVEL, parent=committee)
        branch = org_unit_create(name=BRANCH, kind=OrgUnit.Kind.BRANCH, parent=college)
        secretary = MemberFactory(
            branch=branch, user=UserFactory(username=SECRETARY, display_name=PEOPLE[0]), name=PEOPLE[0],
            number="S20260001",
        )  # fmt: skip
        Position.objects.create(
            member=secretary, unit=branch, kind=Position.Kind.SECRETARY, started_on=date(2020, 1, 1)
        )
        reviewer = MemberFactory(
            branch=branch, user=UserFactory(username=REVIEWER, display_name=PEOPLE[1]), name=PEOPLE[1],
            number="T20260002",
        )  # fmt: skip
        Position.objects.create(
            member=reviewer, unit=college, kind=Position.Kind.SECRETARY, started_on=date(2020, 1, 1)
        )
        for index, name in enumerate(PEOPLE[2:], start=3):
            MemberFactory(branch=branch, name=name, number=f"S2026000{index}", category=Member.Category.STUDENT)
    yield StdWorld(schema=schema, branch=branch, college=college, year=year)
    _clean_institution(schema)
    _clean_public(institutions.a.pk, year)
    if not had_figures:
        with schema_context("public"):
            InstitutionFigures.objects.filter(institution_id=institutions.a.pk).delete()
    connection.set_schema_to_public()


def _accept_confirms(context: BrowserContext) -> None:
    context.on("page", lambda p: p.on("dialog", lambda dialog: dialog.accept()))


def _review(
    page: Page, server: BrowserServer, institutions: Institutions, world: StdWorld, username: str, pw: str, then: str
) -> None:
    page.goto(server.url(institutions.a, f"/accounts/login/?next=/standards/%3Fyear%3D{world.year}"))
    sign_in(page, username, pw)
    page.locator(".card", has_text="待我审核").get_by_role("link", name=BRANCH).click()
    review = page.locator(f"form[action$='/assessments/{_assessment(world).pk}/review/']")
    expect(review.get_by_label("审核通过")).to_be_checked()
    with page.expect_navigation():
        review.get_by_role("button", name="提交").click()
    expect(page.locator(".stat", has_text="当前环节")).to_contain_text(then)


def _assessment(world: StdWorld) -> Assessment:
    with schema_context(world.schema):
        return Assessment.objects.get(unit_id=world.branch.pk, year=world.year)


def _xlsx_download(page: Page, button: str, tmp_path: Path, name: str) -> Workbook:
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    target = tmp_path / name
    download.value.save_as(target)
    return load_workbook(target)


def _number_cells(book: Workbook) -> list[float]:
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
    ]


def test_a_published_system_is_self_assessed_reviewed_and_seen_de_identified_on_the_dashboard(
    new_context: NewContext,
    browser_server: BrowserServer,
    institutions: Institutions,
    std_world: StdWorld,
    tmp_path: Path,
) -> None:
    a, year = institutions.a, std_world.year
    console_host = f"//{browser_server.url(None).split('//')[1].rstrip('/')}/"
    bodies: list[tuple[str, bytes]] = []
    unreadable: list[str] = []

    def record(response: Response) -> None:
        if console_host not in response.url or 300 <= response.status < 400:
            return
        try:
            bodies.append((response.url, response.body()))
        except Exception as exc:  # a download's body goes to the file, not the page
            unreadable.append(f"{response.url}: {exc}")

    # The committee imports the system, sees its checks pass, and publishes it.
    committee = new_context()
    _accept_confirms(committee)
    committee.on("response", record)
    console = committee.new_page()
    console.goto(browser_server.url(None, "/accounts/login/?next=/standards/"))
    sign_in(console, COMMITTEE_USER, PASSWORD)
    upload = tmp_path / "指标体系.xlsx"
    upload.write_bytes(_system_xlsx(str(a.get_kind_display()), year))
    console.set_input_files("#import-file", str(upload))
    with console.expect_navigation():
        console.get_by_role("button", name="导入为草稿").click()
    expect(console.get_by_role("heading", level=1)).to_contain_text(SYSTEM)
    expect(console.locator("#check")).to_contain_text("检查通过")
    with console.expect_navigation():
        console.locator("#check").get_by_role("button", name="发布").click()
    expect(console.locator(".badge.active")).to_be_visible()
    expect(console.get_by_text("本科院校")).not_to_have_count(0)

    # The branch secretary sees the automatic evidence, links the documents, and submits.
    institution = new_context()
    _accept_confirms(institution)
    page = institution.new_page()
    page.goto(browser_server.url(a, "/accounts/login/"))
    sign_in(page, SECRETARY, PASSWORD)
    page.get_by_role("link", name="标准化建设").first.click()
    expect(page.get_by_text(f"适用指标体系：{SYSTEM}")).to_be_visible()
    page.get_by_role("link", name=BRANCH).click()
    with page.expect_navigation():
        page.get_by_role("button", name="开始自评").click()
    study = page.locator(".card", has_text="党员学习学时达标")
    expect(study.locator("li").first).to_contain_text("指标“")  # computed from the branch's study records
    for piece in ("换届选举请示及批复", "选举结果报告", "支部党员大会记录", "党务公开记录"):
        evidence = page.locator(".evidence", has_text=piece)
        evidence.locator("summary").click()
        link = evidence.locator("form", has=page.locator("input[name=link]"))
        link.locator("input[name=title]").fill(f"{piece}（存档）")
        link.locator("input[name=link]").fill("/orglife/")
        with page.expect_navigation():
            link.get_by_role("button", name="关联").click()
        expect(page.locator(".evidence", has_text=piece).get_by_role("link", name=f"{piece}（存档）")).to_be_visible()
    with page.expect_navigation():
        page.locator("form[action$='/submit/']").get_by_role("button", name="提交").click()
    expect(page.locator(".stat", has_text="当前环节")).to_contain_text("院系党委审核")

    # The college's secretary, then the institution's administrator, approve.
    steps = ((REVIEWER, PASSWORD, "institution", "学校党委审核"), ("admin", ADMIN_PASSWORD, "final", "已认定"))
    for username, password, status, label in steps:
        reviewer = new_context()
        _accept_confirms(reviewer)
        _review(reviewer.new_page(), browser_server, institutions, std_world, username, password, label)
        assert _assessment(std_world).status == status
    final = _assessment(std_world)
    assert final.score is not None and final.maximum
    percent = f"{round(100 * int(final.score * 10) / int(final.maximum * 10))}%"  # as the dashboard rounds

    # The nightly figures job of the institution.
    from services.oversight.services import figures_publish

    with schema_context(std_world.schema):
        figures_publish(institution=a, years=[year])
        branch_path, college_path = std_world.branch.path, std_world.college.path
    connection.set_schema_to_public()

    # The committee's dashboard: the score, the heat map, the drill-down to the branch.
    console.goto(browser_server.url(None, f"/dashboard/?year={year}"))
    heat_row = console.locator("table.heat tr", has=console.get_by_role("rowheader", name=a.name))
    expect(heat_row).to_contain_text(percent)
    school_row = console.locator("tr", has=console.get_by_role("link", name=a.name))
    expect(school_row.first).to_contain_text(percent)
    school_row.first.get_by_role("link", name=a.name).click()
    expect(console.get_by_role("heading", level=1)).to_contain_text(a.name)
    console.get_by_role("link", name=college_path, exact=True).click()
    expect(console.locator("table").last).to_contain_text(branch_path)
    console.get_by_role("link", name=branch_path, exact=True).click()
    unit_row = console.locator("tr", has=console.get_by_role("rowheader", name=branch_path))
    expect(unit_row).to_contain_text(percent)
    expect(unit_row).to_contain_text("党支部")

    # The annual tables: the committee's sum on the console, the institution's own.
    console.goto(browser_server.url(None, "/statistics/"))
    confirm = console.locator("input[name=confirm]")
    if confirm.count():
        confirm.check()
    committee_book = _xlsx_download(console, "导出 Excel（全国党员管理信息系统录入格式）", tmp_path, "committee.xlsx")
    admin = new_context().new_page()
    admin.goto(browser_server.url(a, "/accounts/login/?next=/statistics/"))
    sign_in(admin, "admin", ADMIN_PASSWORD)
    confirm = admin.locator("input[name=confirm]")
    if confirm.count():
        confirm.check()
    own_book = _xlsx_download(admin, "导出 Excel（全国党员管理信息系统录入格式）", tmp_path, "institution.xlsx")
    assert committee_book.sheetnames == own_book.sheetnames and len(own_book.sheetnames) > 1
    assert _number_cells(own_book) and _number_cells(committee_book)

    # No person of the institution in anything the console sent.
    with schema_context(std_world.schema):
        members = list(Member.objects.all())
        secrets = {m.name for m in members} | {m.national_id for m in members} | {m.number for m in members if m.number}
    connection.set_schema_to_public()
    assert set(PEOPLE) <= secrets and len(bodies) > 8
    leaks = [
        (url, secret) for url, body in bodies for secret in secrets if len(secret) >= 2 and secret.encode() in body
    ]
    assert not leaks, leaks
    # The committee's export is a download (its body goes to the file, not the page): read the file.
    assert all("/statistics/export/" in entry for entry in unreadable), unreadable
    texts = {str(c.value) for sheet in committee_book.worksheets for row in sheet.iter_rows() for c in row if c.value}
    assert not [secret for secret in secrets if any(secret in text for text in texts)]
