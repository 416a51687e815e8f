"""A member on a 375px phone opens 我的会议 from the navigation, asks for leave from the next
meeting, and sees it waiting; the branch secretary approves it on the same width. No page is wider
than the screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from services.accounts.models import User
from services.members.models import Member
from services.organization.models import OrgUnit, Position
from services.orglife.models import Attendee, Meeting
from services.orglife.services import meeting_create
from tests.browser.conftest import MEMBER_USERNAME, BrowserServer, BrowserUsers, NewContext, sign_in
from tests.conftest import Institutions
from tests.factories import PASSWORD, MemberFactory
from tests.members.helpers import build_tree, person

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
SECRETARY = "orglife-secretary"


@pytest.fixture
def planned(_browser_env: None, institutions: Institutions, browser_users: BrowserUsers) -> Iterator[int]:
    """Branch X with its secretary and the browser member, and a member meeting in three days."""
    with schema_context(institutions.a.schema_name):
        User.objects.filter(username=SECRETARY).delete()  # left over from a --reuse-db run
        tree = build_tree()
        secretary = person(tree.branch_x, SECRETARY, Position.Kind.SECRETARY)
        MemberFactory(branch=tree.branch_x, user=browser_users.member, status=Member.Status.NORMAL)
        day = timezone.localdate() + timedelta(days=3)
        starts = timezone.make_aware(datetime(day.year, day.month, day.day, 14))
        meeting = meeting_create(
            acting_user=secretary, unit=tree.branch_x, kind=Meeting.Kind.MEMBER_MEETING, topic="手机请假测试会议",
            starts_at=starts, ends_at=starts + timedelta(hours=2), place="党员活动室",
        )  # fmt: skip
    yield meeting.pk
    with schema_context(institutions.a.schema_name):
        Meeting.objects.filter(unit__path__startswith=tree.committee.path).delete()
        Member.objects.filter(branch__path__startswith=tree.committee.path).delete()
        User.objects.filter(username=SECRETARY).delete()
        for unit in OrgUnit.objects.filter(path__startswith=tree.committee.path).order_by("-path"):
            unit.delete()
    connection.set_schema_to_public()


def _phone(new_context: NewContext, server: BrowserServer, institutions: Institutions, username: str) -> Page:
    page = new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    page.goto(server.url(institutions.a, "/accounts/login/"))
    sign_in(page, username, PASSWORD)
    return page


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def test_a_member_asks_for_leave_on_a_phone_and_the_secretary_approves(
    new_context: NewContext, browser_server: BrowserServer, institutions: Institutions, planned: int
) -> None:
    page = _phone(new_context, browser_server, institutions, MEMBER_USERNAME)
    page.goto(browser_server.url(institutions.a, "/orglife/mine/"))
    expect(page.get_by_text("手机请假测试会议")).to_be_visible()
    _fits(page)
    page.get_by_role("link", name="请假", exact=True).click()
    page.wait_for_url(f"**/orglife/mine/{planned}/leave/")
    _fits(page)
    page.get_by_label("请假事由").fill("出差参加学术会议")
    page.get_by_role("button", name="提交请假").click()
    page.wait_for_url("**/orglife/mine/")
    expect(page.get_by_text("请假待审批")).to_be_visible()
    _fits(page)

    secretary = _phone(new_context, browser_server, institutions, SECRETARY)
    secretary.goto(browser_server.url(institutions.a, "/orglife/leave/"))
    expect(secretary.get_by_text("出差参加学术会议")).to_be_visible()
    _fits(secretary)
    secretary.get_by_role("button", name="准假", exact=True).click()
    expect(secretary.get_by_text("没有等待审批的请假。")).to_be_visible()
    secretary.goto(browser_server.url(institutions.a, f"/orglife/meetings/{planned}/"))
    expect(secretary.get_by_text("已准假")).to_be_visible()
    _fits(secretary)
    with schema_context(institutions.a.schema_name):
        assert Attendee.objects.get(meeting_id=planned, member__user__username=MEMBER_USERNAME).leave == "approved"
