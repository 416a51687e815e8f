"""A branch secretary walks an applicant from the application to full membership in the browser,
seeing the guards of each stage (with their rule citations) before confirming it: application →
talk (with its record uploaded) → activist → contact person, assessment → development target
(a day too early is refused on screen) → sponsors, political review, training, publicity,
pre-review, volunteer form → the admission vote on the votes pages → approval, confirmation
application → the confirmation vote → full member. Dates are in the past so that every guard can
pass; each step is recorded and then reviewed ("一步一审")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from services.accounts.models import User
from services.development.models import Dossier
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.organization.services import org_unit_create
from services.storage.backends import get_storage
from tests.browser.conftest import BrowserServer, sign_in
from tests.conftest import Institutions
from tests.development.helpers import national_id_born
from tests.factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.browser

COMMITTEE = "浏览器发展测试党委"
BRANCH = "浏览器发展测试支部"
SECRETARY = "browser-dev-secretary"
APPLICANT = "欧阳发展"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class DevWorld:
    schema: str
    branch_id: int
    national_id: str


def _clean(schema: str) -> None:
    from services.openness.models import BoardItem
    from services.votes.models import BranchVote

    with schema_context(schema):
        branches = OrgUnit.objects.filter(name=BRANCH)
        for dossier in Dossier.objects.filter(branch__in=branches):
            get_storage().delete_prefix(f"{schema}/development/{dossier.pk}/")
        BranchVote.objects.filter(branch__in=branches).delete()
        # Recording the committee's review published the publicity on the 党务公开 board.
        BoardItem.objects.filter(unit__in=branches).delete()
        Dossier.objects.filter(branch__in=branches).delete()
        Member.objects.filter(branch__in=branches).delete()
        User.objects.filter(username=SECRETARY).delete()
        branches.delete()
        OrgUnit.objects.filter(name=COMMITTEE).delete()


@pytest.fixture
def dev_world(_browser_env: None, institutions: Institutions) -> Iterator[DevWorld]:
    """A committed branch with its secretary and four full members in institution A."""
    schema = institutions.a.schema_name
    _clean(schema)
    with schema_context(schema):
        committee = org_unit_create(name=COMMITTEE, kind=OrgUnit.Kind.COMMITTEE)
        branch = org_unit_create(name=BRANCH, kind=OrgUnit.Kind.BRANCH, parent=committee)
        secretary = UserFactory(username=SECRETARY, display_name="书记")
        record = MemberFactory(branch=branch, user=secretary, name="支部书记", status=Member.Status.NORMAL)
        Position.objects.create(member=record, unit=branch, kind=Position.Kind.SECRETARY, started_on=date(2020, 1, 1))
        for name in ("党员甲", "党员乙", "党员丙", "党员丁"):
            MemberFactory(branch=branch, name=name, status=Member.Status.NORMAL)
    yield DevWorld(schema=schema, branch_id=branch.pk, national_id=national_id_born(date(2001, 3, 15)))
    _clean(schema)
    connection.set_schema_to_public()


def _approve_all(page: Page) -> None:
    """Review every pending step of the timeline ("一步一审")."""
    approve = page.get_by_role("button", name="审核通过")
    page.wait_for_load_state()
    while approve.count():
        # Wait for the reloaded timeline: counting on the page being left would click a button
        # that is already gone.
        with page.expect_navigation():
            approve.first.click()
        expect(page.get_by_text("审核已记录。")).to_be_visible()


def _record_step(page: Page, code: str, on: str, **fields: str) -> None:
    page.get_by_role("link", name="记录步骤").click()
    page.select_option("select[name=step]", f"std:{code}")
    page.fill("input[name=occurred_on]", on)
    for name, value in fields.items():
        if name == "file":
            page.set_input_files("input[name=documents]", value)
        else:
            page.fill(f"[name={name}]", value)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("步骤已记录，待审核。")).to_be_visible()


def _assign(page: Page, role: str, member: str, on: str) -> None:
    page.select_option("select[name=role]", label=role)
    page.select_option("select[name=member]", label=member)
    page.fill("input[name=assigned_on]", on)
    page.get_by_role("button", name="确定", exact=True).click()
    expect(page.get_by_text(f"已确定{role}。")).to_be_visible()


def _advance(page: Page, stage: str, on: str) -> None:
    page.get_by_role("link", name=f"转为{stage}").click()
    page.fill("input[name=on_date]", on)
    # The page first shows the guards for today, which pass as well: wait for the checked date's
    # page, or the stage would change on today's date.
    with page.expect_navigation():
        page.get_by_role("button", name="按此日期检查").click()
    expect(page.locator(".guards li.failed, .guards li.waiting")).to_have_count(0)
    page.get_by_role("button", name="确认转入下一阶段").click()
    expect(page.get_by_text(f"已转为“{stage}”。")).to_be_visible()


def _vote(page: Page, server: BrowserServer, world: DevWorld, kind: str, meeting_on: str) -> None:
    """Hold the branch member meeting's vote on the votes pages: every entitled elector present,
    all in favour."""
    page.goto(f"{page.url.split('/development/')[0]}/votes/new/?branch={world.branch_id}&kind={kind}")
    page.fill("input[name=meeting_on]", meeting_on)
    page.fill("input[name=host]", "支部书记")
    page.fill("input[name=recorder]", "组织委员")
    page.get_by_label(APPLICANT, exact=True).check()
    page.get_by_role("button", name="创建表决").click()
    page.get_by_role("link", name="登记到会和票数").click()
    # Count the electors on the record page itself, not on the vote page being left (where there
    # are none: the form would then be sent with no one present).
    page.wait_for_url("**/record/")
    present = page.locator("input[type=radio][value=present]")
    expect(present.first).to_be_visible()
    entitled = present.count()
    for index in range(entitled):
        present.nth(index).check()
    page.fill("input[name$='-yes']", str(entitled))
    page.fill("input[name$='-no']", "0")
    page.fill("input[name$='-abstain']", "0")
    page.get_by_role("button", name="确认并记录结果").click()
    expect(page.get_by_text("表决结果已记录。")).to_be_visible()


def test_an_applicant_becomes_a_full_member_with_the_guards_in_sight(
    page: Page, browser_server: BrowserServer, institutions: Institutions, dev_world: DevWorld, tmp_path: Path
) -> None:
    talk_record = tmp_path / "谈话记录.pdf"
    talk_record.write_bytes(PDF)
    page.goto(browser_server.url(institutions.a, "/accounts/login/?next=/development/"))
    sign_in(page, SECRETARY, PASSWORD)

    # The application.
    page.get_by_role("link", name="登记入党申请").click()
    page.fill("input[name=name]", APPLICANT)
    page.fill("input[name=national_id]", dev_world.national_id)
    page.select_option("select[name=category]", "student")
    page.select_option("select[name=branch]", label=BRANCH)
    page.fill("input[name=applied_on]", "2022-01-10")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name=APPLICANT)).to_be_visible()
    guards = page.locator("#guards")
    expect(guards.locator("[data-guard=age]")).to_contain_text("已满足")
    expect(guards.locator("[data-guard=age]")).to_contain_text(
        "申请入党最低年龄（《中国共产党发展党员工作细则》(2014) 第五条）"
    )
    # No talk within a month of 2022-01-10: overdue, in red, citing article 7.
    expect(guards.locator("[data-guard=talk].failed")).to_contain_text("第七条")

    # The talk, with its record uploaded; both steps reviewed; then activist.
    _record_step(page, "talk", "2022-01-20", file=str(talk_record))
    expect(page.get_by_role("link", name="谈话记录：谈话记录.pdf")).to_be_visible()
    _approve_all(page)
    expect(guards.locator("[data-guard=talk].passed")).to_be_visible()
    _advance(page, "入党积极分子", "2022-03-01")

    # A contact person and an assessment; a day short of a year is refused on screen.
    _assign(page, "培养联系人", "党员甲", "2022-03-02")
    _record_step(page, "activist_training", "2022-09-01")
    _approve_all(page)
    page.get_by_role("link", name="转为发展对象").click()
    page.fill("input[name=on_date]", "2023-02-28")
    page.get_by_role("button", name="按此日期检查").click()
    expect(page.locator("[data-guard=activist_period].waiting")).to_contain_text("2023-03-01")
    expect(page.get_by_role("button", name="确认转入下一阶段")).to_be_disabled()
    page.get_by_role("link", name="返回发展档案").click()
    _advance(page, "发展对象", "2023-03-01")

    # Everything a development target needs before the admission vote.
    _assign(page, "入党介绍人", "党员乙", "2023-03-02")
    _assign(page, "入党介绍人", "党员丙", "2023-03-02")
    _record_step(page, "political_review", "2023-05-01")
    _record_step(page, "training", "2023-06-01", ends_on="2023-06-03", hours="24")
    _record_step(page, "committee_review", "2024-09-02", ends_on="2024-09-06")
    _record_step(page, "pre_review", "2024-09-20")
    _record_step(page, "volunteer_form", "2024-09-25")
    _approve_all(page)
    expect(guards.locator("[data-guard=publicity].passed")).to_contain_text("5 个工作日")
    expect(guards.locator(".failed, .waiting")).to_have_count(0)
    dossier_url = page.url

    # The admission vote at the branch member meeting.
    _vote(page, browser_server, dev_world, "admission", "2024-10-15")
    page.goto(dossier_url)
    expect(page.get_by_role("heading", name=APPLICANT)).to_contain_text("预备党员")
    expect(page.locator(".dev-facts")).to_contain_text("2025-10-15")  # the end of probation

    # Approval within three months, the confirmation application, the confirmation vote.
    _record_step(page, "approval", "2024-11-20")
    _record_step(page, "confirmation_application", "2025-09-20")
    _approve_all(page)
    expect(guards.locator("[data-guard=approval].passed")).to_contain_text("第二十四条")
    expect(guards.locator("[data-guard=probation].passed")).to_be_visible()
    _vote(page, browser_server, dev_world, "confirmation", "2025-10-20")
    page.goto(dossier_url)
    expect(page.get_by_role("heading", name=APPLICANT)).to_contain_text("正式党员")
    page.screenshot(path=str(tmp_path / "dossier-full-member.png"), full_page=True)

    with schema_context(dev_world.schema):
        dossier = Dossier.objects.select_related("member").get(name=APPLICANT, branch_id=dev_world.branch_id)
        assert dossier.stage == "full" and dossier.confirmed_on == date(2025, 10, 15)
        assert dossier.member is not None and dossier.member.status == Member.Status.NORMAL
        assert dossier.member.joined_on == date(2024, 10, 15)
        assert dossier.admitted_on == date(2024, 10, 15)


PHONE = {"width": 390, "height": 844}


def test_the_board_and_a_dossier_fit_a_phone(
    new_context: Any, browser_server: BrowserServer, institutions: Institutions, dev_world: DevWorld, tmp_path: Path
) -> None:
    from services.development import services

    with schema_context(dev_world.schema):
        secretary = User.objects.get(username=SECRETARY)
        dossier = services.dossier_create(
            acting_user=secretary,
            branch=OrgUnit.objects.get(pk=dev_world.branch_id),
            name=APPLICANT,
            national_id=dev_world.national_id,
            category="student",
            applied_on=date(2022, 1, 10),
        )
    page = new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True).new_page()
    page.goto(browser_server.url(institutions.a, "/accounts/login/?next=/development/"))
    sign_in(page, SECRETARY, PASSWORD)
    expect(page.locator(".dev-card.flagged")).to_contain_text(APPLICANT)  # the talk is overdue
    for path in ("/development/", f"/development/{dossier.pk}/", f"/development/{dossier.pk}/advance/"):
        page.goto(browser_server.url(institutions.a, path))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px screen"
        page.screenshot(path=str(tmp_path / f"phone-{path.strip('/').replace('/', '-')}.png"), full_page=True)
